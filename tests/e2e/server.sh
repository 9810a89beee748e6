#!/bin/sh
# The server, over real HTTP on loopback: every API route, who may do what
# (each role against each resource: allowed or 403), sessions with cookies
# and CSRF, API tokens, uploads acknowledged only once saved, the audit
# log, and hostile input that must get the right 4xx and change nothing.
. "$(dirname "$0")/lib.sh"

# docs/openapi.json describes exactly the routes the server answers
$KIBAN serve --list-routes | grep ' /api/' | sed 's/{}/{x}/g' | sort >routes
jq -r '.paths | to_entries[] | .key as $p | .value | keys[] | "\(ascii_upcase) \($p)"' \
	"$KIBAN_SRC/docs/openapi.json" | sed -E 's/\{[a-z]+\}/{x}/g' | sort >documented
diff routes documented >/dev/null || { diff routes documented >&2; fail "docs/openapi.json and the routes differ"; }

$KIBAN demo --quiet
pw="correct horse battery"
add() { echo "$pw" | $KIBAN account add "$@" >/dev/null; }
add admin --name 管理者 --role admin
add staff --name 総務省担当 --role staff --ministry 総
add committee --name 委員 --role committee
add tokyo --name 東京都 --role prefecture --pref 13
add hosp --name 都立病院 --role hospital --org H00109 # in Tokyo
add maker --name 製販 --role industry --org M001
add res --name 研究者 --role researcher --account-lang en
roles="admin staff committee tokyo hosp maker res"
for r in $roles; do
	$KIBAN account token "$r" --label e2e | head -1 >"tok_$r"
done

export KIBAN_LANG=ja # the server's default, as a user gets it
start_server --max-body 64K --access-log "$work/access.log"
export KIBAN_LANG=en
expect_eq "health" "$(http "$url/api/v1/health")" 200
expect_in "the API describes itself" '"openapi"' "$(http "$url/api/v1/openapi.json" >/dev/null; echo "$work/body")"


# The authorisation matrix.  Each line: method, path, then the status for
# admin staff committee tokyo hosp maker res.
report() { # ID FACILITY DEVICE
	printf 'report_id,facility,device,week,stock,consumption,stockout_days\n%s,%s,%s,2026-11-23,5,2,0\n' "$1" "$2" "$3"
}
check() {
	method=$1 path=$2
	shift 2
	for r in $roles; do
		want=$1
		shift
		case $method in
		GET) got=$(as "$r" "$url$path") ;;
		POSTKPI) got=$(as "$r" -H 'Content-Type: application/json' -d '{"fiscal_year":2025,"value":1234}' "$url$path") ;;
		POSTREP) dev=30002026
			[ "$r" = admin ] && dev=30001013
			report "m-$r" H00109 $dev >rep.csv
			got=$(as "$r" -H 'Content-Type: text/csv' --data-binary @rep.csv "$url$path") ;;
		POSTINC) got=$(as "$r" -d "title=test by $r" -d cause=logistics -d device=30001013 "$url$path") ;;
		esac
		[ "$got" = "$want" ] || { cat "$work/body" >&2; fail "$r $method $path: got $got, want $want"; }
	done
}
#     method path                                    admin staff comm tokyo hosp maker res
check GET /api/v1/plan                               200 200 200 200 200 200 200
check GET /api/v1/kpis                               200 200 200 200 200 200 200
check GET /api/v1/kpis/K01                           200 200 200 200 200 200 200
check GET /api/v1/kpis/K01/values                    200 200 200 200 200 200 200
check GET /api/v1/evaluations                        200 200 200 403 403 403 403
check GET /api/v1/evaluations/2025                   200 200 200 403 403 403 403
check GET /api/v1/dashboard                          200 200 200 200 200 200 200
check GET /api/v1/devices                            200 200 200 200 200 200 200
check GET /api/v1/devices/30001013                   200 200 200 200 200 200 200
check GET /api/v1/chains/30001013                    200 200 403 403 403 403 403
check GET /api/v1/status                             200 200 200 200 200 200 200
check GET "/api/v1/status?facility=H00109"           200 200 403 200 200 403 403
check GET "/api/v1/status?facility=H00001"           200 200 403 403 403 403 403
check GET /api/v1/alerts                             200 200 200 200 200 200 200
check GET /api/v1/reports                            200 200 403 200 200 200 403
check GET "/api/v1/reports?org=H00001"               200 200 403 403 403 403 403
check GET /api/v1/incidents                          200 200 200 200 403 403 403
check GET /api/v1/incidents/1                        200 200 200 200 403 403 403
check GET /api/v1/audit                              200 403 403 403 403 403 403
# staff of 総 take part in goal G07 (K16), not in G01 (K01)
check POSTKPI /api/v1/kpis/K01/values                201 403 403 403 403 403 403
check POSTKPI /api/v1/kpis/K16/values                201 201 403 403 403 403 403
# a hospital reports for itself; the supply desk for anyone; a company's
# account cannot report for a hospital
check POSTREP /api/v1/reports/stock                  201 403 403 403 201 403 403
check POSTINC /api/v1/incidents                      201 201 403 403 403 403 403
check POSTINC /api/v1/incidents/1/events             422 422 403 403 403 403 403

