#!/bin/sh
# Reporting completeness (issue 18), end to end.  The demo's country: 400
# hospitals, the last full week 2026-11-16, four hospitals of Fukuoka
# silent for three weeks.  One hospital sends next week's report early:
# 'supply status', the alerts and the dashboard stay on the latest complete
# week and show the week still coming in apart.  Then the threshold (stored,
# and for one call), the counts on time, the hospitals that have not
# reported, and the server's routes per role: rates for everyone, names of
# the hospitals without a report for their prefecture and the ministry.
. "$(dirname "$0")/lib.sh"

$KIBAN demo --quiet
$KIBAN supply status >before.txt
expect_in "the week shown, with its hospitals" "Week of 2026-11-16: 396 of 400 hospitals reported (99.0%)" before.txt
grep -q "Still coming in" before.txt && fail "nothing is coming in yet"
$KIBAN supply status --json >before.json
KIBAN_LANG=ja $KIBAN supply status >before_ja.txt
expect_in "in Japanese" "2026-11-16 の週　報告 396 / 400 病院（99.0%）" before_ja.txt

# one hospital uploads next week's stock early
printf 'report_id,facility,device,week,stock,consumption,stockout_days\nE1,H00001,30001013,2026-11-23,5,1,0\n' >early.csv
$KIBAN supply import -q stock early.csv
$KIBAN supply status >after.txt
expect_in "still the complete week" "Week of 2026-11-16: 396 of 400 hospitals reported (99.0%)" after.txt
expect_in "the week coming in, apart" "Still coming in: week of 2026-11-23: 1 of 400 hospitals reported (0.3%); not in the figures below" after.txt
$KIBAN supply status --json >after.json
expect_eq "the same figures" "$(jq -c .rows after.json)" "$(jq -c .rows before.json)"
expect_eq "the JSON's week" "$(jq -r '"\(.week) \(.completeness.reported)/\(.completeness.expected) \(.complete)"' after.json)" "2026-11-16 396/400 true"
expect_eq "the JSON's coming week" "$(jq -r '.coming[] | "\(.week) \(.reported)/\(.expected) \(.rate)"' after.json)" "2026-11-23 1/400 0.25"
expect_eq "the alerts' week" "$($KIBAN supply alerts --json | jq -r '[.[].week] | unique | join(",")')" 2026-11-16
$KIBAN supply status --pref 40 >fukuoka.txt
expect_in "a prefecture's own count" "Week of 2026-11-16, Fukuoka: 12 of 16 hospitals reported (75.0%)" fukuoka.txt
# asked for, the early week is shown, from its one hospital
$KIBAN supply status --week 2026-11-23 >early.txt
expect_in "an explicit week" "Week of 2026-11-23: 1 of 400 hospitals reported (0.3%)" early.txt

# the threshold: for one call, stored, and overridden
expect_eq "a threshold for one call" "$($KIBAN supply status --completeness 0.2 --json | jq -r .week)" 2026-11-23
expect_status 2 $KIBAN supply status --completeness 120
expect_in "a bad threshold" "'120' is not a percentage from 0 to 100" out
$KIBAN supply completeness -q --set-threshold 0.2
expect_eq "the stored threshold" "$($KIBAN supply status --json | jq -r '"\(.week) \(.threshold)"')" "2026-11-23 0.2"
expect_eq "overridden" "$($KIBAN supply status --completeness 80 --json | jq -r .week)" 2026-11-16
$KIBAN supply completeness --set-threshold 80 >out
expect_in "the threshold set" "a week is complete from now on when 80% of hospitals have reported it" out

