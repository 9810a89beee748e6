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
# an organisation writes its own needs and seeds, one at a time or by file
$KIBAN match add need --as H1 problem=夜間の転倒に気づけない population=認知症の入院患者 \
	outcome=転倒による骨折を減らす area=脳神経 >add.txt
expect_in "need added" "need N0061 registered" add.txt
$KIBAN match find N0061 --as H1 --json --limit 3 >fall.json
jq -e 'all(.[]; .why | contains("転倒"))' fall.json >/dev/null || fail "the fall seeds first: $(jq -c '[.[] | [.id, .why]]' fall.json)"
expect_status 1 $KIBAN match add need --as C1 org=H1 problem=x population=y outcome=z area=a
expect_in "another's" "field 'org': organisation 'C1' may register only its own needs (this one names 'H1')" "$work/out"
expect_status 3 $KIBAN match add seed --as U1 title=センサ trl=12
expect_in "field named" "field 'description': a value is required here" "$work/out"
expect_in "range" "field 'trl': '12' is not a whole number from 1 to 9" "$work/out"
printf 'id,org,title,description\nS001,C1,乗っ取り,説明\n' >take.csv
expect_status 1 $KIBAN match import seeds take.csv --as C1
expect_in "not its own" "take.csv:2:1: field 'id': seed 'S001' belongs to 'U1'" "$work/out"
expect_status 1 $KIBAN match import orgs orgs.csv --as C1
# a company says what it can do, and is ranked by it
$KIBAN match profile --as C2 "capability=褥瘡を防ぐ体圧分散マットレスの開発と製造" "areas=在宅・介護" >/dev/null
expect_status 3 $KIBAN match profile --as C2 support=lobbying
expect_in "field" "field 'support': 'lobbying' is not one of" "$work/out"
$KIBAN match add need --as H1 problem=褥瘡を防ぎたい population=寝たきりの在宅患者 \
	outcome=体圧を分散する area=在宅・介護 >/dev/null
expect_eq "ranked by its profile" "$($KIBAN match find N0062 --to companies --json | jq -r '.[0].id')" C2
expect_eq "its kind kept" "$($KIBAN match export orgs --json | jq -r '.[] | select(.id == "C2") | .kind')" company
expect_eq "S001 kept" "$($KIBAN match export seeds --json | jq -r '.[] | select(.id == "S001") | .org')" U1

# the same over HTTP, as accounts linked to organisations of the registry
pw="correct horse battery"
add() { echo "$pw" | $KIBAN account add "$@" >/dev/null; }
add admin --name 管理者 --role admin
add clin --name 臨床医 --role researcher --match-org H1
add maker --name 企業 --role researcher --match-org C1
add support --name 支援 --role researcher
add tokyo --name 東京都 --role prefecture --pref 13
expect_status 4 $KIBAN account match-org support NOPE
$KIBAN account match-org support S1
for r in admin clin maker support tokyo; do
	$KIBAN account token "$r" | head -1 >"tok_$r"
