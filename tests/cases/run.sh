#!/bin/sh
# run.sh - the data-driven CLI cases.
#
# Each directory under tests/cases/cli/ is one case: `cmd` is a shell
# script run in a fresh copy of the directory with $KIBAN set to the kiban
# binary; `expected` is what it must print (standard output and error
# together); `status`, if present, the exit status it must end with
# (0 otherwise).  A new case needs no C: add a directory.
#
# The environment is fixed: English messages unless the case asks for
# Japanese, the clock at 2026-11-24 (SOURCE_DATE_EPOCH), user "tester".
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${KIBAN:?set KIBAN to the kiban binary (ctest does)}"
: "${KIBAN_SRC:?set KIBAN_SRC to the source tree (ctest does)}"
export KIBAN KIBAN_SRC
export KIBAN_LANG=en SOURCE_DATE_EPOCH=1795478400 KIBAN_USER=tester KIBAN_DB=kiban.db
only=${1:-}
n=0
failed=0
for d in "$here"/cli/*/; do
	name=$(basename "$d")
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	n=$((n + 1))
	tmp=$(mktemp -d)
	cp -R "$d". "$tmp"
	(cd "$tmp" && sh ./cmd >actual 2>&1; echo $? >actual_status)
	want=$(cat "$d/status" 2>/dev/null || echo 0)
	got=$(cat "$tmp/actual_status")
	if ! diff -u "$d/expected" "$tmp/actual" >"$tmp/diff"; then
		echo "FAIL $name: the output differs (- expected, + actual):"
		cat "$tmp/diff"
		failed=$((failed + 1))
	elif [ "$got" != "$want" ]; then
		echo "FAIL $name: exit status $got, expected $want"
		failed=$((failed + 1))
	else
		echo "ok   $name"
	fi
	rm -rf "$tmp"
done
echo "$n cases, $failed failed"
[ "$n" -gt 0 ] && [ "$failed" -eq 0 ]
