#!/bin/sh
# Output files (-o): a regular file is replaced atomically and keeps its
# mode; a symlink is followed, not replaced; a FIFO (like /dev/null or
# /dev/stdout, anything that is not a regular file) is written in place and
# stays what it was; '-' is standard output.  Only files of the test's own
# temporary folder are used, never the system's /dev.
. "$(dirname "$0")/lib.sh"

$KIBAN init --quiet
$KIBAN plan import --quiet "$KIBAN_SRC/data/plan2.csv"

# '-' is standard output
$KIBAN report annual --year 2025 -o - >stdout.html
expect_in "report on standard output" "</html>" stdout.html

# a regular file keeps its mode, and no temporary is left beside it
echo old >report.html
chmod 640 report.html
$KIBAN report annual --year 2025 -o report.html
expect_in "report replaced" "</html>" report.html
expect_eq "mode kept" "$(stat -c %a report.html)" 640
cmp -s stdout.html report.html || fail "the file differs from standard output's"

# a symlink is followed: the link stays a link, its target gets the report
mkdir real
ln -s real/target.html link.html
$KIBAN report annual --year 2025 -o link.html
[ -L link.html ] || fail "the symlink was replaced by a file"
cmp -s stdout.html real/target.html || fail "the symlink's target did not get the report"

# a FIFO is written in place: a reader gets every byte, the FIFO stays
mkfifo pipe
cat pipe >from-pipe.html &
reader=$!
$KIBAN report annual --year 2025 -o pipe
wait $reader
[ -p pipe ] || fail "the FIFO was replaced by a regular file"
cmp -s stdout.html from-pipe.html || fail "the FIFO's reader did not get the whole report"

# a second writer through a FIFO: the English report
mkfifo pipe2
cat pipe2 >en.html &
reader=$!
$KIBAN report annual --year 2025 --lang en -o pipe2
wait $reader
[ -p pipe2 ] || fail "the second FIFO was replaced"
expect_in "English report through a FIFO" "</html>" en.html

# a folder is refused with a message, and nothing is left in it
mkdir adir
expect_status 1 $KIBAN report annual --year 2025 -o adir
expect_in "a folder is refused" "adir" "$work/out"
[ -z "$(ls -A adir)" ] || fail "something was left in the folder: $(ls -A adir)"

ls -A | grep -q '\.tmp\.' && fail "a temporary file was left: $(ls -A | grep '\.tmp\.')"
echo "ok: outputs to files, symlinks, FIFOs and standard output"
