#!/bin/sh
# Epidemic scenarios through the kiban command: the example runs on the
# demo database with ordered bands, an emergency allocation beats the rules
# of thumb and its MPS file is read by GLPK and CLP with the same optimum,
# the CSV has a row for every day, prefecture and device, the same seed
# gives the same answer, a scenario
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

# R0 and the start fitted to the admissions observed: 10 e^(0.1 t)
cat >fit.txt <<'S'
days = 30
admissions = 10 11.052 12.214 13.499 14.918 16.487 18.221 20.138 22.255 24.596 27.183 30.042 33.201 36.693
device = 30001013 ventilation
S
$KIBAN scenario run fit.txt --json >fit.json
expect_eq "the growth" "$(jq '.fitted.growth_per_day * 1000 | round' fit.json)" 100
expect_eq "R0 = (1 + r incubation)(1 + r infectious)" "$(jq '.fitted.r0 * 100 | round' fit.json)" 255
expect_eq "the infectious on day 0" "$(jq '.fitted.infected_day0 | round' fit.json)" 5036
printf 'r0 = 2\n' >>fit.txt
expect_status 3 $KIBAN --lang en scenario run fit.txt
expect_in "r0 and admissions" "fit.txt:2:1: field 'admissions': give either r0 or the admissions it is fitted to, not both" out
printf 'days = 30\nadmissions = 0 4 x\ndevice = 30001013 ventilation\n' >fit2.txt
expect_status 3 $KIBAN --lang en scenario run fit2.txt
expect_in "a bad count" "fit2.txt:2:18: field 'admissions': 'x' is not a count of admissions" out

# emergency allocation: the stockpile and purchases through a pool
cat >alloc.txt <<'S'
name = allocation
days = 60
r0 = 3
infected_per_million = 300
share.ventilation = 0.002
device = 30001013 ventilation
device = 30002026 oxygen
depot = 30001013 50
purchase = 30001013 10 5
depot = 30002026 100
transport = 沖縄県 3
S
$KIBAN allocate alloc.txt --json --mps model.mps >alloc.json
expect_eq "whole units lose nothing against the LP bound" "$(jq '.unmet_unit_days | .plan - .lp_bound | fabs < 1e-6' alloc.json)" true
expect_eq "better than each on its own stock" "$(jq '.unmet_unit_days | .plan <= .own_stock_only' alloc.json)" true
expect_eq "no worse than the stockpile by population" "$(jq '.unmet_unit_days | .plan <= .by_population' alloc.json)" true
expect_eq "the purchases used" "$(jq '.devices[0].bought > 0' alloc.json)" true
expect_eq "no purchases where none may be made" "$(jq '.devices[1].bought' alloc.json)" 0
# the MPS file, solved by GLPK and by CLP's own command, has kiban's optimum
expect_eq "names of at most 8 characters" "$(awk '!/^\*/ && /^ / { for (i = 1; i <= NF; i++) if ($i !~ /^-?[0-9.]/ && length($i) > 8) bad++ } END { print bad + 0 }' model.mps)" 0
expect_in "the model's own names beside the short ones" "* r0 depot_0_0" model.mps
same_objective() { # WHAT FIGURE: FIGURE within 1e-6 (relative) of kiban's
	expect_eq "$1" "$(jq --argjson o "$2" '.objective as $k | (($k - $o) | fabs) <= 1e-6 * ([1, ($k | fabs)] | max)' alloc.json)" true
}
if command -v glpsol >/dev/null 2>&1; then
	glpsol --freemps model.mps -o glpk.txt >glpk.log 2>&1 || fail "glpsol could not read our MPS file"
	expect_in "GLPK finds the optimum of the same model" "OPTIMAL" glpk.txt
	same_objective "GLPK's objective" "$(awk '/^Objective:/ { print $4 }' glpk.txt)"
	glpsol --mps model.mps -o glpk.txt >glpk.log 2>&1 || fail "glpsol could not read our MPS file as fixed MPS"
	same_objective "GLPK's objective, read as fixed MPS" "$(awk '/^Objective:/ { print $4 }' glpk.txt)"
