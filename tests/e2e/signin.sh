#!/bin/sh
# Sign-in throttling, over real HTTP on loopback (127.0.0.1 and, as a second
# client address, 127.0.0.2): failed sign-ins lock the account out with 429
# and Retry-After, the right password included, through the API and the
# page alike; another account from the same address is unaffected, the
# locked account from another address is not; the lock-out is in the audit
# log and expires; an address spraying many accounts is locked out on its
# own; and while a flood of sign-ins waits for the password hashers,
# /api/v1/health is answered at once and the flood's excess gets 503.
. "$(dirname "$0")/lib.sh"

$KIBAN demo --quiet
$KIBAN account token demo-admin --label e2e | head -1 >tok_admin
pw=kiban-demo-2026
# signin LOGIN PASSWORD [CURL-OPTION]... - the API's sign-in; prints the
# status, the headers to $work/headers and the body to $work/body
signin() {
	l=$1
	p=$2
	shift 2
	curl -s -D "$work/headers" -o "$work/body" -w '%{http_code}' "$@" -d "login=$l" -d "password=$p" "$url/api/v1/session"
}
retry_after() { tr -d '\r' <"$work/headers" | sed -n 's/^Retry-After: //Ip'; }

# the account: 3 failures within 5 s lock it out for 5 s
start_server --login-limit 3 --login-window 5
for i in 1 2 3; do
	expect_eq "wrong password $i" "$(signin demo-tokyo wrong-password-$i)" 401
done
expect_eq "the right password, locked out" "$(signin demo-tokyo $pw)" 429
ra=$(retry_after)
case $ra in [1-5]) ;; *) fail "Retry-After: got '$ra', want 1-5 seconds" ;; esac
expect_in "says why" "too many failed sign-ins" body
cp body right.json
expect_eq "a wrong password, locked out" "$(signin demo-tokyo wrong-password-4)" 429
expect_eq "the same answer: nothing says whether the password was right" "$(cat body)" "$(cat right.json)"
expect_eq "no session cookie" "$(grep -ci '^Set-Cookie: kb_session=[^;]' headers || true)" 0
expect_eq "from another address too" "$(signin demo-tokyo $pw --interface 127.0.0.2)" 429
expect_eq "the page's form too" "$(curl -s -D headers -o body -w '%{http_code}' -d login=demo-tokyo -d password=$pw "$url/login?lang=en")" 429
expect_in "the form again, saying why" 'too many failed sign-ins' body
expect_in "with Retry-After" 'Retry-After' headers
expect_eq "another account from the same address" "$(signin demo-committee $pw)" 200
expect_eq "the lock-out in the audit log" "$(as admin "$url/api/v1/audit?action=lockout")" 200
expect_eq "one lock-out" "$(jq .total body)" 1
expect_eq "what was locked out, for how long" "$(jq -r '.items[0].detail' body)" "account 'demo-tokyo' locked out for 5 s after 3 failed sign-ins"
expect_eq "from where" "$(jq -r '.items[0].ip' body)" 127.0.0.1
sleep "$ra"
expect_eq "signed in once the lock-out is over" "$(signin demo-tokyo $pw)" 200
stop_server

# the address: 8 failures (4 times the limit) over as many accounts lock
# it out, for every account; another address is unaffected
start_server --login-limit 2 --login-window 60
for i in 1 2 3 4 5 6 7 8; do
	expect_eq "spraying account $i" "$(signin "nobody-$i" wrong-password --interface 127.0.0.2)" 401
done
expect_eq "the address is locked out" "$(signin demo-committee $pw --interface 127.0.0.2)" 429
expect_eq "the same account from another address" "$(signin demo-committee $pw)" 200
as admin "$url/api/v1/audit?action=lockout" >/dev/null
expect_eq "the address's lock-out audited" "$(jq -r '.items[0].detail' body)" "address '127.0.0.2' locked out for 60 s after 8 failed sign-ins"
stop_server

# a flood: one hasher, so most of 40 sign-ins at once are refused with 503
# at once, and /api/v1/health does not wait for the hashing
start_server --threads 2 --login-hashers 1 --login-limit 1000
i=0
: >flood.cfg
while [ $i -lt 40 ]; do
	[ $i -eq 0 ] || echo next >>flood.cfg
	printf 'url = "%s/api/v1/session"\ndata = "login=demo-hospital&password=wrong-%d"\nwrite-out = "%%{http_code} %%header{retry-after}\\n"\noutput = "/dev/null"\n' "$url" $i >>flood.cfg
	i=$((i + 1))
done
curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 40 -K flood.cfg >flood.out &
flood=$!
sleep 0.3
t=$(curl -s -o /dev/null -w '%{time_total}' "$url/api/v1/health")
wait $flood
awk -v t="$t" 'BEGIN { exit !(t < 1) }' || fail "/api/v1/health took $t s during the flood, want under 1 s"
expect_eq "every sign-in answered" "$(wc -l <flood.out)" 40
expect_eq "wrong passwords or busy, nothing else" "$(awk '$1 != 401 && $1 != 503' flood.out | wc -l)" 0
[ "$(grep -c '^503 1$' flood.out)" -ge 1 ] || fail "no 503 with Retry-After: 1 in the flood: $(sort flood.out | uniq -c)"
[ "$(grep -c '^401' flood.out)" -ge 1 ] || fail "no password checked in the flood: $(sort flood.out | uniq -c)"
expect_eq "still serving sign-ins" "$(signin demo-hospital $pw)" 200
echo "signin: ok"
