#!/bin/sh
# Small cells, over real HTTP on loopback.  In this generated country of
# 500 hospitals Tottori has 2 and every other prefecture 3 or more.
# Tottori's figures reach the ministry and Tottori itself; every other role
# gets them withheld (null, "suppressed", a reason; 秘匿 in CSV and on the
# pages), and a second prefecture with them, so that the national total
# minus the prefectures shown does not give Tottori back.  Manufacturers'
# figures behind fewer than 3 companies likewise, for all but the ministry.
. "$(dirname "$0")/lib.sh"

$KIBAN init >/dev/null
$KIBAN plan import "$KIBAN_SRC/data/plan2.csv" >/dev/null # the ministries
$KIBAN supply generate -o gen --seed 1 --hospitals 500 --devices 6 --suppliers 40 --weeks 12 >/dev/null
$KIBAN supply load gen >/dev/null
# every week of the load has its sums (the last one included)
expect_eq "weeks summed" "$(sqlite3 "$KIBAN_DB" 'SELECT count(DISTINCT week) FROM stock_agg')" 12
small=$(awk -F, '$2 == "hospital" { n[$5]++ } END { for (p in n) if (n[p] < 3) printf "%s:%d ", p, n[p] }' gen/orgs.csv)
expect_eq "the generated data: one prefecture under 3 hospitals" "$small" "31:2 "
set -- $(awk -F, '$2 == "hospital" && $5 == "31" { print $1 }' gen/orgs.csv)
h1=$1 h2=$2
dev=30001013 week=2026-11-16

# one organisation for the support body's account to act for
printf 'id,name,kind,licence,support,areas,capability,member\nS1,支援機関,support,0,regulatory,,薬事相談,1\n' >morgs.csv
$KIBAN match import orgs morgs.csv >/dev/null
pw="correct horse battery"
add() { echo "$pw" | $KIBAN account add "$@" >/dev/null; }
add admin --name 管理者 --role admin
add staff --name 厚労省 --role staff --ministry 厚
add tottori --name 鳥取県 --role prefecture --pref 31
add tokyo --name 東京都 --role prefecture --pref 13
add committee --name 委員 --role committee
add hosp --name 鳥取の病院 --role hospital --org "$h1"
add maker --name 製販 --role industry --org M001
add res --name 研究者 --role researcher
add support --name 支援機関 --role researcher --match-org S1
roles="admin staff tottori tokyo committee hosp maker res support"
sees="admin staff tottori" # the ministry, and the prefecture itself
for r in $roles; do
	$KIBAN account token "$r" --label e2e | head -1 >"tok_$r"
done

start_server --notify-interval 0.2
# the researcher and Tottori follow Tottori; the first scan of the
# database only takes note of what is there
for r in res tottori; do
	expect_eq "$r follows Tottori" "$(as $r -d kind=prefecture -d code=31 "$url/api/v1/subscriptions")" 201
done
scanned() { [ -n "$(sqlite3 "$KIBAN_DB" "SELECT value FROM notify_cursor WHERE name = 'signal_week'")" ]; }
wait_for "the first scan" scanned
# Tottori's two hospitals report running out of ventilators: corrections
# of their generated reports of the week (every line of a report again),
# by the hospital itself and by the supply desk
fix() { # HOSPITAL CONSUMPTION STOCKOUT_DAYS
	head -1 gen/stock.csv
	awk -F, -v OFS=, -v id="$1-$week" -v d=$dev -v c="$2" -v o="$3" \
		'$1 == id { if ($3 == d) { $5 = 0; $6 = c; $7 = o } print }' gen/stock.csv
}
expect_eq "a hospital corrects its report" "$(fix "$h1" 2 3 | as hosp -H 'Content-Type: text/csv' --data-binary @- "$url/api/v1/reports/stock")" 201
expect_eq "a correction" "$(jq -r '"\(.rows) \(.changed)"' "$work/body")" "6 6"
expect_eq "the desk corrects one" "$(fix "$h2" 1 2 | as admin -H 'Content-Type: text/csv' --data-binary @- "$url/api/v1/reports/stock")" 201

