#!/bin/sh
# Durability: reports are uploaded by several clients at once while the
# server is killed with SIGKILL at random moments, three times.  After a
# restart every report the server acknowledged is there, whole, and no
# report is half-written (its lines are all there or none is).
. "$(dirname "$0")/lib.sh"

$KIBAN demo --quiet
echo "correct horse battery" | $KIBAN account add desk --name 供給窓口 --role admin >/dev/null
token=$($KIBAN account token desk --label crash | head -1)

# client N: uploads reports of hospital H00N.. for weeks of 2023-2024 (before
# the demo's year) until the server is gone; logs the ids acknowledged
client() {
	n=$1 week=0
	while [ $week -lt 100 ]; do
		day=$(date -u -d "2023-01-02 + $((week * 7)) days" +%F)
		id="c$n-$day-$round"
		printf 'report_id,facility,device,week,stock,consumption,stockout_days\n%s,H%05d,30001013,%s,4,1,0\n%s,H%05d,30002026,%s,3,1,0\n%s,H%05d,30003039,%s,2,1,0\n' \
			"$id" $((n + 10 * round)) "$day" "$id" $((n + 10 * round)) "$day" "$id" $((n + 10 * round)) "$day" >"up$n.csv"
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
			-H 'Content-Type: text/csv' --data-binary @"up$n.csv" "$url/api/v1/reports/stock") || true
		case $code in
		201) echo "$id" >>acked ;;
		000) return 0 ;; # the server is gone
		*) fail "upload $id: status $code" ;;
		esac
		week=$((week + 1))
	done
}

: >acked
for round in 1 2 3; do
	start_server
	pids=
	for n in 1 2 3 4; do
		client $n &
		pids="$pids $!"
	done
	# a random moment, 0.2 to 1.2 seconds in
	sleep "$(awk -v s="$round$$" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() }')"
	stop_server KILL
	for p in $pids; do wait "$p" || fail "a client failed"; done
done

n=$(wc -l <acked)
[ "$n" -gt 0 ] || fail "no upload was acknowledged before the kills"
# every acknowledged report is there with its three lines
for id in $(cat acked); do
	got=$(sqlite3 kiban.db "SELECT r.lines || ' ' || (SELECT count(*) FROM stock_line l WHERE l.week = r.week AND l.facility = r.org AND l.report = r.n) FROM report r WHERE r.id = '$id'")
	expect_eq "acknowledged report $id" "$got" "3 3"
done
# no report anywhere is half-written
expect_eq "half-written reports" "$(sqlite3 kiban.db "SELECT count(*) FROM report r LEFT JOIN (SELECT report, count(*) AS c FROM stock_line GROUP BY report) l ON l.report = r.n WHERE r.kind = 'stock' AND r.lines != coalesce(l.c, 0)")" 0
# and the weekly sums agree with the lines after the crashes
before=$(sqlite3 kiban.db "SELECT total(stock) FROM stock_agg WHERE prefecture = 0")
$KIBAN supply recompute --quiet
expect_eq "aggregates" "$(sqlite3 kiban.db "SELECT total(stock) FROM stock_agg WHERE prefecture = 0")" "$before"
echo "ok: $n acknowledged reports survived three SIGKILLs"
