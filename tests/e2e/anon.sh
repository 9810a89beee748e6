#!/bin/sh
# anon.sh - a data processor anonymizes discharge records for the
# medical-data bank: the release satisfies the models (checked here by awk,
# independently of kiban), the report says what was done, bad input
# changes nothing, and the Adult benchmark's known optimum is reproduced.
. "$(dirname "$0")/lib.sh"

# 600 discharge records, Japanese column names, a fixed seed
awk 'BEGIN {
	srand(42)
	print "患者ID,年齢,性別,郵便番号,入院日,病名,在院日数"
	split("J18.9 J44.1 I21.9 I63.9 K35.8 K80.2 C34.1 C18.7 E11.9 N18.5", icd, " ")
	for (i = 1; i <= 600; i++) {
		age = int(20 + rand() * 70)
		pref = int(rand() * 3)
		printf "P%05d,%d,%s,%d%02d%04d,2025-%02d-%02d,%s,%d\n", i, age,
			(rand() < 0.5 ? "男" : "女"), 150 + pref, int(rand() * 20),
			int(rand() * 10000), 1 + int(rand() * 12),
			1 + int(rand() * 28), icd[1 + int((age / 10 + rand() * 4) % 10)],
			1 + int(rand() * 30)
	}
}' >data.csv

printf '男;*\n女;*\n' >sex.csv
cat >icd.csv <<'EOF'
J18.9;J18;J;*
J44.1;J44;J;*
I21.9;I21;I;*
I63.9;I63;I;*
K35.8;K35;K;*
K80.2;K80;K;*
C34.1;C34;C;*
C18.7;C18;C;*
E11.9;E11;E;*
N18.5;N18;N;*
EOF
cat >cfg.json <<'EOF'
{
  "attributes": {
    "患者ID": "identifying",
    "年齢": {"type": "quasi", "hierarchy": {"intervals": [5, 10, 20]}},
    "性別": {"type": "quasi", "hierarchy": "sex.csv"},
    "郵便番号": {"type": "quasi", "hierarchy": {"mask": [4, 5, 6]}},
    "入院日": {"type": "quasi", "hierarchy": {"dates": ["month", "quarter", "year"]}},
    "病名": {"type": "sensitive", "hierarchy": "icd.csv"},
    "在院日数": "insensitive"
  },
  "privacy": {
    "k": 5,
    "l-diversity": {"variant": "distinct", "l": 3},
    "t-closeness": {"distance": "hierarchical", "t": 0.4},
    "suppression": 0.02
  },
  "metric": "loss"
}
EOF

# the release and its report
$KIBAN anon run data.csv -c cfg.json -o release.csv --report report.json >summary.txt
expect_eq "found" "$(jq -r '.found and .optimal and .check.satisfied' report.json)" true
expect_eq "strategy" "$(jq -r .search.strategy report.json)" flash
expect_eq "lattice" "$(jq -r .search.lattice report.json)" 250
released=$(jq -r .released report.json)
suppressed=$(jq -r .suppressed report.json)
expect_eq "records" "$((released + suppressed))" 600
[ "$suppressed" -le 12 ] || fail "suppressed $suppressed records, more than 2%"
expect_eq "release rows" "$(($(wc -l <release.csv) - 1))" "$released"
expect_eq "columns" "$(head -1 release.csv | tr -d '\r')" "年齢,性別,郵便番号,入院日,病名,在院日数"
grep -q P00001 release.csv && fail "the identifying column was released"
expect_in "summary" "(optimal)" summary.txt
expect_in "summary: the loss as ARX reports it, labelled" "  as ARX reports it: $(jq -r '.loss_arx * 100 | round / 100 | tostring' report.json)" summary.txt
expect_in "summary risk" "prosecutor risk: highest" summary.txt
jq -e '.check.prosecutor.highest <= 0.2 and .check.smallest_class >= 5' report.json >/dev/null ||
	fail "risk: $(jq -c .check report.json)"

# independently of kiban: every class of the release has at least 5 records
# and 3 diseases
tr -d '\r' <release.csv | awk -F, 'NR > 1 {
	key = $1 FS $2 FS $3 FS $4; n[key]++
	if (!seen[key, $5]++) d[key]++
} END {
	for (k in n) if (n[k] < 5 || d[k] < 3) { print "class " k ": " n[k] " records, " d[k] " diseases"; bad = 1 }
	exit bad
}' || fail "awk found a class that breaks k=5 or l=3"
# the levels in the report are what the release shows
age_level=$(jq -r '.transformation["年齢"].level' report.json)
[ "$age_level" -ge 1 ] || fail "age was released ungeneralized"