else
	echo "skipping the GLPK check of the MPS file: glpsol is missing (Debian package glpk-utils: apt-get install glpk-utils)"
fi
if command -v clp >/dev/null 2>&1; then
	clp model.mps -dualsimplex -solution clp.txt >clp.log 2>&1 || { cat clp.log >&2; fail "clp could not read our MPS file"; }
	expect_in "CLP finds the optimum of the same model" "Optimal - objective value" clp.txt
	same_objective "CLP's objective" "$(awk 'NR == 1 { print $NF }' clp.txt)"
else
	echo "skipping the CLP check of the MPS file: clp is missing (Debian package coinor-clp: apt-get install coinor-clp)"
fi
$KIBAN allocate alloc.txt --csv -o alloc.csv
expect_eq "the CSV's shipments are the plan's" "$(tr -d '\r' <alloc.csv | awk -F, 'NR > 1 && $3 == "30001013" { s += $7 } END { print s + 0 }')" "$(jq '.devices[0].shipped' alloc.json)"
# down to the hospitals: between the bound and each on its own stock
$KIBAN allocate alloc.txt --hospitals --json >hosp.json
expect_eq "the demo's hospitals" "$(jq .hospitals hosp.json)" "$(sqlite3 kiban.db "SELECT count(*) FROM org WHERE kind = 'hospital' AND prefecture > 0")"
expect_eq "no better than the bound" "$(jq '.unmet_unit_days | .plan >= .bound - 1e-6' hosp.json)" true
expect_eq "better than each on its own stock" "$(jq '.unmet_unit_days | .plan < .own_stock_only' hosp.json)" true
$KIBAN allocate alloc.txt --hospitals --csv -o hosp.csv
expect_eq "the CSV's shipments to hospitals are the plan's" "$(tr -d '\r' <hosp.csv | awk -F, 'NR > 1 && $6 == "30001013" { s += $8 } END { print s + 0 }')" "$(jq '.devices[0].shipped' hosp.json)"
expect_eq "the CSV's unmet is the plan's" "$(tr -d '\r' <hosp.csv | awk -F, 'NR > 1 { s += $10 } END { print s + 0 }')" "$(jq '.unmet_unit_days.plan' hosp.json)"
expect_status 2 $KIBAN allocate alloc.txt --hospitals --fair
$KIBAN allocate alloc.txt --json --fair >fair.json
expect_eq "fairness does not raise the worst share" "$(jq -n --slurpfile a alloc.json --slurpfile f fair.json '$f[0].unmet_unit_days.worst_share <= $a[0].unmet_unit_days.worst_share + 1e-9')" true
printf 'depot = 30003039 5\npurchase = 30001013 -1 3\n' >>alloc.txt
expect_status 3 $KIBAN --lang en allocate alloc.txt
expect_in "a depot of a device not in the scenario" "alloc.txt:12:9: field 'depot': '30003039' is not a device given on an earlier 'device' line" out
expect_in "a negative purchase" "alloc.txt:13:21: field 'purchase': '-1' is not a number" out

# the stockpile across scenarios: within the budget, better than the rule
# of thumb and than nothing, what is held is kept, the MPS file is read by
# GLPK and CLP, and the CSV has a row per device and warehouse
$KIBAN stockpile ex.txt --runs 20 --json >stock.json
expect_eq "twenty scenarios" "$(jq .scenarios stock.json)" 20
expect_eq "within the budget" "$(jq '.spent <= .budget' stock.json)" true
expect_eq "no worse than the rule of thumb" "$(jq '.expected_unmet_patient_days | .plan <= .rule' stock.json)" true
expect_eq "far better than no stockpile" "$(jq '.expected_unmet_patient_days | .plan < .no_stockpile / 2' stock.json)" true
expect_eq "the ventilators held are kept" "$(jq '.devices[0].units >= 3000' stock.json)" true
expect_eq "three warehouses" "$(jq '.devices[0].by_warehouse | length' stock.json)" 3
expect_eq "a yen is worth something" "$(jq '.value_per_million_yen > 0' stock.json)" true
expect_eq "what is bought is worth the budget's price" "$(jq '[.devices[] | select(.units > .held_before) | .value_per_million_yen >= 0.99 * $v] | all' --argjson v "$(jq .value_per_million_yen stock.json)" stock.json)" true
$KIBAN stockpile ex.txt --runs 3 --csv -o stock.csv --mps stock.mps
expect_eq "a CSV row per device and warehouse" "$(wc -l <stock.csv)" 13
if command -v glpsol >/dev/null 2>&1; then
	glpsol --freemps stock.mps -o glpk.txt >glpk.log 2>&1 || fail "glpsol could not read the stockpile's MPS file"
	expect_in "GLPK finds the stockpile's optimum" "OPTIMAL" glpk.txt
