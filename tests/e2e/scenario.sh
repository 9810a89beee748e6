#!/bin/sh
# Epidemic scenarios through the kiban command: the example runs on the
# demo database with ordered bands, the CSV has a row for every day,
# prefecture and device, the same seed gives the same answer, a scenario
# with no epidemic and no patients needs nothing, the stock shown is the
# hospitals' latest, and a bad file gets every problem with its place.
. "$(dirname "$0")/lib.sh"

$KIBAN demo --quiet
$KIBAN scenario example >ex.txt
expect_in "the example explains itself" 'docs/scenario-format.md' ex.txt

$KIBAN scenario run ex.txt --runs 100 --json >run.json
expect_eq "four devices" "$(jq '.devices | length' run.json)" 4
expect_eq "bands in order at the peak" "$(jq '[.devices[].peak | .p5 <= .p50 and .p50 <= .p95] | all' run.json)" true
expect_eq "bands in order every day" "$(jq '[.devices[].national | [.p5, .p50, .p95] | transpose[] | .[0] <= .[1] and .[1] <= .[2]] | all' run.json)" true
expect_eq "241 days of series" "$(jq '.devices[0].national.p50 | length' run.json)" 241
expect_eq "a wave, not a line: the peak is inside" "$(jq '.devices[0].peak.day > 30 and .devices[0].peak.day < 240' run.json)" true
# the stock is the hospitals' stock of the latest week reported
want=$(sqlite3 kiban.db "SELECT round(sum(stock)) FROM stock_agg a JOIN device d ON d.n = a.device WHERE d.code = '30001013' AND a.prefecture > 0 AND a.week = (SELECT max(week) FROM stock_agg)")
expect_eq "the ventilators in stock" "$(jq '.devices[0].stock | round' run.json)" "${want%.0}"
expect_eq "the stock's week" "$(jq -r .stock_week run.json)" 2026-11-16

# the same seed, the same answer; another seed, another
$KIBAN scenario run ex.txt --runs 100 --json >again.json
cmp -s run.json again.json || fail "the same seed gave another answer"
$KIBAN scenario run ex.txt --runs 100 --seed 7 --json >other.json
cmp -s run.json other.json && fail "another seed gave the same answer"

# CSV: a row per day, prefecture and device, and the header
$KIBAN scenario run ex.txt --runs 20 --csv -o out.csv
expect_eq "CSV rows" "$(wc -l <out.csv)" $((241 * 47 * 4 + 1))
expect_eq "CSV header" "$(head -1 out.csv | tr -d '\r')" "date,day,prefecture,prefecture_name,device,device_name,care,demand_p5,demand_p50,demand_p95,stock,shortfall"
expect_eq "shortfall is need beyond stock" "$(tr -d '\r' <out.csv | awk -F, 'NR > 1 && ($12 > 0) != ($9 - $11 >= 0.5) { bad++ } END { print bad + 0 }')" 0

# no epidemic, nobody in care: nothing is needed, deterministically
cat >quiet.txt <<'S'
name = quiet
days = 30
r0 = 0
infected_per_million = 0
device = 30001013 ventilation
S
$KIBAN scenario run quiet.txt --json >quiet.json
expect_eq "one run without ranges" "$(jq .runs quiet.json)" 1
expect_eq "no need" "$(jq '.devices[0].national.p95 | add' quiet.json)" 0
# patients already ventilated leave at the rate of their stay
printf 'census = 13 ventilation 100\nstay.ventilation = 10\n' >>quiet.txt
$KIBAN scenario run quiet.txt --json >quiet.json
expect_eq "day 0: the patients in care" "$(jq '.devices[0].national.p50[0]' quiet.json)" 100
expect_eq "day 10: a share exp(-1) of them" "$(jq '.devices[0].national.p50[10] | . * 100 | round' quiet.json)" 3679

# a bad file: every problem with file:line:column and key; exit 3
cat >bad.txt <<'S'
days = 20
r0 = 3..2
share.lungs = 0.1
infected = 東京 -5
device = 99999999 ventilation
intervention = 30 0.5
colour = blue
S
expect_status 3 $KIBAN --lang en scenario run bad.txt
expect_in "a range upside down" "bad.txt:2:6: field 'r0': '3..2' is not a range from low to high" out
expect_in "an unknown care" "bad.txt:3:7: field 'share.lungs': 'lungs' is not a care" out
expect_in "a negative count" "bad.txt:4:15: field 'infected': '-5' is not a number" out
expect_in "an unknown device" "bad.txt:5:10: field 'device': '99999999' is not a device of the registry" out
expect_in "a day after the end" "bad.txt:6:16: field 'intervention': day 30 is after the scenario's last day, 20" out
expect_in "an unknown key" "bad.txt:7:1: field 'colour': unknown key 'colour'" out
expect_status 2 $KIBAN --lang en scenario run quiet.txt --runs 0
expect_status 2 $KIBAN scenario run
echo "scenario: ok"