# a population twice the sample, each record twice: the journalist risk is
# half the prosecutor's
(cat data.csv; tail -n +2 data.csv | sed 's/^P/Q/') >population.csv
$KIBAN anon run data.csv -c cfg.json --population population.csv --json >pop.json
expect_eq "journalist risk" "$(jq '.check.journalist.highest * 2 == .check.prosecutor.highest and .check.marketer * 2 == .check.prosecutor.average' pop.json)" true

# kiban anon check: the release passes; against a stricter k it fails
$KIBAN anon check release.csv -c cfg.json --original data.csv >check.txt
expect_in "check" "satisfied: every class meets the models" check.txt
expect_status 1 $KIBAN anon check release.csv -c cfg.json -k 1000
expect_in "check fails" "NOT satisfied" "$work/out"
expect_in "check fails" "first k-anonymity" "$work/out"
# the original data is no release: it has the identifying column
expect_status 3 $KIBAN anon check data.csv -c cfg.json
expect_in "raw data" "data.csv:1:1: field '患者ID': the release still has the identifying column '患者ID'" "$work/out"
# without it, it is not anonymous
cut -d, -f2- data.csv >raw.csv
expect_status 1 $KIBAN anon check raw.csv -c cfg.json
expect_in "raw data" "NOT satisfied" "$work/out"

# the search and the exhaustive search find the same optimum
$KIBAN anon run data.csv -c cfg.json --search exhaustive --json >ex.json
expect_eq "exhaustive levels" "$(jq -c .levels ex.json)" "$(jq -c .levels report.json)"
expect_eq "exhaustive loss" "$(jq ".loss * 1e9 | round" ex.json)" "$(jq ".loss * 1e9 | round" report.json)"
jq -e '.search.checked < 250' report.json >/dev/null || fail "the search evaluated every node"

# Japanese messages and output; CP932 input (as Excel writes it) and --bom
iconv -f UTF-8 -t CP932 data.csv >data-sjis.csv
KIBAN_LANG=ja $KIBAN anon run data-sjis.csv -c cfg.json -o release-ja.csv --bom >summary-ja.txt
expect_in "ja summary" "変換:" summary-ja.txt
expect_in "ja summary" "（最適）" summary-ja.txt
expect_eq "bom" "$(head -c 3 release-ja.csv | od -An -tx1 | tr -d ' ')" efbbbf
expect_eq "same release" "$(tail -c +4 release-ja.csv | md5sum)" "$(md5sum <release.csv)"

# a column's hierarchy as the configuration builds it
$KIBAN anon hierarchy data.csv -c cfg.json --attribute 郵便番号 >zip.txt
expect_eq "zip hierarchy" "$(head -1 zip.txt | tr -d '\r' | awk -F';' '{ print NF ":" ($2 ~ /\*\*\*\*$/) ":" $5 }')" "5:1:*"

