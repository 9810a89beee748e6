#!/bin/sh
# deps.sh [run|test|bench] - install the Debian 12 packages kiban needs.
#
# Checks each package with dpkg-query and installs only what is missing,
# with apt-get, when run as root.  Not root and something missing: names the
# packages and the command that installs them, and fails.
set -eu

# zlib1g-dev: coinutils.pc names -lz, and Debian's coinor-libcoinutils-dev
# does not depend on it; man-db so that `man -l docs/kiban.1` works
run_pkgs="gcc make cmake pkg-config libc6-dev zlib1g-dev man-db libsqlite3-dev libjansson-dev libsodium-dev libmicrohttpd-dev libcurl4-openssl-dev coinor-libclp-dev libutf8proc-dev libmecab-dev mecab-ipadic-utf8"
# tests: cmocka, valgrind, a real browser with Japanese fonts and PDF tools
# to check the printed report, jq to read JSON output, groff for the man page,
# the sqlite3 shell to look into the database, clang-format for the house style,
# curl to talk to the server, Node.js and npm for playwright-core (the
# browser tests drive Debian's chromium with it), clang with its runtime
# libraries (libFuzzer, the sanitizers) for make fuzz, GLPK's glpsol and
# CLP's command clp to solve the MPS files kiban writes
test_pkgs="$run_pkgs libcmocka-dev valgrind chromium fonts-ipafont-gothic poppler-utils jq groff-base sqlite3 clang-format git curl nodejs npm glpk-utils coinor-clp clang libclang-rt-14-dev"
# the server's load benchmark: wrk on loopback, sqlite3 to count reports;
# GLPK's glpsol and CLP's clp, the peers of the linear programs
bench_pkgs="$run_pkgs wrk sqlite3 glpk-utils coinor-clp"

case "${1:-run}" in
run) want=$run_pkgs ;;
test) want=$test_pkgs ;;
bench) want=$bench_pkgs ;;
*) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	# NodeSource's nodejs package carries npm and conflicts with Debian's:
	# a node and npm already on the PATH are enough, whoever packaged them
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "kiban needs these Debian packages, which are missing:$missing" >&2
	echo "(this system has no apt-get: install them with its package manager)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "kiban needs these Debian packages, which are missing:$missing" >&2
	echo "install them as root:  sudo apt-get install$missing" >&2
	exit 1
fi
echo "installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
