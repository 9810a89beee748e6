#!/bin/sh
# Malformed input over real HTTP on loopback, as a hospital would send it
# (issue #17): uploads whose fields, header cells or JSON keys are blanks
# only, that mix UTF-8 and Shift_JIS lines (7 MB), whose rows are wider
# than the header; and a query parameter that is not UTF-8, on every route
# and parameter the API describes.  Each is the client's error, a 4xx that
# says what and where; the server stays up, and a valid upload still works.
. "$(dirname "$0")/lib.sh"

$KIBAN demo --quiet
echo "correct horse battery" | $KIBAN account add hosp --name 都立病院 --role hospital --org H00109 --account-lang en >/dev/null
$KIBAN account token hosp --label e2e | head -1 >tok_hosp
start_server --max-body 16M
expect_eq "health" "$(http "$url/api/v1/health")" 200

head='report_id,facility,device,week,stock,consumption,stockout_days'
upload() { # TYPE FILE: the status of a stock report upload
	as hosp -H "Content-Type: $1" --data-binary "@$2" "$url/api/v1/reports/stock"
}
# refused FILE TYPE WHAT DETAIL: a 422 whose first detail reads DETAIL
# ("line:column field: message", the parts that are known)
refused() {
	expect_eq "$3" "$(upload "$2" "$1")" 422
	got=$(jq -r '.error.details[0] | "\(.line // ""):\(.column // "") \(.field // ""): \(.message)"' body)
	expect_eq "$3: the detail" "$got" "$4"
	expect_eq "$3: the server is up" "$(http "$url/api/v1/health")" 200
}
before=$(sqlite3 kiban.db "SELECT count(*) FROM report")

# fields, header cells and JSON keys of blanks only
printf '%s\nb1,H00109,30001013,2026-11-23,  ,2,0\n' "$head" >blank-field.csv
refused blank-field.csv text/csv "a field of blanks" "2:31 stock: '  ' is not a figure (expected a number of zero or more)"
printf 'report_id,facility,device,   ,week,stock,consumption,stockout_days\nb2,H00109,30001013,x,2026-11-23,5,2,0\n' >blank-header.csv
refused blank-header.csv text/csv "a header cell of blanks" \
	"1:27 : column 4 has no name in the header row (expected: report_id, facility, device, week, stock, consumption, stockout_days)"
printf '[{"report_id":"b3","facility":"H00109","  ":"x","device":"30001013","week":"2026-11-23","stock":5,"consumption":2,"stockout_days":0}]' >blank-key.json
refused blank-key.json application/json "a JSON key of blanks" \
	"1:2 : column 3 has no name in the header row (expected: report_id, facility, device, week, stock, consumption, stockout_days)"

# a Shift_JIS line before 7 MB of UTF-8 ones (the comment column is free text)
awk -v h="$head,comment" 'BEGIN { print h; printf "m1,H00109,30001013,2026-11-23,5,2,0,\x8f\x6f\x93\x54\n"
	for (i = 0; i < 100000; i++) printf "m1,H00109,30001013,2026-11-23,5,2,0,病棟の在庫（週末の入荷待ち）%06d\n", i }' >mixed.csv
[ "$(wc -c <mixed.csv)" -gt 7000000 ] || fail "mixed.csv is not 7 MB"
refused mixed.csv text/csv "mixed encodings" \
	"2:37 : the file mixes encodings: line 3 is UTF-8 but this line is not (Shift_JIS?); save the whole file in one encoding, or give the encoding cp932 if it is Shift_JIS throughout"

# a row wider than the header
printf '%s\nw1,H00109,30001013,2026-11-23,5,2,0,extra\n' "$head" >wide.csv
refused wide.csv text/csv "a row wider than the header" \
	"2:37 : this row has 8 fields but the header has 7 (a comma too many, or a field that needs quotes?)"
expect_eq "nothing written" "$(sqlite3 kiban.db "SELECT count(*) FROM report")" "$before"

# A query parameter that is not UTF-8: every GET route and query parameter
# of docs/openapi.json, and lang on every route, is a 400 naming it.
jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] | select(.key == "get") |
	((.value.parameters // [])[] | select(.in == "query") | "\($p) \(.name)"), "\($p) lang"' \
	"$KIBAN_SRC/docs/openapi.json" | sed 's/{[a-z]*}/1/g' >pairs
n=$(wc -l <pairs)
[ "$n" -gt 60 ] || fail "only $n route and parameter pairs in docs/openapi.json"
while read -r path name; do
	got=$(as hosp "$url$path?$name=%FF%FEx")
	[ "$got" = 400 ] || { cat body >&2; fail "GET $path?$name=<not UTF-8>: got $got, want 400"; }
	expect_eq "GET $path?$name: the parameter" "$(jq -r '.error.details[0].field' body)" "$name"
	expect_eq "GET $path?$name: the code" "$(jq -r '.error.code' body)" bad_request
done <pairs
expect_in "the message names it" "query parameter 'lang': the value is not UTF-8 text" body
expect_eq "after a valid one" "$(as hosp "$url/api/v1/alerts?limit=5&device=%E6%9D%B1%FF")" 400
expect_eq "the second parameter" "$(jq -r '.error.details[0].field' body)" device
expect_eq "a name that is not UTF-8" "$(as hosp "$url/api/v1/alerts?%FF=1")" 400
expect_eq "a NUL" "$(as hosp "$url/api/v1/reports?org=H00109%00x")" 400
expect_eq "a path that is not UTF-8" "$(as hosp "$url/api/v1/devices/%FF")" 400
expect_eq "on a write" "$(as hosp -H 'Content-Type: text/csv' --data-binary @wide.csv "$url/api/v1/reports/stock?lang=%FF")" 400
expect_eq "in Japanese" "$(as hosp "$url/api/v1/status?lang=ja&pref=%81%93")" 400
expect_in "Japanese message" "クエリパラメータ 'pref' の値が UTF-8 の文字列ではありません" body
http -c jar -d "login=hosp&password=correct horse battery" "$url/login" >/dev/null
expect_eq "a page" "$(http -b jar "$url/reports?device=%FF")" 400
expect_in "an HTML page" '<html' body
expect_eq "UTF-8 is fine" "$(as hosp "$url/api/v1/status?pref=%E6%9D%B1%E4%BA%AC%E9%83%BD")" 200

# the server is up and takes a valid upload
expect_eq "health at the end" "$(http "$url/api/v1/health")" 200
printf '%s\nok1,H00109,30001013,2026-11-23,5,2,0\n' "$head" >ok.csv
expect_eq "a valid upload" "$(upload text/csv ok.csv)" 201
expect_eq "saved" "$(sqlite3 kiban.db "SELECT count(*) FROM report WHERE id = 'ok1'")" 1
stop_server TERM
! grep -q 'Sanitizer' "$work/server.log" || { cat "$work/server.log" >&2; fail "the sanitizers found a fault in the server"; }
echo "ok: $n route and parameter pairs, five malformed uploads"
