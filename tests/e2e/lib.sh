# lib.sh - sourced by the end-to-end scripts: a fresh directory, the fixed
# clock and user, and small assertions that say what failed.
set -eu
: "${KIBAN:?set KIBAN to the kiban binary (ctest does)}"
: "${KIBAN_SRC:?set KIBAN_SRC to the source tree (ctest does)}"
export SOURCE_DATE_EPOCH=1795478400 KIBAN_USER=tester KIBAN_LANG=en
work=$(mktemp -d)
server_pid=
trap 'stop_server; rm -rf "$work"' EXIT
cd "$work"
export KIBAN_DB="$work/kiban.db"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_in WHAT NEEDLE FILE
expect_in() {
	grep -qF -- "$2" "$3" || fail "$1: '$2' not found in $3"
}

# expect_status WANT COMMAND...
expect_status() {
	want=$1
	shift
	set +e
	"$@" >"$work/out" 2>&1
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat "$work/out" >&2; fail "'$*' exited $got, want $want"; }
}

# start_server [OPTION]... - kiban serve on a free loopback port; sets $url.
start_server() {
	rm -f "$work/port"
	$KIBAN serve --port 0 --ready-file "$work/port" "$@" >"$work/server.log" 2>&1 &
	server_pid=$!
	i=0
	while [ ! -s "$work/port" ]; do
		kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the server did not start"; }
		i=$((i + 1))
		[ $i -lt 300 ] || fail "the server did not listen within 30 s"
		sleep 0.1
	done
	url="http://127.0.0.1:$(cat "$work/port")"
}

# stop_server [SIGNAL] - stops it (TERM: gracefully) and waits.
stop_server() {
	[ -n "$server_pid" ] || return 0
	kill "-${1:-TERM}" "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

# http [CURL-OPTION]... URL - prints the status code; the body goes to
# $work/body.
http() {
	curl -s -o "$work/body" -w '%{http_code}' "$@"
}

# as NAME ARGS... - http with the API token saved in $work/tok_NAME
as() {
	r=$1
	shift
	http -H "Authorization: Bearer $(cat "$work/tok_$r")" "$@"
}

# wait_for WHAT COMMAND... - until the command succeeds, at most 15 s
wait_for() {
	what=$1
	shift
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 150 ] || fail "$what: not within 15 s"
		sleep 0.1
	done
}
