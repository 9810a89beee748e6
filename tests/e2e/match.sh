#!/bin/sh
# match.sh - a clinician's needs and a university's seeds meet: the
# registry is imported (all or nothing), matches come ranked with their
# reasons, nobody sees what they may not, a support body follows a venture
# case by case, and the KPI figures follow from what was recorded.
. "$(dirname "$0")/lib.sh"
data="$KIBAN_SRC/tests/data/match"

$KIBAN init >/dev/null
cat >orgs.csv <<'EOF'
id,name,kind,licence,support,areas,capability,member
H1,東都大学病院,clinical,0,,循環器;呼吸器,,1
U1,北斗工業大学,academia,0,,,,1
C1,みなと医療機器株式会社,company,1,,循環器,カテーテルと植込み型デバイスの設計・製造、クラスIVの承認取得,1
C2,さくらメディカル,company,0,,呼吸器,在宅用の呼吸器と酸素濃縮器の開発,1
V1,ハートセンシング,venture,0,,循環器,ウェアラブル心電図の開発,1
S1,医療機器開発支援ネットワーク,support,0,regulatory;ip,,薬事申請と知財の相談,1
S2,地域ものづくり支援財団,support,0,finance;sales,,資金調達と販路開拓の支援,1
X1,よその会社,company,0,,,,0
EOF
$KIBAN match import orgs orgs.csv >/dev/null
# the judged set's needs (N002 members-only, N003 under NDA) and seeds
awk -F, 'BEGIN { OFS = "," } NR == 1 { print "id,org,problem,population,outcome,area,setting,device_class,confidentiality"; next }
	{ print $1, "H1", $2, $3, $4, $5, $6, $7, (NR == 3 ? "members" : NR == 4 ? "nda" : "open") }' "$data/needs.csv" >needs.csv
awk -F, 'BEGIN { OFS = "," } NR == 1 { print "id,org,title,description,area"; next } { print $1, "U1", $2, $3, $4 }' "$data/seeds.csv" >seeds.csv
$KIBAN match import needs needs.csv >out.txt
expect_in "needs imported" "rows 60: added 60" out.txt
$KIBAN match import seeds seeds.csv >/dev/null
printf 'kind,item,org\nneed,N003,C1\n' >nda.csv
$KIBAN match import nda nda.csv >/dev/null

# ranked with reasons: the contrast-agent need finds the contrast seeds
$KIBAN match find N003 --as C1 --json --limit 5 >find.json
jq -e '.[0].why | contains("造影")' find.json >/dev/null || fail "no reason given: $(jq -c '.[0]' find.json)"
jq -e '[.[] | select(.name | contains("造影"))] | length >= 2' find.json >/dev/null ||
	fail "the contrast seeds are not in the first five: $(jq -c '[.[].name]' find.json)"
jq -e '.[0].boosts == ["same clinical area"]' find.json >/dev/null || fail "boosts: $(jq -c '.[0].boosts' find.json)"
$KIBAN match find N003 --limit 3 >find.txt
expect_in "table" "造影剤回収システム" find.txt
KIBAN_LANG=ja $KIBAN match find N003 --limit 3 >find-ja.txt
expect_in "Japanese table" "理由" find-ja.txt
KIBAN_LANG=ja $KIBAN match find N003 --limit 3 --json | jq -e '.[0].boosts == ["同じ臨床領域"]' >/dev/null ||
	fail "Japanese boosts"

# who sees what: an outsider (not a member, no NDA) is refused, and never
# finds the members-only or NDA needs
expect_status 1 $KIBAN match find N002 --as X1
expect_in "members only" "organisation 'X1' may not see need 'N002'" "$work/out"
expect_status 1 $KIBAN match find N003 --as U1
$KIBAN match export needs --as X1 >x1.csv
grep -q '^N002,' x1.csv && fail "a members-only need was exported to an outsider"
grep -q '^N003,' x1.csv && fail "an NDA need was exported to an outsider"
expect_eq "outsider's needs" "$(($(wc -l <x1.csv) - 1))" 58
$KIBAN match export needs --as C1 >c1.csv
expect_eq "member with the NDA" "$(($(wc -l <c1.csv) - 1))" 60
$KIBAN match find S052 --to needs --as X1 --json --limit 60 >s.json
jq -e 'map(.id) | index("N002") == null and index("N003") == null' s.json >/dev/null || fail "hidden needs in a seed's matches"
expect_status 4 $KIBAN match find N999
expect_status 4 $KIBAN match find N001 --as Z9

# a seed at TRL 3 is sent to IP and finance support; a class IV need to the
# licensed maker
$KIBAN match find S001 --json >sup.json
expect_eq "support" "$(jq -r '.[0].id' sup.json)" S2
$KIBAN match find N003 --to companies --json >co.json
jq -e '.[0].id == "C1" and (.[0].boosts | length) == 2' co.json >/dev/null || fail "companies: $(jq -c . co.json)"

# bad input: located, nothing written
printf 'id,org,problem,population,outcome,area\nN100,H9,課題,対象,目的,循環器\nN101,H1,,対象,目的,循環器\n' >bad.csv
expect_status 3 $KIBAN match import needs bad.csv
expect_in "unknown org" "bad.csv:2:6: field 'org': unknown organisation 'H9'" "$work/out"
expect_in "no text" "bad.csv:3:9: field 'problem': a value is required here" "$work/out"
printf 'id,org,title,description\nS900,U1,\377\376,x\n' >bad-utf8.csv
expect_status 3 $KIBAN match import seeds bad-utf8.csv --encoding utf-8
expect_eq "nothing written" "$($KIBAN match export needs | grep -c '^N10[01],' || true)" 0

# matches recorded by the owners, consultation cases, the KPI figures
expect_status 1 $KIBAN match link N001 S001 --as C2
$KIBAN match link N001 S001 --as H1 >/dev/null
$KIBAN match link N003 S229 >/dev/null
$KIBAN match case open --venture V1 --support S1 --title "心電図パッチの承認相談" --phase prototype --topics "regulatory;ip" --as S1 >open.txt
expect_in "opened" "opened case 1" open.txt
$KIBAN match case meet 1 "初回面談: 非臨床評価の計画" --as V1 >/dev/null
$KIBAN match case action 1 "PMDA 事前相談の申込" --due 2026-12-15 --as S1 >/dev/null
expect_status 3 $KIBAN match case action 1 "期日なし" --as S1
expect_status 1 $KIBAN match case meet 1 "部外者" --as C1
$KIBAN match case list --as V1 --json >cases.json
expect_eq "next due" "$(jq -r '.[0].next_due' cases.json)" 2026-12-15
expect_eq "other parties see nothing" "$($KIBAN match case list --as S2 --json | jq length)" 0
$KIBAN match kpi --json >k0.json
expect_eq "launched before" "$(jq .ventures_launched k0.json)" 0
$KIBAN match case phase 1 launch "上市" --as S1 >/dev/null
$KIBAN match case close 1 "上市して支援終了" --as S1 >/dev/null
expect_status 5 $KIBAN match case meet 1 "終了後" --as S1
$KIBAN match case show 1 >show.txt
expect_in "show" "phase launch" show.txt
$KIBAN match kpi --json >k.json
expect_eq "launched" "$(jq .ventures_launched k.json)" 1
expect_eq "needs matched" "$(jq .needs_matched k.json)" 2
expect_eq "days to match" "$(jq .days_to_first_match_median k.json)" 0
echo "match: ok"