# a hospital sees its own reports only; a prefecture its own hospitals'
as hosp "$url/api/v1/reports?limit=1000" >/dev/null
expect_eq "a hospital's reports are its own" "$(jq -r '[.items[].org] | unique | join(",")' body)" H00109
as tokyo "$url/api/v1/reports?limit=1000" >/dev/null
[ "$(jq -r '[.items[].org] | unique | length' body)" -gt 1 ] || fail "Tokyo sees its hospitals"
jq -e '[.items[].org] | index("H00001") | not' body >/dev/null || fail "Tokyo must not see Hokkaido's"
# the figure entered is there, with who entered it
expect_eq "staff enters" "$(as staff -d fiscal_year=2025 -d value=4321 -d source=survey "$url/api/v1/kpis/K16/values")" 201
as res "$url/api/v1/kpis/K16/values" >/dev/null
expect_eq "K16 FY2025" "$(jq -r '.[] | select(.fiscal_year == 2025) | "\(.value) \(.entered_by)"' body)" "4321 staff"

# manufacturers' figures: withheld below 3 companies from those without
# the right to see them
as admin "$url/api/v1/status?week=2026-11-16" >/dev/null
jq -e 'map(select(.suppliers != null)) | length > 0' body >/dev/null || fail "the supply desk sees suppliers"
few=$(jq -r '[.[] | select(.suppliers != null and .suppliers < 3)][0].device // empty' body)
as res "$url/api/v1/status?week=2026-11-16" >/dev/null
jq -e 'all(.[]; has("suppliers") | not)' body >/dev/null || fail "the count of companies is not public"
if [ -n "$few" ]; then
	expect_eq "withheld below 3" "$(jq -r ".[] | select(.device == \"$few\") | \"\(.supply) \(.suppressed)\"" body)" "null true"
fi

# errors: JSON with a code and a message, details with line and column
report bad H00109 3000xx >bad.csv
expect_eq "bad report" "$(as hosp -H 'Content-Type: text/csv' --data-binary @bad.csv "$url/api/v1/reports/stock")" 422
expect_eq "its detail" "$(jq -r '.error.details[0] | "\(.line):\(.column) \(.field)"' body)" "2:12 device"
report other H00001 30001013 >other.csv
expect_eq "another hospital's report" "$(as hosp -H 'Content-Type: text/csv' --data-binary @other.csv "$url/api/v1/reports/stock")" 403
expect_eq "says why" "$(jq -r .error.code body)" forbidden
expect_eq "the same report twice changes nothing" \
	"$(report m-hosp H00109 30002026 | as hosp -H 'Content-Type: text/csv' --data-binary @- "$url/api/v1/reports/stock")" 200
expect_eq "unchanged" "$(jq -r .unchanged body)" 1
expect_eq "a JSON report" "$(printf '[{"report_id":"j1","facility":"H00109","device":"30003039","week":"2026-11-23","stock":1,"consumption":1,"stockout_days":0}]' |
	as hosp -H 'Content-Type: application/json' --data-binary @- "$url/api/v1/reports/stock")" 201
