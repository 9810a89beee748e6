// kiban's pages work without this script; it only helps.
// A form cannot be sent twice by a second click while the first is on its
// way, and the upload form says which file is about to go.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
	document.querySelectorAll("form").forEach(function (f) {
		f.addEventListener("submit", function () {
			var b = f.querySelector("button[type=submit]");
			if (b) setTimeout(function () { b.disabled = true; }, 0);
		});
	});
	var file = document.getElementById("file");
	var help = document.getElementById("file-h");
	if (file && help) {
		var original = help.textContent;
		file.addEventListener("change", function () {
			var x = file.files && file.files[0];
			help.textContent = x ? x.name + " (" + x.size.toLocaleString() + " B)" : original;
		});
	}
});
