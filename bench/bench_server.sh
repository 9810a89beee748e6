#!/bin/sh
# bench_server.sh [KIBAN] - the server under load from a second process on
# loopback (wrk), both on two processor cores (taskset), as on the 2-core
# machine the issue names:
#   1. report submission: hospitals' weekly stock reports (30 lines each),
#      each acknowledged only once committed (fsync); target 5,000/s
#   2. dashboard reads through the JSON API; target 20,000/s
#   p99 latency under 20 ms for both; then
#   3. memory: a mixed load for BENCH_MINUTES (default 5) with the server's
#      resident memory sampled every 10 s; it must stay flat.
# Prints the figures and each one's ratio to its target.
set -eu
KIBAN=$(realpath "${1:-./build/kiban}")
HERE=$(cd "$(dirname "$0")" && pwd)
MIN=${BENCH_MINUTES:-5}
DUR=${BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench_server: wrk is not installed (scripts/deps.sh bench)" >&2; exit 1; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
export KIBAN_DB="$work/bench.db" KIBAN_LANG=en
pin=
if command -v taskset >/dev/null && [ "$(nproc)" -ge 4 ]; then
	pin="taskset -c 0,1"
fi

$KIBAN demo --quiet
# 60 hospitals, each with its API token
i=1
: >tokens.lua
echo "return {" >tokens.lua
while [ $i -le 60 ]; do
	org=$(printf 'H%05d' $i)
	echo "correct horse battery" | $KIBAN account add "h$i" --name "$org" --role hospital --org "$org" >/dev/null
	printf '{ "%s", "%s" },\n' "$org" "$($KIBAN account token "h$i" --label bench | head -1)" >>tokens.lua
	i=$((i + 1))
done
echo "}" >>tokens.lua
echo "correct horse battery" | $KIBAN account add desk --name desk --role researcher >/dev/null
reader=$($KIBAN account token desk --label bench | head -1)
devices=$(sqlite3 bench.db "SELECT group_concat('\"' || code || '\"', ',') FROM (SELECT code FROM device ORDER BY n LIMIT 30)")

$pin $KIBAN serve --port 0 --threads 2 --ready-file port >server.log 2>&1 &
pid=$!
while [ ! -s port ]; do sleep 0.1; done
url="http://127.0.0.1:$(cat port)"

cat >upload.lua <<EOF
-- each wrk thread uploads its own hospitals' reports, one (hospital, week)
-- pair per request, weeks from 1990 on (kiban's first year; some 1,900
-- weeks before today, for 114,000 uploads): every upload is new data
local tokens = dofile("$work/tokens.lua")
local devices = { $devices }
local n = 0
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  n = 0
end
function request()
  local i = (n % 30) + 1 + tid * 30
  local w = math.floor(n / 30)
  n = n + 1
  local org, token = tokens[i][1], tokens[i][2]
  local day = os.date("!%Y-%m-%d", 631152000 + w * 604800)
  local id = org .. "-b-" .. day
  local t = { "report_id,facility,device,week,stock,consumption,stockout_days\n" }
  for k, d in ipairs(devices) do
    t[#t + 1] = id .. "," .. org .. "," .. d .. "," .. day .. "," .. (k % 7 + 3) .. "," .. (k % 3 + 1) .. ",0\n"
  end
  return wrk.format("POST", "/api/v1/reports/stock",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "text/csv" }, table.concat(t))
end
function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("non-2xx or errors: %d\n", bad))
end
EOF
cat >read.lua <<EOF
wrk.headers["Authorization"] = "Bearer $reader"
function done(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("non-2xx or errors: %d\n", bad))
end
EOF

# figures from wrk's output: requests/s and the 99th percentile in ms
rate() { awk '/Requests\/sec/ { print $2 }' "$1"; }
p99() {
	awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+/, "", v);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

before=$(sqlite3 bench.db "SELECT count(*) FROM report")
$pin wrk -t2 -c64 -d"${DUR}s" --latency -s upload.lua "$url" >upload.out
after=$(sqlite3 bench.db "SELECT count(*) FROM report")
up=$(rate upload.out)
echo "uploads (durable, 30 lines each): $up/s acknowledged, p99 $(p99 upload.out) ms; $((after - before)) reports now on disk; ratio to 5,000/s: $(ratio "$up" 5000); p99 ratio to 20 ms: $(ratio "$(p99 upload.out)" 20)"
grep 'non-2xx' upload.out

$pin wrk -t2 -c64 -d"${DUR}s" --latency -s read.lua "$url/api/v1/dashboard" >read.out
rd=$(rate read.out)
echo "dashboard reads: $rd/s, p99 $(p99 read.out) ms; ratio to 20,000/s: $(ratio "$rd" 20000); p99 ratio to 20 ms: $(ratio "$(p99 read.out)" 20)"
grep 'non-2xx' read.out

rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }
echo "memory over $MIN minutes of mixed load (dashboard, plan, alerts, KPIs, status), resident KiB every 10 s:"
cat >mixed.lua <<EOF
wrk.headers["Authorization"] = "Bearer $reader"
local paths = { "/api/v1/dashboard", "/api/v1/plan", "/api/v1/alerts?limit=50", "/api/v1/kpis", "/api/v1/status", "/api/v1/devices" }
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[n % #paths + 1])
end
EOF
$pin wrk -t2 -c32 -d"$((MIN * 60))s" -s mixed.lua "$url" >mixed.out &
wpid=$!
first= last= samples=
t=0
while [ $t -lt $((MIN * 60)) ]; do
	sleep 10
	t=$((t + 10))
	r=$(rss)
	[ -n "$first" ] || first=$r
	last=$r
	samples="$samples $r"
done
wait $wpid
echo "  $samples"
echo "  mixed load: $(rate mixed.out)/s; resident memory first sample $first KiB, last $last KiB: ratio $(ratio "$last" "$first")"
