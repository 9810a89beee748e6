# detect.awk - early-warning detection against a generator's ground truth.
# Input: truth.csv (FILENAME ends in truth.csv) then alerts CSV from
# 'kiban supply alerts --csv' over the whole period.
# A shortage is detected when an alert (not 'silent') names its device, in
# its prefecture or nationally (any prefecture for a national shortage),
# in a week from the event's start to the week before the shortage.
# False alarms: alerts of devices and places no event touched within its
# window plus 8 weeks, over all alerts (not 'silent').
BEGIN { FS = ","; }
FNR == 1 { next; }
{ sub(/\r$/, ""); }
FILENAME ~ /truth\.csv$/ {
	n++;
	dev[n] = $4; pref[n] = $5 + 0; start[n] = $6; endw[n] = $7; short[n] = $9;
	next;
}
{
	# key,severity,rule,device,prefecture,week,value,threshold,reason
	if ($3 == "silent")
		next;
	na++;
	adev[na] = $4; apref[na] = $5 + 0; aweek[na] = $6;
}
function minus_week(d,    cmd, out) {
	cmd = "date -u -d '" d " - 7 days' +%F"; cmd | getline out; close(cmd); return out;
}
function plus_weeks(d, k,    cmd, out) {
	cmd = "date -u -d '" d " + " 7 * k " days' +%F"; cmd | getline out; close(cmd); return out;
}
END {
	for (i = 1; i <= n; i++) {
		if (short[i] == "")
			continue;
		total++;
		last = minus_week(short[i]);
		hit = 0;
		for (j = 1; j <= na && !hit; j++)
			if (adev[j] == dev[i] && (pref[i] == 0 || apref[j] == pref[i] || apref[j] == 0) &&
			    aweek[j] >= start[i] && aweek[j] <= last)
				hit = 1;
		found += hit;
		if (!hit)
			print "missed: " dev[i] " pref " pref[i] " shortage " short[i] > "/dev/stderr";
	}
	for (i = 1; i <= n; i++)
		until[i] = plus_weeks(endw[i], 8);
	for (j = 1; j <= na; j++) {
		ok = 0;
		for (i = 1; i <= n && !ok; i++)
			if (adev[j] == dev[i] && (pref[i] == 0 || apref[j] == pref[i] || apref[j] == 0) &&
			    aweek[j] >= start[i] && aweek[j] <= until[i])
				ok = 1;
		false_alarms += !ok;
	}
	printf "shortages %d detected %d rate %.3f alerts %d false %d false_rate %.3f\n",
	       total, found, total ? found / total : 1, na, false_alarms, na ? false_alarms / na : 0;
}
