#!/bin/sh
# Every C source follows .clang-format (Debian 12's clang-format 14):
# reformat with  clang-format -i --style=file FILE.
set -eu
: "${KIBAN_SRC:?set KIBAN_SRC to the source tree (ctest does)}"
if ! command -v clang-format >/dev/null 2>&1; then
	echo "SKIP: clang-format is not installed (scripts/deps.sh test installs it)"
	exit 77
fi
cd "$KIBAN_SRC"
bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find lib include cli tests bench -name '*.[ch]'); do
	if ! clang-format --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f"
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "ok: every C source follows .clang-format"
exit "$bad"
