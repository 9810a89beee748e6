#!/bin/sh
# The year of a ministry official, as the foundation issue tells it: a new
# database, the 2nd Basic Plan, the KPI definitions, the figures from a
# spreadsheet saved by Japanese Excel, the evaluation, which goals are behind
# and which ministries follow up, the report, publication (freezing), and a
# correction after publication that changes nothing published.
. "$(dirname "$0")/lib.sh"

$KIBAN init --quiet
$KIBAN plan import "$KIBAN_SRC/data/plan2.csv" >out
expect_in "plan import summary" "visions 3, goals 11, measures 43, actions 59, priority areas 5, platforms 3" out
$KIBAN kpi import "$KIBAN_SRC/data/demo/kpis.csv" --quiet

# figures as Japanese Excel saves them: Shift_JIS (CP932), CRLF, Japanese headers
{ printf 'KPI ID,年度,値,出典,備考\r\n'; tail -n +2 "$KIBAN_SRC/data/demo/values.csv" | sed 's/$/\r/'; } |
	iconv -f UTF-8 -t CP932 >excel.csv
$KIBAN values import excel.csv >out
expect_in "values import" "added 249" out
$KIBAN values import "$KIBAN_SRC/data/demo/values-fy2025.csv" --quiet
expect_eq "figures stored" "$($KIBAN values list --json | jq length)" 277
expect_eq "missing figures stay missing" "$($KIBAN values list --json | jq '[.[] | select(.missing)] | length')" 2
expect_eq "and none of them is zero" "$($KIBAN values list --json | jq '[.[] | select(.missing and .value != null)] | length')" 0

# the evaluation: statuses, goals behind, per-ministry follow-up
$KIBAN eval show --year 2025 --json >eval.json
expect_eq "KPIs evaluated" "$(jq '.results | length' eval.json)" 30
expect_eq "goals" "$(jq '.goals | length' eval.json)" 11
behind=$(jq -r '[.goals[] | select(.status == "needs_acceleration" or .status == "limited_progress" or .status == "deteriorating") | .id] | join(" ")' eval.json)
[ -n "$behind" ] || fail "the demo data should leave some goals behind"
$KIBAN eval show --year 2025 >show.txt
expect_in "goals behind listed" "Goals behind" show.txt
for g in $behind; do
	grep -q "Goals behind.*$g" show.txt || fail "goal $g is behind but not listed"
done

# every action in 厚's follow-up: led by 厚, under a goal or measure behind;
# and every action led by 厚 under a goal behind is in it
$KIBAN plan show --json >plan.json
$KIBAN eval followup --year 2025 --ministry 厚 --json | jq -r '.[0].actions[].id' | sort >follow.txt
[ -s follow.txt ] || fail "厚 has nothing to follow up"
jq -r --arg behind "$behind" '
	($behind | split(" ")) as $b |
	.goals[] | .id as $g | .measures[] | .actions[] |
	select(any(.ministries[]; .code == "厚" and .lead)) |
	select($b | index($g)) | .id' plan.json | sort >must.txt
comm -23 must.txt follow.txt >missing.txt
[ ! -s missing.txt ] || fail "actions led by 厚 under goals behind but not followed up: $(cat missing.txt)"
for a in $(cat follow.txt); do
	jq -e --arg a "$a" '[.goals[].measures[].actions[] | select(.id == $a) | .ministries[] | select(.code == "厚" and .lead)] | length == 1' plan.json >/dev/null ||
		fail "$a is in 厚's follow-up but 厚 does not lead it"
done

# the report, then publication
$KIBAN report annual --year 2025 -o draft.html --quiet
expect_in "draft report" 'data-state="draft"' draft.html
for g in $(jq -r '.goals[].id' eval.json); do
	st=$(jq -r --arg g "$g" '.goals[] | select(.id == $g) | .status' eval.json)
	expect_in "goal $g in the report with its status" "data-goal=\"$g\" data-status=\"$st\"" draft.html
done
$KIBAN eval freeze --year 2025 --note "approved by the committee" --quiet
$KIBAN report annual --year 2025 -o published.html --quiet
expect_in "published report" 'data-state="frozen"' published.html
grep -o 'data-kpi="[^"]*" data-status="[^"]*"' published.html >published.status

# a correction after publication: the published evaluation stays as it was
k=$(jq -r '[.results[] | select(.status == "deteriorating")][0].kpi' eval.json)
$KIBAN values set "$k" 2025 99999 --comment "late correction" --quiet
$KIBAN report annual --year 2025 -o again.html --quiet
grep -o 'data-kpi="[^"]*" data-status="[^"]*"' again.html >again.status
cmp -s published.status again.status || fail "a correction changed the published evaluation"
expect_in "the correction is listed, not applied" "data-change-kpi=\"$k\"" again.html
expect_eq "live data see it" "$($KIBAN eval show --year 2025 --live --json | jq -r --arg k "$k" '.results[] | select(.kpi == $k) | .status')" achieved

# the spreadsheet round trip: export, re-import, nothing changes
$KIBAN kpi list --csv --bom >kpis.csv
head -c 3 kpis.csv | od -An -tx1 | grep -q "ef bb bf" || fail "CSV for Excel lacks its byte-order mark"
$KIBAN kpi import kpis.csv >out
expect_in "KPI round trip" "added 0, changed 0 (old versions kept), unchanged 30" out
$KIBAN values list --csv >values.csv
$KIBAN values import values.csv >out
expect_in "values round trip" "added 0, changed 0 (old versions kept), unchanged 277" out
echo "ok: annual cycle"
