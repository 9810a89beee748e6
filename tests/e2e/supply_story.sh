#!/bin/sh
# The supply desk's week, end to end through the kiban command: generate a
# sample, load it, fail an import with every error listed and nothing
# written, take a report in JSON, correct it, see status and alerts, find
# the injected shortages alerted before they happened (detect.awk, an
# independent check of the alerts against the generator's truth), group
# them into signals (the surges signalled before their shortage), open an
# incident and follow it, link a signal, and export lists for Excel.
. "$(dirname "$0")/lib.sh"

$KIBAN init -q
$KIBAN supply generate -q -o gen --seed 3 --hospitals 400 --devices 15 \
	--suppliers 60 --weeks 45 --last-week 2026-11-16
$KIBAN supply load -q gen
expect_eq "hospitals" "$($KIBAN supply orgs --kind hospital --json | jq length)" 400
expect_eq "prefectures" "$($KIBAN supply prefectures --json | jq '[.[].population] | add')" 126146099

# bad input: every problem, nothing written
lines=$(sqlite3 kiban.db "SELECT count(*) FROM stock_line")
cat >bad.csv <<'CSV'
report_id,facility,device,week,stock,consumption,stockout_days
X1,H99999,30001013,2026-11-16,1,1,0
X2,H00001,30001013,2026-11-16,-5,1,0
X3,H00002,99999999,2026-11-16,1,1,0
CSV
expect_status 3 $KIBAN supply import stock bad.csv
expect_in "unknown facility" "bad.csv:2:4: field 'facility': unknown facility 'H99999'" out
expect_in "negative stock" "bad.csv:3:31: field 'stock'" out
expect_in "unknown device" "bad.csv:4:11: field 'device': unknown device '99999999'" out
expect_eq "nothing written" "$(sqlite3 kiban.db "SELECT count(*) FROM stock_line")" "$lines"

# a cycle in a chain
printf 'item,input,site,share\nC0001,X001,,\nX001,C0001,,\nC0001,,S00001,1\nX001,,S00001,1\n' >cycle.csv
expect_status 3 $KIBAN supply import chain cycle.csv
expect_in "cycle" "a cycle in the supply chain" out

# a JSON report, then its correction
cat >r.json <<'JSON'
{"reports": [
  {"report_id": "J1", "facility": "H00001", "device": "30001013", "week": "2026-11-23", "stock": 5, "consumption": 1, "stockout_days": 0}
]}
JSON
$KIBAN supply import -q stock r.json
sed 's/"stock": 5/"stock": 4/' r.json >r2.json
$KIBAN supply import stock r2.json >out
expect_in "correction counted" "changed 1" out
expect_eq "version" "$($KIBAN supply reports --org H00001 --json | jq -r '.[] | select(.report_id == "J1") | .version')" 2
printf '[{"report_id": "J2", "facility": "H00001", "device": "30001013", "week": "2026-11-23", "stock": "many", "consumption": 1, "stockout_days": 0}]\n' >bad.json
expect_status 3 $KIBAN supply import stock bad.json
expect_in "JSON position" "bad.json:1:2: field 'stock'" out

# status and alerts of the last full week
$KIBAN supply status --week 2026-11-16 --json >status.json
expect_eq "a row per device" "$(jq ".rows | length" status.json)" 15
$KIBAN supply alerts --from 2025-12-01 --week 2026-11-16 --csv >alerts.csv
head -1 alerts.csv | grep -q '^key,severity,rule,device,prefecture,week' || fail "alerts CSV header"
awk -f "$KIBAN_SRC/tests/e2e/detect.awk" gen/truth.csv alerts.csv >detect.txt
cat detect.txt
rate=$(sed -n 's/.* rate \([0-9.]*\) .*/\1/p' detect.txt)
awk -v r="$rate" 'BEGIN { exit !(r >= 0.95) }' || fail "detection rate $rate under 0.95"

# an incident linked to an alert, followed to its resolution
key=$(sed -n 2p alerts.csv | cut -d, -f1)
dev=$(sed -n 2p alerts.csv | cut -d, -f4)
$KIBAN supply incident open -q --device "$dev" --title "shortage" \
	--cause manufacturing --reported-by M001 --pref 13 --alert "$key"
$KIBAN supply incident state 1 assessing --note "checking"
expect_status 5 $KIBAN supply incident state 1 reported
$KIBAN supply incident action 1 "stock moved between prefectures"
$KIBAN supply incident state 1 resolved
$KIBAN supply incident show 1 --json >inc.json
expect_eq "state" "$(jq -r .state inc.json)" resolved
expect_eq "timeline" "$(jq '.timeline | length' inc.json)" 5
expect_eq "linked" "$(jq -r '.alerts[0]' inc.json)" "$key"

# signals: one line per problem, each surge shortage signalled before it,
# and a signal links to an incident by its key with its reason
$KIBAN supply signals --from 2025-12-01 --week 2026-11-16 --csv >signals.csv
head -1 signals.csv | grep -q '^key,state,cause,device,onset,latest,closed,' || fail "signals CSV header"
n_sig=$(($(wc -l <signals.csv) - 1))
n_al=$(($(wc -l <alerts.csv) - 1))
[ "$n_sig" -gt 0 ] && [ $((n_sig * 10)) -lt "$n_al" ] || fail "signals: $n_sig for $n_al alerts"
$KIBAN supply signals --from 2025-12-01 --week 2026-11-16 --json >signals.json
for dev in $(awk -F, 'NR > 1 && $3 == "demand_surge" && $9 != "" { print $4 }' gen/truth.csv | sort -u); do
	jq -e --arg d "$dev" '[.[] | select(.device == $d and .cause != "reporting" and .steps[0].week < "2026-09-28" and .latest >= "2026-09-07")] | length > 0' signals.json >/dev/null ||
		fail "surge of $dev not signalled before its shortage"
done
skey=$(jq -r '.[0].key' signals.json)
$KIBAN supply incident open -q --device "$(jq -r '[.[] | select(.device)][0].device' signals.json)" --title "signal" \
	--cause demand_surge --reported-by desk
$KIBAN supply incident link 2 "$skey"
$KIBAN supply incident show 2 --json >inc2.json
expect_eq "signal linked" "$(jq -r '.alerts[0]' inc2.json)" "$skey"
expect_status 4 $KIBAN supply incident link 2 "signal:stock:99999999:2026-01-05"

# exports for Excel: BOM and CRLF
$KIBAN supply risk --csv --bom >risk.csv
head -c 3 risk.csv | od -An -tx1 | grep -q 'ef bb bf' || fail "no BOM"
grep -q "$(printf '\r')" risk.csv || fail "no CRLF"
$KIBAN supply impact --country CN --json | jq -e 'length > 0' >/dev/null || fail "impact of CN"
$KIBAN supply recompute -q
echo "ok: supply story"
