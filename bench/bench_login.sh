#!/bin/sh
# bench_login.sh [KIBAN] - /api/v1/health's latency while a flood of wrong
# passwords hits the sign-in, both from wrk on loopback (server and load
# on two processor cores with taskset when there are 4 or more):
#   1. /api/v1/health alone (4 connections) - the reference
#   2. the same while 32 connections post wrong passwords for demo-tokyo
#      to /api/v1/session, with the server's default throttle
#   3. the same with the throttle raised out of the way (--login-limit
#      1000000), as a flood from many addresses and accounts would be:
#      every attempt has its password checked, or gets 503 when the
#      hashers (--login-hashers) are full
# Prints, for each, how many /health requests were answered within wrk's
# 2 s timeout, their 50th and 99th percentile, and what the flood got back
# (status counts).  The flood's connections each send their next attempt
# as soon as the last is answered, so a server that refuses fast gets
# thousands a second.  A server without --login-limit (before the
# throttle) runs 2 and 3 alike.
set -eu
KIBAN=$(realpath "${1:-./build/kiban}")
DUR=${BENCH_SECONDS:-10}
command -v wrk >/dev/null || { echo "bench_login: wrk is not installed (scripts/deps.sh bench)" >&2; exit 1; }
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

cat >flood.lua <<'EOF'
-- wrong passwords for one account, counting the replies by status
wrk.method = "POST"
wrk.body = "login=demo-tokyo&password=not-the-password"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local threads = {}
function setup(thread) table.insert(threads, thread) end
counts = {}
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do all[k] = (all[k] or 0) + v end
  end
  local s = {}
  for k, v in pairs(all) do s[#s + 1] = k .. ": " .. v end
  table.sort(s)
  io.write("flood replies: " .. table.concat(s, ", ") .. "\n")
end
EOF

# figures from wrk's output: requests/s and a percentile in ms
rate() { awk '/Requests\/sec/ { print $2 }' "$1"; }
pct() {
	awk -v p="$2%" '$1 == p { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+/, "", v);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' "$1"
}

serve() {
	rm -f port
	$pin $KIBAN serve --port 0 --threads 2 --ready-file port "$@" >server.log 2>&1 &
	pid=$!
	i=0
	while [ ! -s port ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat server.log; exit 1; }
		sleep 0.1
	done
	url="http://127.0.0.1:$(cat port)"
}
unserve() {
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
}
health() { # NAME
	$pin wrk -t1 -c4 -d"${DUR}s" --latency "$url/api/v1/health" >"$1.out"
	n=$(awk '/requests in/ { print $1 }' "$1.out")
	late=$(awk '/Socket errors/ { print $NF }' "$1.out")
	n=$((n - ${late:-0}))
	if [ "$n" -gt 0 ]; then
		echo "$1: /health $n answered within 2 s in ${DUR} s ($(rate "$1.out")/s), p50 $(pct "$1.out" 50) ms, p99 $(pct "$1.out" 99) ms"
	else
		echo "$1: /health none answered within 2 s in ${DUR} s"
	fi
	[ -z "$late" ] || echo "  /health: $late given up by wrk after 2 s"
}
flooded() { # NAME
	$pin wrk -t2 -c32 -d"$((DUR + 2))s" -s flood.lua "$url/api/v1/session" >"$1.flood" &
	w=$!
	sleep 1
	health "$1"
	wait $w
	echo "  flood: $(rate "$1.flood") sign-ins/s; $(grep 'flood replies' "$1.flood")"
}

serve
health "alone"
flooded "login flood, default throttle"
unserve
if $KIBAN serve --help | grep -q -- --login-limit; then
	serve --login-limit 1000000
else
	serve
fi
flooded "login flood, throttle out of the way"
unserve