# the truth, as the ministry sees it
as admin "$url/api/v1/status?device=$dev&week=$week" >/dev/null
cp "$work/body" truth.json
expect_eq "Tottori's figure" "$(jq -r '.[] | select(.prefecture == 31) | "\(.facilities) \(.stock) \(.consumption) \(.status)"' truth.json)" "2 0 3 out"
as admin "$url/api/v1/status?week=$week" >/dev/null
cp "$work/body" truth_nation.json

# what a role learns by difference: the national total minus every
# prefecture it is shown; against it, the withheld cells it cannot see
difference() { # STATUS_BY_PREF NATION FIELD
	jq -n --slurpfile p "$1" --slurpfile n "$2" --arg f "$3" --arg d $dev '
		($n[0][] | select(.device == $d) | .[$f]) as $total
		| if $total == null then "total withheld"
		  else $total - ([$p[0][] | select(.suppressed | not) | .[$f]] | add) end'
}

for r in $roles; do
	case " $sees " in *" $r "*) sees_it=1 ;; *) sees_it=0 ;; esac
	expect_eq "$r: by prefecture" "$(as "$r" "$url/api/v1/status?device=$dev&week=$week")" 200
	cp "$work/body" "p_$r.json"
	expect_eq "$r: nationally" "$(as "$r" "$url/api/v1/status?week=$week")" 200
	cp "$work/body" "n_$r.json"
	expect_eq "$r: Tottori" "$(as "$r" "$url/api/v1/status?pref=31&week=$week")" 200
	cp "$work/body" "t_$r.json"
	got=$(jq -r '.[] | select(.prefecture == 31) | "\(.facilities) \(.stock) \(.consumption) \(.status) \(.suppressed) \(.suppressed_reason)"' "p_$r.json")
	if [ $sees_it = 1 ]; then
		expect_eq "$r sees Tottori" "$got" "2 0 3 out null null"
		# and every cell, all of them as the ministry has them
		expect_eq "$r: nothing withheld" "$(jq '[.[] | select(.suppressed)] | length' "p_$r.json")" 0
		[ "$r" = tottori ] || expect_eq "$r: the same figures" "$(jq -c 'map(del(.suppressed))' "p_$r.json")" "$(jq -c 'map(del(.suppressed))' truth.json)"
	else
		expect_eq "$r: Tottori withheld, not 0" "$got" "2 null null null true few_facilities"
		# the same cell, whichever way it is asked for
		expect_eq "$r: Tottori's own rows" "$(jq -r '[.[] | select(.device == "'$dev'") | .suppressed_reason] | join(",")' "t_$r.json")" few_facilities
		expect_eq "$r: every device of Tottori" "$(jq -r '[.[] | .stock] | unique | join(",")' "t_$r.json")" ""
		# the difference attack: a second cell is withheld with it, so
		# total minus the cells shown is a sum of 5 or more hospitals
		hidden=$(jq '[.[] | select(.suppressed)] | length' "p_$r.json")
		[ "$hidden" -ge 2 ] || jq -e '.[] | select(.device == "'$dev'") | .suppressed' "n_$r.json" >/dev/null ||
			fail "$r: Tottori alone withheld, so recoverable from the national total"
		[ "$(jq '[.[] | select(.suppressed) | .facilities] | add' "p_$r.json")" -ge 5 ] ||
			fail "$r: the withheld cells add up to under 5 hospitals"
		for f in stock consumption stockout_days stockout_facilities; do
			learnt=$(difference "p_$r.json" "n_$r.json" $f)
			[ "$learnt" != "total withheld" ] || continue
			truth=$(jq -n --slurpfile p "p_$r.json" --slurpfile t truth.json --arg f $f '
				[$p[0][] | select(.suppressed) | .prefecture] as $h
				| [$t[0][] | select(.prefecture as $x | $h | index($x)) | .[$f]] | add')
			expect_eq "$r learns only the withheld cells' sum of $f" "$learnt" "$truth"
		done
	fi
done
# the complement is the smallest other prefecture the role cannot see
# anyway: Fukui (18, 3 hospitals) for most; for Tokyo, not Tokyo
expect_eq "the public's complement" "$(jq -r '[.[] | select(.suppressed_reason == "complementary") | .prefecture] | join(",")' p_res.json)" 18
expect_eq "Tokyo's own cell stays shown" "$(jq -r '.[] | select(.prefecture == 13) | .suppressed' p_tokyo.json)" null
expect_eq "Tottori sees the rest as shown" "$(jq '[.[] | select(.suppressed)] | length' p_tottori.json)" 0
# a hospital of Tottori sees its own figures, not the other one's by
# difference from Tottori's total
expect_eq "its own status" "$(as hosp "$url/api/v1/status?facility=$h1&week=$week")" 200
expect_eq "its own figure" "$(jq -r '.[] | select(.device == "'$dev'") | "\(.stock) \(.consumption)"' "$work/body")" "0 2"

# manufacturers' figures behind fewer than 3 companies: the ministry's
few=$(jq -r '[.[] | select(.suppliers != null and .suppliers < 3)][0].device // empty' truth_nation.json)
[ -n "$few" ] || fail "the generated data has a device made by fewer than 3 companies"
for r in $roles; do
	case $r in admin | staff) want="number false" ;; *) want="null true" ;; esac
	expect_eq "$r: manufacturers' figures of $few" \
		"$(jq -r '.[] | select(.device == "'$few'") | "\(.supply | type) \(.supply_suppressed_reason == "few_companies")"' "n_$r.json")" "$want"
