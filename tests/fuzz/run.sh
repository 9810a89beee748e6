#!/bin/sh
# run.sh [BUILD] [HARNESS...] - replay the fuzzing regressions, then fuzz.
#
# BUILD is a build directory configured with KIBAN_FUZZ=ON (default
# build-fuzz); HARNESS names such as csv or supply_reports (default: every
# directory of corpus/).  For each harness, in turn:
#   1. every input of regress/HARNESS/ (a crash found once) and of
#      corpus/HARNESS/ is run once: any failure stops here;
#   2. the harness fuzzes for FUZZ_SECONDS (default 60) over a copy of its
#      corpus in a scratch directory (FUZZ_OUT, default a new temporary
#      one): new inputs go there, never into the repository.
# The first finding (crash, leak, timeout, out of memory) stops the run:
# it prints the harness, the reproducer and the command that replays it,
# and exits 1.  FUZZ_SECONDS=0 only replays.  FUZZ_TIMEOUT (default 10)
# is the most seconds one input may take.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-fuzz}
[ $# -gt 0 ] && shift
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
bin=$build/tests/fuzz
if [ ! -x "$bin/fuzz_csv" ]; then
	echo "run.sh: no harnesses in $bin: configure with CC=clang cmake -S . -B $build -DKIBAN_FUZZ=ON and build first" >&2
	exit 2
fi
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/kiban-fuzz-run-XXXXXX")}
mkdir -p "$out"
if [ $# -eq 0 ]; then
	set -- $(cd "$here/corpus" && ls)
fi

# the dictionary of a harness, if it has one
dict_of() {
	case $1 in
	json) echo "$here/dict/json.dict" ;;
	anon_config) echo "$here/dict/anon_config.dict" ;;
	scenario) echo "$here/dict/scenario.dict" ;;
	server_form) echo "$here/dict/server_form.dict" ;;
	*) echo "$here/dict/csv.dict" ;;
	esac
}

# A finding: what, where, how to replay it.
finding() { # harness log [reproducer]
	tail -n 60 "$2"
	echo
	echo "FUZZ FINDING in harness $1 (log: $2)"
	if [ -n "${3:-}" ]; then
		echo "reproducer: $3"
		echo "replay:     $bin/fuzz_$1 $3"
		case $3 in
		"$here"/regress/*) ;;
		*) echo "keep it:    cp $3 $here/regress/$1/ (and a tests/cases/cli case where the command reads such input)" ;;
		esac
	fi
	exit 1
}

for h in "$@"; do
	fz=$bin/fuzz_$h
	[ -x "$fz" ] || { echo "run.sh: no harness $fz" >&2; exit 2; }
	log=$out/$h.log
	# 1. the regressions and the seeds, once each
	set --
	for f in "$here/regress/$h"/* "$here/corpus/$h"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	if ! "$fz" -timeout="$timeout" "$@" >"$log" 2>&1; then
		finding "$h" "$log" "$(sed -n 's/^Running: //p' "$log" | tail -n 1)"
	fi
	[ "$seconds" -gt 0 ] || { echo "ok   $h: $# inputs replayed"; continue; }
	# 2. fuzzing over a copy of the corpus
	rm -rf "$out/corpus/$h" "$out/findings/$h"
	mkdir -p "$out/corpus/$h" "$out/findings/$h"
	cp "$here/corpus/$h"/* "$out/corpus/$h/"
	if ! "$fz" -max_total_time="$seconds" -timeout="$timeout" \
		-dict="$(dict_of "$h")" -print_final_stats=1 \
		-artifact_prefix="$out/findings/$h/" \
		"$out/corpus/$h" >"$log" 2>&1; then
		finding "$h" "$log" "$(ls "$out/findings/$h"/* 2>/dev/null | head -n 1)"
	fi
	echo "ok   $h: $(sed -n 's/^stat::number_of_executed_units: *//p' "$log") inputs in ${seconds}s, corpus $(ls "$out/corpus/$h" | wc -l) files, no finding"
done
echo "fuzzing: no finding (scratch: $out)"