fi
if command -v clp >/dev/null 2>&1; then
	clp stock.mps -dualsimplex -solution clp.txt >clp.log 2>&1 || { cat clp.log >&2; fail "clp could not read the stockpile's MPS file"; }
	expect_in "CLP finds the stockpile's optimum" "Optimal - objective value" clp.txt
fi
# a second file: a quiet season, as likely as the wave
printf 'probability = 0.5\n' >>quiet.txt
$KIBAN stockpile ex.txt quiet.txt --runs 10 --json >two.json
expect_eq "both files' runs" "$(jq .scenarios two.json)" 20
expect_eq "half as much need, half as much unmet" "$(jq -n --slurpfile a stock.json --slurpfile b two.json '$b[0].expected_unmet_patient_days.no_stockpile < $a[0].expected_unmet_patient_days.no_stockpile * 0.6')" true
printf 'probability = 0.7\n' >wave2.txt
cat ex.txt >>wave2.txt
expect_status 3 $KIBAN --lang en stockpile wave2.txt quiet.txt --runs 5
expect_in "probabilities over 1" "field 'probability': the scenarios' probabilities sum to 1.2, not 1" out
expect_status 3 $KIBAN --lang en stockpile ex.txt --runs 5 --budget 1000000
expect_in "a budget below what is held" "field 'budget': the stockpile already held costs 3372857143 yen a year, more than the budget of 1000000" out
expect_status 3 $KIBAN --lang en stockpile quiet.txt
expect_in "a device without its cost" "quiet.txt: field 'cost': device 30001013 has no cost: add a line 'cost = 30001013 PRICE SHELF_LIFE_YEARS'" out
expect_in "no budget" "quiet.txt: field 'budget': no budget" out
expect_status 2 $KIBAN stockpile ex.txt --budget lots

# disruptions: Singapore stops (the ventilator's only source of a
# component, a share of the oxygen concentrators' makers), deliveries are
# late for a while, Tokyo's demand surges
cp ex.txt dis.txt
printf 'stop = country SG 10 60\ndelay = 7 20 40\nsurge = 1.5 50 80 東京都\n' >>dis.txt
$KIBAN scenario run dis.txt --runs 30 --json >dis.json
$KIBAN scenario run ex.txt --runs 30 --json >calm.json
sg=$(sqlite3 kiban.db "SELECT round(1 - sum(cs.share), 6) FROM chain_source cs JOIN site s ON s.id = cs.site WHERE cs.item = '30002026' AND s.country = 'SG'")
expect_eq "no ventilators made while a component is missing" "$(jq '.devices[0].supply_lowest' dis.json)" 0
expect_eq "the concentrators' makers outside Singapore" "$(jq '.devices[2].supply_lowest * 1e6 | round / 1e6' dis.json)" "$sg"
expect_eq "the stop's days of resupply missed" "$(jq '.devices[0].resupply_missed_days' dis.json)" 51
expect_eq "the ECMO circuits untouched" "$(jq '.devices[1].supply_lowest' dis.json)" 1
expect_eq "the stock runs down while supply is missing" "$(jq '.devices[2].national.stock | .[5] > .[60] and .[60] >= .[240]' dis.json)" true
expect_eq "more shortfall than in calm" "$(jq -n --slurpfile d dis.json --slurpfile c calm.json '$d[0].devices[2].shortfall_max > $c[0].devices[2].shortfall_max')" true
$KIBAN scenario run dis.txt --runs 30 --csv -o dis.csv
$KIBAN scenario run ex.txt --runs 30 --csv -o calm.csv
expect_eq "Tokyo's demand half as much again in the surge" "$(paste -d, dis.csv calm.csv | tr -d '\r' | awk -F, '$2 == 60 && $3 == "13" && $5 == "30001013" { printf "%.4f", $9 / $21 }')" 1.5000
expect_eq "and as it was outside it" "$(paste -d, dis.csv calm.csv | tr -d '\r' | awk -F, '$2 == 90 && $3 == "13" && $5 == "30001013" { printf "%.4f", $9 / $21 }')" 1.0000
# a delay alone: everything late arrives, the stock is whole again
cp ex.txt late.txt
printf 'delay = 10 20 40\n' >>late.txt
$KIBAN scenario run late.txt --runs 5 --json >late.json
expect_eq "late, not lost" "$(jq '.devices[2].resupply_missed_days' late.json)" 0
expect_eq "late for a while" "$(jq '.devices[2].national.stock[35] < .devices[2].national.stock[0]' late.json)" true
# purchases stop with the makers
head -11 alloc.txt >alloc2.txt
printf 'stop = country SG 0 60\n' >>alloc2.txt
$KIBAN allocate alloc2.txt --json >alloc2.json
expect_eq "no ventilators bought while none are made" "$(jq '.devices[0].bought' alloc2.json)" 0