# the counts: on time is the first version's (the demo's report of H00007
# for 2026-11-09 came late; H00011's of 2026-10-26 was corrected after
# the deadline and stays on time)
$KIBAN supply completeness --from 2026-10-26 --week 2026-11-23 --csv >compl.csv
expect_eq "completeness CSV" "$(cat compl.csv | tr -d '\r')" "week,prefecture,device,expected,reported,on_time,rate,on_time_rate
2026-10-26,00,,400,400,400,100.00,100.00
2026-11-02,00,,400,396,396,99.00,99.00
2026-11-09,00,,400,396,395,99.00,98.75
2026-11-16,00,,400,396,396,99.00,99.00
2026-11-23,00,,400,1,1,0.25,0.25"
expect_eq "a version 2 on time" "$($KIBAN supply reports --org H00011 --week 2026-10-26 --json | jq -r '.[0] | "\(.version) \(.late)"')" "2 true"
$KIBAN supply completeness >compl.txt
expect_in "the complete week" "Latest complete week: 2026-11-16: 396 of 400 hospitals reported (99.0%)" compl.txt
expect_in "coming in" "Still coming in: 2026-11-23: 1 of 400 hospitals reported (0.3%)" compl.txt
expect_eq "by prefecture" "$($KIBAN supply completeness --by pref --json | jq -r '.rows[] | select(.prefecture == 40 or .prefecture == 13) | "\(.prefecture) \(.reported)/\(.expected)"' | tr '\n' ' ')" "13 45/45 40 12/16 "
expect_eq "by device in Fukuoka" "$($KIBAN supply completeness --by device --pref 40 --json | jq -r '[.rows[] | "\(.reported)/\(.expected)"] | unique | join(",")')" "12/16"
expect_status 2 $KIBAN supply completeness --by pref --pref 40
expect_status 2 $KIBAN supply completeness --by hospital

# who has not reported, and since when
$KIBAN supply missing --pref 40 --json >missing.json
expect_eq "Fukuoka's silent hospitals" "$(jq -r '.hospitals[] | "\(.facility) \(.last_report) \(.silent_weeks)"' missing.json | tr '\n' ' ')" \
	"H00356 2026-10-26 3 H00357 2026-10-26 3 H00359 2026-10-26 3 H00369 2026-10-26 3 "
expect_eq "nationally, next week" "$($KIBAN supply missing --week 2026-11-23 --json | jq -r '"\(.missing) of \(.expected)"')" "399 of 400"
$KIBAN supply missing --pref 40 >missing.txt
expect_in "the table" "Week of 2026-11-16 (Fukuoka): 4 of 16 hospitals have sent no stock report" missing.txt

# the server
pw="correct horse battery"
add() { echo "$pw" | $KIBAN account add "$@" >/dev/null; }
add admin --name 管理者 --role admin
add staff --name 厚労省 --role staff --ministry 厚
add committee --name 委員 --role committee
add tokyo --name 東京都 --role prefecture --pref 13
add fukuoka --name 福岡県 --role prefecture --pref 40
add hosp --name 都立病院 --role hospital --org H00109
add maker --name 製販 --role industry --org M001
add res --name 研究者 --role researcher
roles="admin staff committee tokyo fukuoka hosp maker res"
for r in $roles; do
	$KIBAN account token "$r" --label e2e | head -1 >"tok_$r"
done
start_server
check() { # PATH, then the status for each role
	path=$1
	shift
	for r in $roles; do
		got=$(as "$r" "$url$path")
		[ "$got" = "$1" ] || { cat "$work/body" >&2; fail "$r GET $path: got $got, want $1"; }
		shift
	done
}
#     path                                               admin staff comm tokyo fukuoka hosp maker res
check /api/v1/completeness                               200 200 200 200 200 200 200 200
check "/api/v1/completeness?by=pref"                     200 200 200 200 200 200 200 200
check "/api/v1/completeness?by=device"                   200 200 200 200 200 200 200 200
check "/api/v1/completeness?pref=40"                     200 200 200 200 200 200 200 200
check "/api/v1/completeness?by=device&pref=40"           200 200 403 403 200 403 403 403
check /api/v1/completeness/missing                       200 200 403 200 200 403 403 403
check "/api/v1/completeness/missing?pref=40"             200 200 403 403 200 403 403 403
check "/api/v1/completeness/missing?pref=13"             200 200 403 200 403 403 403 403
expect_eq "unsigned" "$(http "$url/api/v1/completeness")" 401
expect_eq "unsigned" "$(http "$url/api/v1/completeness/missing")" 401
expect_eq "a bad by" "$(as admin "$url/api/v1/completeness?by=hospital")" 400
expect_eq "a bad threshold" "$(as admin "$url/api/v1/completeness?completeness=abc")" 400
expect_eq "a bad week" "$(as admin "$url/api/v1/completeness/missing?week=soon")" 400