done

# alerts: Tottori's stands, with its figures for those who may see them
for r in $roles; do
	expect_eq "$r: alerts" "$(as "$r" "$url/api/v1/alerts?pref=31&week=$week")" 200
	got=$(jq -r '.items[] | select(.rule == "low_stock" and .device == "'$dev'") | "\(.severity) \(.value) \(.suppressed)"' "$work/body")
	case " $sees " in
	*" $r "*) expect_eq "$r: Tottori's alert" "$got" "critical 0 null" ;;
	*) expect_eq "$r: Tottori's alert, no figure" "$got" "critical null true"
		jq -e '.items[] | select(.rule == "low_stock") | .reason | test("0 units") | not' "$work/body" >/dev/null || fail "$r: the reason shows the figure" ;;
	esac
done

# the signal of Tottori's stock-out: its hospitals short only for those
# who may see Tottori's figures
for r in $roles; do
	expect_eq "$r: signals" "$(as "$r" "$url/api/v1/signals?pref=31&week=$week&device=$dev")" 200
	got=$(jq -r '[.items[] | select(.cause == "stock")][0] | "\(.severity) \(.facilities) \(.suppressed)"' "$work/body")
	case " $sees " in
	*" $r "*) expect_eq "$r: Tottori's signal" "$got" "critical 2 null" ;;
	*) expect_eq "$r: Tottori's signal, no figure" "$got" "critical null true" ;;
	esac
done

# the notice of the signal Tottori's alert raised: one text for every
# subscriber, the public's (the alert's figures withheld), told once
notice() { # ROLE
	as "$1" "$url/api/v1/notices?lang=en" >/dev/null
	jq -e '[.items[] | select(.kind == "signal" and (.ref | startswith("signal:stock:'$dev':")))] | select(length > 0)' "$work/body" >"notice_$1.json"
}
for r in res tottori; do
	wait_for "$r's notice of the signal in Tottori" notice $r
	expect_eq "$r: one notice of it" "$(jq 'length' "notice_$r.json")" 1
	expect_eq "$r: raised, critical, in Tottori" "$(jq -r '.[0] | "\(.change) \(.severity) \(.device) \(.prefecture)"' "notice_$r.json")" "raised critical $dev 31"
	jq -e '.[0].text | test("^Signal raised \\(critical\\): '$dev' ")' "notice_$r.json" >/dev/null || { cat "notice_$r.json" >&2; fail "$r: the notice says what changed"; }
	jq -e '.[0].text | test("withheld")' "notice_$r.json" >/dev/null || { cat "notice_$r.json" >&2; fail "$r: the notice withholds the figures"; }
	jq -e '.[0].text | test("0 units|days of supply") | not' "notice_$r.json" >/dev/null || fail "$r: the notice gives Tottori's figures"