# results kept and their report: the demand band, the heat map, the plan
$KIBAN --lang en scenario run dis.txt --runs 10 --save --quiet >/dev/null
$KIBAN allocate alloc2.txt --save >/dev/null 2>saved.txt
expect_in "the number given" "'kiban scenario report 2'" saved.txt
$KIBAN scenario list --json >list.json
expect_eq "two results, newest first" "$(jq -c '[.[] | [.id, .kind]]' list.json)" '[[2,"allocate"],[1,"run"]]'
$KIBAN --lang en scenario report 1 -o r1.html
expect_in "the band" "the median run and the 5-95% band, with the stock" r1.html
expect_in "the heat map" "Shortfall of Ventilator by prefecture" r1.html
expect_in "the scenario's own text" "stop = country SG 10 60" r1.html
expect_eq "one demand chart per device" "$(grep -o "class='band'" r1.html | wc -l)" 4
$KIBAN --lang ja scenario report 2 -o r2.html
expect_in "the shipment plan, in Japanese" "の計画（日ごと）: 備蓄からの発送" r2.html
expect_status 4 $KIBAN scenario report 99
expect_status 2 $KIBAN scenario report abc

# a bad file: every problem with file:line:column and key; exit 3
cat >bad.txt <<'S'
days = 20
r0 = 3..2
share.lungs = 0.1
infected = 東京 -5
device = 99999999 ventilation
intervention = 30 0.5
colour = blue
stop = planet Mars 1 2
stop = country ZZ 1 2
surge = 2 10 5
delay = 3 1 500
S
expect_status 3 $KIBAN --lang en scenario run bad.txt
expect_in "a range upside down" "bad.txt:2:6: field 'r0': '3..2' is not a range from low to high" out
expect_in "an unknown care" "bad.txt:3:7: field 'share.lungs': 'lungs' is not a care" out
expect_in "a negative count" "bad.txt:4:15: field 'infected': '-5' is not a number" out
expect_in "an unknown device" "bad.txt:5:10: field 'device': '99999999' is not a device of the registry" out
expect_in "a day after the end" "bad.txt:6:16: field 'intervention': day 30 is after the scenario's last day, 20" out
expect_in "an unknown key" "bad.txt:7:1: field 'colour': unknown key 'colour'" out
expect_in "an unknown kind of stop" "bad.txt:8:8: field 'stop': 'planet' is not site, supplier, country or region" out
expect_in "a country without sites" "bad.txt:9:16: field 'stop': 'ZZ' is not a country with a site of the registry" out
expect_in "a surge ending before it starts" "bad.txt:10:14: field 'surge': '5' is not a day on or after the first" out
expect_in "a delay after the end" "bad.txt:11:13: field 'delay': day 500 is after the scenario's last day, 20" out
expect_status 2 $KIBAN --lang en scenario run quiet.txt --runs 0
expect_status 2 $KIBAN scenario run
echo "scenario: ok"
