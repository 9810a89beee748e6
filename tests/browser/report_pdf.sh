#!/bin/sh
# The annual report in a real browser: Chromium opens the HTML file with
# the network shut off and prints it to PDF; the PDF must be A4, numbered,
# and hold the plan's goals, the draft or final state, the KPIs — in
# Japanese and in English.  Skips (77) only when Chromium or the PDF tools
# are not installed; 'make test' installs them.
. "$(dirname "$0")/../e2e/lib.sh"

for tool in chromium:chromium pdfinfo:poppler-utils pdftotext:poppler-utils; do
	if ! command -v ${tool%%:*} >/dev/null 2>&1; then
		echo "SKIP: ${tool%%:*} is not installed: the Debian package ${tool#*:} is missing" \
			"(install it with: apt-get install ${tool#*:}, or sh scripts/deps.sh test as root)"
		exit 77
	fi
done

print_pdf() { # HTML PDF
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$work/profile" \
		--no-pdf-header-footer --print-to-pdf="$2" "file://$work/$1" >chromium.log 2>&1 ||
		{ cat chromium.log >&2; fail "chromium could not print $1"; }
	[ -s "$2" ] || fail "chromium wrote no PDF for $1"
}

# Text of a PDF with all white space removed (lines break anywhere).
flat() {
	pdftotext -enc UTF-8 "$1" - | tr -d ' \t\n\r\f'
}

$KIBAN demo --quiet
$KIBAN plan show --json >plan.json

# Japanese, draft (FY2025 is not frozen in the demo)
$KIBAN --lang ja report annual --year 2025 -o ja.html --quiet
print_pdf ja.html ja.pdf
pdfinfo ja.pdf >info.txt
grep -Eq '^Page size: +59[45](\.[0-9]+)? x 84[12](\.[0-9]+)? pts \(A4\)' info.txt || { cat info.txt; fail "not A4"; }
pages=$(sed -n 's/^Pages: *//p' info.txt)
[ "$pages" -ge 10 ] || fail "only $pages pages"
flat ja.pdf >ja.txt
expect_in "title" "年次評価報告書2025年度（令和7年度）" ja.txt
expect_in "draft mark" "暫定版" ja.txt
expect_in "page numbers" "1/$pages" ja.txt
expect_in "the last page number" "$pages/$pages" ja.txt
expect_in "KPI count" "KPI30件" ja.txt
for name in $(jq -r '.goals[].name_ja | gsub("\\s"; "")' plan.json); do
	expect_in "goal in the printed report" "$name" ja.txt
done
for name in $(jq -r '.ministries[].name_ja' plan.json); do
	expect_in "ministry in the follow-up" "$name" ja.txt
done
expect_in "a KPI" "K15医療従事者の負担軽減に資する医療機器の承認件数" ja.txt
expect_in "a revised target, with its reason" "2023年度に目標を前倒しで達成する見込みとなったため上方修正" ja.txt

# English
$KIBAN --lang en report annual --year 2025 -o en.html --quiet
print_pdf en.html en.pdf
flat en.pdf >en.txt
expect_in "English title" "Annualevaluationreport,FY2025(Reiwa7)" en.txt
for name in $(jq -r '.goals[].name_en | gsub("\\s"; "")' plan.json); do
	expect_in "goal in the English report" "$name" en.txt
done

# Final (frozen) FY2024, with the correction made after publication
$KIBAN --lang ja report annual --year 2024 -o final.html --quiet
print_pdf final.html final.pdf
flat final.pdf >final.txt
expect_in "final mark" "確定版（第1版）" final.txt
expect_in "edits since freezing" "確定後の変更" final.txt
expect_in "the corrected figure" "KPIK05:2024年度の値1522→1561" final.txt
echo "ok: the report prints on A4 ($pages pages in Japanese)"