expect_eq "pagination" "$(as admin "$url/api/v1/devices?limit=2&offset=1")" 200
expect_eq "a page" "$(jq -r '"\(.items | length) \(.offset) \(.total > 2)"' body)" "2 1 true"
expect_eq "bad limit" "$(as admin "$url/api/v1/devices?limit=0")" 400
expect_eq "filter" "$(as admin "$url/api/v1/alerts?severity=critical")" 200
jq -e '.items | all(.severity == "critical")' body >/dev/null || fail "severity filter"
expect_eq "bad severity" "$(as admin "$url/api/v1/alerts?severity=loud")" 400
expect_eq "unknown KPI" "$(as admin "$url/api/v1/kpis/K99")" 404
expect_eq "unknown device" "$(as admin "$url/api/v1/devices/99999999")" 404
expect_eq "unknown route" "$(as admin "$url/api/v1/nothing")" 404
expect_eq "wrong method" "$(as admin -X DELETE "$url/api/v1/plan")" 405
expect_eq "unknown method" "$(as admin -X PUT "$url/api/v1/plan")" 405
expect_eq "English" "$(as admin "$url/api/v1/kpis/K99?lang=en")" 404
expect_in "English message" "no KPI with id 'K99'" body

# CSV exports open in Excel (BOM) and keep formulas inert
expect_eq "csv" "$(as admin "$url/api/v1/alerts?format=csv")" 200
[ "$(head -c 3 body | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "CSV starts with a BOM"
expect_eq "formula" "$(as admin -d cause=logistics -d device=30001013 -d 'title==HYPERLINK("http://evil.example","x")' "$url/api/v1/incidents")" 201
as admin "$url/api/v1/audit?format=csv&action=write" >/dev/null
grep -q "\"'=HYPERLINK" body || { cat body >&2; fail "a formula in a CSV cell is quoted as text"; }

# sessions: cookie, CSRF, sign-out
expect_eq "wrong password" "$(http -d 'login=hosp&password=nope' "$url/api/v1/session")" 401
expect_eq "sign in" "$(http -c jar -H 'Content-Type: application/json' -d "{\"login\":\"staff\",\"password\":\"$pw\"}" "$url/api/v1/session")" 200
csrf=$(jq -r .csrf body)
grep -q 'HttpOnly' jar || fail "the session cookie is HttpOnly"
post() { http -b jar -H 'Content-Type: application/json' -d '{"kind":"note","text":"checked stock"}' "$@" "$url/api/v1/incidents/1/events"; }
expect_eq "no CSRF token" "$(post)" 403
expect_eq "forged CSRF token" "$(post -H 'X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')" 403
expect_eq "with the token" "$(post -H "X-CSRF-Token: $csrf")" 201
expect_eq "cross-site sign-in" "$(http -H 'Origin: http://evil.example' -d "login=staff&password=$pw" "$url/api/v1/session")" 403
expect_eq "forged cookie" "$(http -b 'kb_session=forged' "$url/api/v1/plan")" 401
expect_eq "sign out" "$(http -b jar -X DELETE -H "X-CSRF-Token: $csrf" "$url/api/v1/session")" 200
expect_eq "signed out" "$(http -b jar "$url/api/v1/plan")" 401
$KIBAN account revoke "$(sqlite3 kiban.db "SELECT t.n FROM api_token t JOIN account a ON a.n = t.account WHERE a.login = 'res'")" >/dev/null
expect_eq "revoked token" "$(as res "$url/api/v1/plan")" 401

# hostile input: each refused, nothing changed
before=$(sqlite3 kiban.db "SELECT count(*) FROM report")
head -c 100000 /dev/zero | tr '\0' 'a' >big
expect_eq "oversized body" "$(as hosp -H 'Content-Type: text/csv' --data-binary @big "$url/api/v1/reports/stock")" 413
expect_eq "malformed JSON" "$(printf '[{"report_id": ' | as hosp -H 'Content-Type: application/json' --data-binary @- "$url/api/v1/reports/stock")" 422
printf 'report_id,facility,device,week,stock,consumption,stockout_days\nq1,H00109,"30001013,2026-11-23,1,1,0\n' >quote.csv
expect_eq "malformed CSV" "$(as hosp -H 'Content-Type: text/csv' --data-binary @quote.csv "$url/api/v1/reports/stock")" 422
jq -e '.error.details[0].line == 2' body >/dev/null || fail "malformed CSV: the line"
expect_eq "not CSV" "$(as hosp -H 'Content-Type: image/png' --data-binary @quote.csv "$url/api/v1/reports/stock")" 415
expect_eq "empty" "$(as hosp -H 'Content-Type: text/csv' -X POST "$url/api/v1/reports/stock")" 422
expect_eq "SQL in a field" "$(as admin "$url/api/v1/reports?org=%27%20OR%201%3D1--")" 200
expect_eq "matches nothing" "$(jq -r .total body)" 0
expect_eq "SQL in a path" "$(as admin "$url/api/v1/kpis/K01%27%20OR%20%271%27%3D%271")" 404
expect_eq "traversal" "$(http "$url/static/..%2F..%2F..%2Fetc%2Fpasswd")" 404
expect_eq "traversal" "$(http --path-as-is "$url/static/../../etc/passwd")" 404
expect_eq "nothing written" "$(sqlite3 kiban.db "SELECT count(*) FROM report")" "$before"
expect_eq "script in a field" "$(as staff -d cause=logistics -d device=30001013 -d 'title=<script>alert(1)</script>' "$url/api/v1/incidents")" 201
id=$(jq -r .id body)
http -c jar2 -d "login=staff&password=$pw" "$url/login" >/dev/null
expect_eq "the incident page" "$(http -b jar2 "$url/incidents/$id")" 200
expect_in "escaped" '&lt;script&gt;alert(1)&lt;/script&gt;' body
grep -q '<script>alert' body && fail "script in a field reached the page unescaped"

# pages: sign-in first, then by role
expect_eq "page needs sign-in" "$(http "$url/")" 303
expect_eq "login page" "$(http "$url/login")" 200
expect_in "Japanese by default" '<html lang="ja">' body
expect_eq "English" "$(http "$url/login?lang=en")" 200
expect_in "English page" '<html lang="en">' body
expect_eq "a wrong password on the page" "$(http -d 'login=hosp&password=nope' "$url/login?lang=en")" 401
expect_in "the form again, saying why" 'role="alert">wrong login or password' body
expect_in "the form again" 'name="password"' body
http -c jarh -d "login=hosp&password=$pw" "$url/login" >/dev/null
for p in / /plan /kpis /kpis/K01 /alerts /reports; do
	expect_eq "hospital $p" "$(http -b jarh "$url$p")" 200
done
for p in /incidents /audit; do
	expect_eq "hospital refused $p" "$(http -b jarh "$url$p")" 403
done
expect_eq "unknown page" "$(http -b jarh "$url/nothing")" 404
expect_in "an HTML 404" '<html' body

# the audit log: writes, confidential reads, refusals, sign-ins
as admin "$url/api/v1/audit?limit=1000" >/dev/null
for a in write read denied login login_failed; do
	jq -e ".items | any(.action == \"$a\")" body >/dev/null || fail "audit has no '$a'"
done
jq -e '.items | map(select(.action == "denied")) | all(.status == 403)' body >/dev/null ||
	fail "a refusal is audited with its status, 403"
jq -e '.items | any(.action == "read" and .path == "/api/v1/chains/30001013" and .login == "admin")' body >/dev/null ||
	fail "reading the chain map is audited"
expect_in "access log" '"path":"/api/v1/health","status":200' "$work/access.log"

# graceful stop
stop_server TERM
! grep -q 'Sanitizer' "$work/server.log" || { cat "$work/server.log" >&2; fail "the sanitizers found a fault in the server"; }
expect_in "stopped" "停止します（シグナル 15）" "$work/server.log"
echo "ok"
