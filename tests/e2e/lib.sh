# lib.sh - sourced by the end-to-end scripts: a fresh directory, the fixed
# clock and user, and small assertions that say what failed.
set -eu
: "${KIBAN:?set KIBAN to the kiban binary (ctest does)}"
: "${KIBAN_SRC:?set KIBAN_SRC to the source tree (ctest does)}"
export SOURCE_DATE_EPOCH=1795478400 KIBAN_USER=tester KIBAN_LANG=en
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