# bad input: a clear error with file, line and column; nothing written
printf '患者ID,年齢,性別,郵便番号,入院日,病名,在院日数\nP1,40,男,1500001,2025-01-01,J18.9,3\nP2,41,不明,1500002,2025-01-02,J99.9,4\n' >bad.csv
expect_status 3 $KIBAN anon run bad.csv -c cfg.json -o bad-out.csv
expect_in "missing value" "bad.csv:3:7: field '性別': value '不明' is not in the column's hierarchy" "$work/out"
expect_in "missing sensitive value" "bad.csv:3:29: field '病名': value 'J99.9' is not in the column's hierarchy" "$work/out"
[ ! -e bad-out.csv ] || fail "a release was written from bad input"
printf 'J18.9;J18;J;*\nJ44.1;J44;*\n' >icd-depth.csv
sed 's/"icd.csv"/"icd-depth.csv"/' cfg.json >cfg-depth.json
expect_status 3 $KIBAN anon run data.csv -c cfg-depth.json -o out.csv
expect_in "depth" "icd-depth.csv:2:1: value 'J44.1' has 3 levels but the first row has 4" "$work/out"
printf 'J18.9;J18;J;*\nJ44.1;J44;J;*\nJ44.2;J44;K;*\n' >icd-parents.csv
sed 's/"icd.csv"/"icd-parents.csv"/' cfg.json >cfg-parents.json
expect_status 3 $KIBAN anon run data.csv -c cfg-parents.json -o out.csv
expect_in "two parents" "icd-parents.csv:3:1: 'J44' at level 1 has two parents: 'K' here and 'J' on line 2" "$work/out"
expect_status 3 $KIBAN anon run data.csv -c cfg.json -k 601 -o out.csv
expect_in "k too large" "k = 601 is larger than the table's 600 records" "$work/out"
sed 's/"在院日数": "insensitive"/"在院日数": "insensitive", "血液型": "insensitive"/' cfg.json >cfg-col.json
expect_status 3 $KIBAN anon run data.csv -c cfg-col.json -o out.csv
expect_in "unknown column" "cfg-col.json: field '血液型': the configuration names column '血液型', which data.csv does not have" "$work/out"
sed 's/"在院日数": "insensitive"//; s/"病名": {"type": "sensitive", "hierarchy": "icd.csv"},/"病名": {"type": "sensitive", "hierarchy": "icd.csv"}/' cfg.json >cfg-role.json
expect_status 3 $KIBAN anon run data.csv -c cfg-role.json -o out.csv
expect_in "column without a role" "data.csv:1:24: field '在院日数': column '在院日数' has no type" "$work/out"
[ ! -e out.csv ] || fail "a release was written from bad input"
expect_status 2 $KIBAN anon run data.csv -o out.csv
expect_in "usage" "give the configuration with -c FILE" "$work/out"
expect_status 2 $KIBAN anon run data.csv -c cfg.json --metric speed
# no solution: a clear message, exit 1, nothing written
sed 's/"l": 3/"l": 20/' cfg.json >cfg-none.json
expect_status 1 $KIBAN anon run data.csv -c cfg-none.json -o out.csv
expect_in "no solution" "no transformation satisfies the models" "$work/out"
[ ! -e out.csv ] || fail "a release was written without a solution"

# the Adult benchmark: the known optimum (../shared/data/adult/README.md)
adult="${KIBAN_SHARED:-$KIBAN_SRC/../shared}/data/adult"
if [ -r "$adult/adult.csv" ]; then
	printf '{"attributes": {' >adult.json
	sep=
	for c in sex age race marital-status education native-country workclass occupation salary-class; do
		printf '%s"%s": {"type": "quasi", "hierarchy": "%s/adult_hierarchy_%s.csv"}' "$sep" "$c" "$adult" "$c" >>adult.json
		sep=', '
	done
	printf '}, "privacy": {"k": 5}, "metric": "entropy"}\n' >>adult.json
	$KIBAN anon run "$adult/adult.csv" -c adult.json -o adult-release.csv --json >adult-report.json
	expect_eq "Adult transformation" "$(jq -c .levels adult-report.json)" "[1,2,1,1,3,2,2,1,1]"
	expect_eq "Adult loss" "$(jq '.loss * 100 | round' adult-report.json)" 40728954
	$KIBAN anon check adult-release.csv -c adult.json >/dev/null
	expect_eq "Adult, nothing suppressed: ARX's loss is kiban's" "$(jq '.loss_arx == .loss' adult-report.json)" true
	# 4 % suppressed: ARX 3.9 chooses the same transformation, suppresses
	# the same 906 records and reports 264,971.58 (it scores them against
	# the suppressed records; kiban as '*' over all records)
	$KIBAN --lang en anon run "$adult/adult.csv" -c adult.json --suppression 0.04 -o adult-release.csv --json >adult-report.json
	expect_eq "Adult 4 % transformation" "$(jq -c .levels adult-report.json)" "[1,0,1,1,3,2,2,0,1]"
	expect_eq "Adult 4 % suppressed" "$(jq .suppressed adult-report.json)" 906
	expect_eq "Adult 4 % loss" "$(jq '.loss * 100 | round' adult-report.json)" 26779335
	expect_eq "Adult 4 % loss as ARX reports it" "$(jq '.loss_arx * 100 | round' adult-report.json)" 26497158
else
	echo "skipping the Adult conformance: $adult/adult.csv is absent (../shared is not beside the project)"
fi
echo "anon: ok"