expect_eq "rates" "$(as hosp "$url/api/v1/completeness")" 200
expect_eq "a hospital reads the rates" "$(jq -r '"\(.shown.week) \(.shown.reported)/\(.shown.expected) \(.coming[0].week) \(.rows[0].rate)"' "$work/body")" "2026-11-16 396/400 2026-11-23 99"
grep -q 'H00356\|福岡県病院' "$work/body" && fail "the rates name a hospital"
expect_eq "missing" "$(as fukuoka "$url/api/v1/completeness/missing")" 200
expect_eq "a prefecture's own by default" "$(jq -r '"\(.prefecture) \(.total) \(.items[0].facility) \(.items[0].silent_weeks)"' "$work/body")" "40 4 H00356 3"
expect_eq "missing" "$(as tokyo "$url/api/v1/completeness/missing")" 200
expect_eq "Tokyo has every report" "$(jq -r '"\(.prefecture) \(.total)"' "$work/body")" "13 0"
expect_eq "missing" "$(as admin "$url/api/v1/completeness/missing?limit=2")" 200
expect_eq "the ministry: every prefecture, paged" "$(jq -r '"\(.prefecture) \(.total) \(.items | length)"' "$work/body")" "0 4 2"
expect_eq "missing csv" "$(as fukuoka "$url/api/v1/completeness/missing?format=csv")" 200
expect_eq "CSV rows" "$(tr -d '\r' <"$work/body" | sed 1d | cut -d, -f1 | tr '\n' ' ')" "H00356 H00357 H00359 H00369 "

# the hospital of Tokyo sends next week's report too: the dashboard stays
printf 'report_id,facility,device,week,stock,consumption,stockout_days\nE2,H00109,30001013,2026-11-23,5,1,0\n' >e2.csv
expect_eq "an early upload" "$(as hosp -H 'Content-Type: text/csv' --data-binary @e2.csv "$url/api/v1/reports/stock")" 201
expect_eq "dashboard" "$(as res "$url/api/v1/dashboard")" 200
expect_eq "the dashboard's week and the week coming in" \
	"$(jq -r '"\(.week) \(.completeness.shown.reported)/\(.completeness.shown.expected) \(.completeness.coming[0].week) \(.completeness.coming[0].reported)"' "$work/body")" \
	"2026-11-16 396/400 2026-11-23 2"
jq -e '[.devices_at_risk[] | .facilities | numbers] | length > 0' "$work/body" >/dev/null || fail "the devices' facility counts"
for lang in ja en; do
	expect_eq "dashboard page" "$(as fukuoka "$url/?lang=$lang")" 200
	expect_in "the week's hospitals" 'class="completeness" data-reported="396" data-expected="400"' "$work/body"
	expect_in "the week coming in, apart" 'class="coming" data-week="2026-11-23"' "$work/body"
	expect_in "Fukuoka's hospitals without a report" 'data-facility="H00356"' "$work/body"
	expect_in "the facilities behind a device" 'data-facilities=' "$work/body"
done
expect_in "in English" "Still coming in: week of 2026-11-23: 2 of 400 hospitals reported (0.5%)" "$work/body"
expect_eq "dashboard page" "$(as fukuoka "$url/?lang=ja")" 200
expect_in "in Japanese" "報告 396 / 400 病院（99.0%）" "$work/body"
expect_in "in Japanese" "報告受付中: 2026-11-23 の週" "$work/body"
for r in res hosp maker; do
	expect_eq "dashboard page" "$(as $r "$url/?lang=en")" 200
	expect_in "$r: the completeness" 'class="completeness"' "$work/body"
	grep -q 'missing-h\|H00356' "$work/body" && fail "$r sees the hospitals without a report"
done
echo "ok: completeness"
