#!/bin/sh
# The accounts people and scripts use to reach the server: what each role
# needs, passwords kept only as Argon2id, API tokens shown once and kept
# only as hashes, revoking and disabling.
. "$(dirname "$0")/lib.sh"

cat >orgs.csv <<'CSV'
id,kind,name_ja,name_en,prefecture,beds,icu_beds,country
H1,hospital,東京病院,Tokyo Hospital,13,300,10,JP
M1,mah,製販,MAH One,13,,,JP
CSV
$KIBAN init >/dev/null
$KIBAN supply import orgs orgs.csv >/dev/null

pw="correct horse battery"
add() { echo "$pw" | $KIBAN account add "$@"; }
add admin --name "管理者" --role admin >out
expect_in "created" "account 'admin' created (ministry administrator)" out
add tokyo --name "東京都" --role prefecture --pref 東京都 >/dev/null
add h1 --name "東京病院" --role hospital --org H1 >/dev/null
add m1 --name "製販" --role industry --org M1 >/dev/null
[ "$(sqlite3 kiban.db "SELECT prefecture FROM account WHERE login = 'tokyo'")" = 13 ] || fail "the prefecture is kept as its code"

# each role with what it needs, and nothing else
expect_status 3 sh -c "echo '$pw' | $KIBAN account add x --name X --role staff"
expect_in "staff needs a ministry" "needs a ministry" "$work/out"
expect_status 4 sh -c "echo '$pw' | $KIBAN account add x --name X --role hospital --org M1"
expect_status 3 sh -c "echo '$pw' | $KIBAN account add x --name X --role admin --org H1"
expect_status 2 sh -c "echo '$pw' | $KIBAN account add x --name X --role chief"
expect_status 3 sh -c "echo short | $KIBAN account add x --name X --role admin"
expect_status 5 sh -c "echo '$pw' | $KIBAN account add h1 --name X --role admin"
expect_status 2 sh -c "$KIBAN account add x --name X --role admin </dev/null"
expect_eq "accounts" "$(sqlite3 kiban.db 'SELECT count(*) FROM account')" 4

# the password is not stored as given
[ "$(sqlite3 kiban.db "SELECT count(*) FROM account WHERE password LIKE '\$argon2id\$%'")" = 4 ] || fail "Argon2id"
! grep -qF "$pw" kiban.db || fail "the password is in the database file"

# an API token is printed once and kept only as a hash
$KIBAN account token h1 --label uploader >tok
token=$(sed -n 1p tok)
expect_in "token number" "token 1" tok
case $token in kb_???????????????????????????????????????????) ;; *) fail "token '$token'" ;; esac
! grep -qF "$token" kiban.db || fail "the token is in the database file"
expect_status 0 $KIBAN account revoke 1
expect_status 4 $KIBAN account revoke 1
expect_status 2 $KIBAN account revoke one
expect_status 4 $KIBAN account token nobody

expect_status 0 $KIBAN account disable m1
[ "$(sqlite3 kiban.db "SELECT disabled FROM account WHERE login = 'm1'")" = 1 ] || fail "disabled"
expect_status 0 $KIBAN account enable m1
expect_status 4 $KIBAN account disable nobody
echo "another long password" | $KIBAN account passwd h1
expect_status 4 sh -c "echo '$pw' | $KIBAN account passwd nobody"
echo "ok: accounts"
