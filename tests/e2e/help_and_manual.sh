#!/bin/sh
# Every command answers --help in Japanese (the default) and in English,
# and the manual page documents every command and formats without warnings.
. "$(dirname "$0")/lib.sh"

man="$KIBAN_SRC/docs/kiban.1"
groff -k -man -Tutf8 -ww -z "$man" 2>warnings || true
[ ! -s warnings ] || { cat warnings >&2; fail "the manual page has formatting problems"; }
groff -k -man -Tutf8 -P-c -P-b -P-u -P-o "$man" 2>/dev/null >manual.txt
expect_in "manual" "NAME" manual.txt

$KIBAN --version | grep -q '^kiban [0-9]' || fail "--version"
for lang in ja en; do
	KIBAN_LANG=$lang $KIBAN --help >top.txt
	[ "$lang" = ja ] && expect_in "top help in Japanese" "使い方: kiban" top.txt
	[ "$lang" = en ] && expect_in "top help in English" "Usage: kiban" top.txt
done
checked=0
for group in init demo plan kpi values eval report supply scenario anon match account; do
	KIBAN_LANG=ja $KIBAN $group --help >group.txt || fail "kiban $group --help failed"
	grep -q "使い方" group.txt || fail "kiban $group --help is not in Japanese"
	expect_in "the manual documents '$group'" "kiban $group" manual.txt
	subs=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' group.txt)
	for sub in $subs; do
		for lang in ja en; do
			KIBAN_LANG=$lang $KIBAN $group $sub --help >sub.txt || fail "kiban $group $sub --help ($lang)"
			word=$([ $lang = ja ] && echo "使い方: kiban $group $sub" || echo "Usage: kiban $group $sub")
			expect_in "help of $group $sub ($lang)" "$word" sub.txt
		done
		expect_in "the manual documents '$group $sub'" "kiban $group $sub" manual.txt
		checked=$((checked + 1))
		# every long option in the help is in the manual
		for opt in $(grep -o -- '--[a-z][a-z-]*' sub.txt | sort -u); do
			grep -qF -- "$opt" manual.txt || fail "option $opt of '$group $sub' is not in the manual"
		done
	done
done
expect_eq "subcommands checked" "$checked" 59
# the commands without subcommands
for cmd in stockpile allocate; do
	for lang in ja en; do
		KIBAN_LANG=$lang $KIBAN $cmd --help >sub.txt || fail "kiban $cmd --help ($lang)"
		word=$([ $lang = ja ] && echo "使い方: kiban $cmd" || echo "Usage: kiban $cmd")
		expect_in "help of $cmd ($lang)" "$word" sub.txt
	done
	expect_in "the manual documents '$cmd'" "kiban $cmd" manual.txt
	for opt in $(grep -o -- '--[a-z][a-z-]*' sub.txt | sort -u); do
		grep -qF -- "$opt" manual.txt || fail "option $opt of '$cmd' is not in the manual"
	done
done
echo "ok: help and manual"