done
expect_eq "the same text for both" "$(jq -r '.[0].text' notice_res.json)" "$(jq -r '.[0].text' notice_tottori.json)"
as tottori "$url/api/v1/notices?lang=ja" >/dev/null
expect_in "in Japanese, the figures withheld too" '秘匿' "$work/body"
grep -q '在庫 0 台' "$work/body" && fail "the Japanese notice gives Tottori's figures"
# a scan after another write (the same shortage, another figure): the same
# signal, nothing new to tell
expect_eq "another correction" "$(fix "$h1" 2 4 | as hosp -H 'Content-Type: text/csv' --data-binary @- "$url/api/v1/reports/stock")" 201
sleep 1
expect_eq "still one notice of it" "$(as res "$url/api/v1/notices" >/dev/null; jq '[.items[] | select(.kind == "signal")] | length' "$work/body")" 1

# CSV: the mark, never 0 or blank
expect_eq "csv" "$(as res "$url/api/v1/status?device=$dev&week=$week&format=csv&lang=ja")" 200
expect_eq "秘匿 in CSV" "$(awk -F, '$3 == 31 { print $5, $6, $8, $9, $14 }' "$work/body")" "秘匿 秘匿 秘匿 秘匿 few_facilities"
expect_eq "csv" "$(as res "$url/api/v1/status?device=$dev&week=$week&format=csv&lang=en")" 200
expect_eq "suppressed in CSV" "$(awk -F, '$3 == 31 { print $5, $9 }' "$work/body")" "suppressed suppressed"
expect_eq "csv" "$(as tottori "$url/api/v1/status?device=$dev&week=$week&format=csv")" 200
expect_eq "Tottori's own CSV" "$(awk -F, '$3 == 31 { print $5, $6, $9 }' "$work/body")" "0 3 out"
expect_eq "alerts csv" "$(as res "$url/api/v1/alerts?pref=31&week=$week&format=csv&lang=en")" 200
grep -q '^low_stock:'$dev':31:.*,suppressed,.*few_facilities' "$work/body" || { cat "$work/body" >&2; fail "the alert's CSV value is the mark"; }

# the pages: the alert without its figures, with the mark's legend
expect_eq "alerts page" "$(as res "$url/alerts?pref=31&lang=en")" 200
expect_in "the mark" 'data-suppressed="true"' "$work/body"
expect_in "its legend" 'withheld-legend' "$work/body"
grep -q 'stock 0 units' "$work/body" && fail "the page shows Tottori's stock"
expect_eq "alerts page" "$(as tottori "$url/alerts?pref=31&lang=en")" 200
expect_in "Tottori reads its figures" 'stock 0 units' "$work/body"
grep -q 'withheld-legend' "$work/body" && fail "nothing is withheld from Tottori"
# no aggregate without signing in: there are no public pages of figures
expect_eq "status unsigned" "$(http "$url/api/v1/status?device=$dev")" 401
expect_eq "alerts unsigned" "$(http "$url/api/v1/alerts")" 401
expect_eq "dashboard unsigned" "$(http "$url/api/v1/dashboard")" 401
http "$url/alerts?pref=31" >/dev/null
grep -q 'stock 0 units\|在庫 0 台' "$work/body" && fail "the alerts page shows figures to nobody"
# the dashboard is the public's, the same for everyone
expect_eq "dashboard" "$(as admin "$url/api/v1/dashboard")" 200
cp "$work/body" dash_admin.json
expect_eq "dashboard" "$(as res "$url/api/v1/dashboard")" 200
cmp -s dash_admin.json "$work/body" || fail "the dashboard differs between accounts"
expect_eq "dashboard page" "$(as res "$url/?lang=en")" 200
echo "small_cells: ok"