done
start_server
#       path                                   admin clin maker support tokyo
matrix() {
	path=$1
	shift
	for r in admin clin maker support tokyo; do
		got=$(as "$r" "$url$path")
		[ "$got" = "$1" ] || { cat "$work/body" >&2; fail "$r GET $path: got $got, want $1"; }
		shift
	done
}
matrix /api/v1/match/needs                     200 200 200 200 403
matrix /api/v1/match/needs/N003                200 200 200 403 403
matrix "/api/v1/match/needs/N003/matches"      200 200 200 403 403
matrix "/api/v1/match/seeds/S001/matches?to=needs" 200 200 200 200 403
matrix /api/v1/match/cases/1                   200 403 403 200 403
matrix /api/v1/match/kpi                       200 200 200 200 200
as tokyo "$url/api/v1/match/needs?lang=en" >/dev/null
expect_in "why refused" "does not act for an organisation" "$work/body"
# what an organisation may not see is never listed nor ranked
as support "$url/api/v1/match/needs?limit=1000" >/dev/null
expect_eq "no NDA need listed" "$(jq '[.items[].id] | index("N003")' "$work/body")" null
as support "$url/api/v1/match/seeds/S229/matches?to=needs&limit=100" >/dev/null
expect_eq "nor ranked" "$(jq '[.items[].id] | index("N003")' "$work/body")" null
as maker "$url/api/v1/match/needs/N003/matches?limit=3" >/dev/null
jq -e '.items[0].why | contains("造影")' "$work/body" >/dev/null || fail "ranked with reasons over HTTP: $(cat "$work/body")"
as clin "$url/api/v1/match/needs?format=csv" >/dev/null
expect_eq "CSV for Excel" "$(head -c 3 "$work/body" | od -An -tx1 | tr -d ' ')" efbbbf
# writes: its own only, problems by field, nothing written on error
expect_eq "need by JSON" "$(as clin -H 'Content-Type: application/json' \
	-d '{"problem":"人工呼吸器の離脱を早めたい","population":"集中治療室の患者","outcome":"人工呼吸期間を短くする","area":"救急・集中治療","urgency":3}' \
	"$url/api/v1/match/needs")" 201
expect_eq "its id" "$(jq -r .id "$work/body")" N0063
expect_eq "no text" "$(as clin -H 'Content-Type: application/json' -d '{"problem":""}' "$url/api/v1/match/needs")" 422
expect_eq "by field" "$(jq -r '[.error.details[].field] | join(",")' "$work/body")" problem,population,outcome,area
printf '{"problem":"\377"}' >bad.json
expect_eq "invalid UTF-8" "$(as clin -H 'Content-Type: application/json' --data-binary @bad.json "$url/api/v1/match/needs")" 400
expect_eq "another's seed" "$(as maker -d org=U1 -d title=t -d description=d "$url/api/v1/match/seeds")" 403
expect_eq "needs unchanged" "$($KIBAN match export needs --json | jq length)" 63
expect_eq "link: not an owner" "$(as maker -d need=N0063 -d seed=S001 "$url/api/v1/match/links")" 403
expect_eq "link: the owner" "$(as clin -d need=N0063 -d seed=S001 "$url/api/v1/match/links")" 201
expect_eq "profile over HTTP" "$(as maker -d 'capability=カテーテルの設計' "$url/api/v1/match/profile")" 201
expect_eq "its row" "$(jq -r .capability "$work/body")" カテーテルの設計
expect_eq "case by another body" "$(as support -d venture=V1 -d title=t "$url/api/v1/match/cases")" 201
expect_eq "event" "$(as support -d kind=meeting -d text=初回面談 "$url/api/v1/match/cases/2/events")" 201
expect_eq "the timeline" "$(jq -r '.events[-1].text' "$work/body")" 初回面談
expect_eq "bad phase" "$(as support -d kind=phase -d phase=done "$url/api/v1/match/cases/2/events")" 422
expect_eq "not a party" "$(as maker -d kind=meeting -d text=x "$url/api/v1/match/cases/2/events")" 403
as admin "$url/api/v1/match/kpi" >/dev/null
expect_eq "KPI over HTTP" "$(jq .needs_matched "$work/body")" 3
stop_server

# the figures go to the plan's KPIs, year by year (the demo's K07: matches)
expect_status 2 $KIBAN match kpi --record K07=matches
expect_status 4 $KIBAN match kpi --year 2026 --record K07=matches # no plan here
KIBAN_DB="$work/demo.db" $KIBAN demo --quiet
KIBAN_DB="$work/demo.db" $KIBAN match kpi --year 2025 --json >k25.json
KIBAN_DB="$work/demo.db" $KIBAN match kpi --year 2025 --record K07=matches >/dev/null
KIBAN_DB="$work/demo.db" $KIBAN values list --kpi K07 --json >k07.json
expect_eq "recorded as K07's FY2025 value" \
	"$(jq '.[] | select(.fiscal_year == 2025) | .value' k07.json)" "$(jq .matches k25.json)"
echo "match: ok"
