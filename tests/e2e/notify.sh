#!/bin/sh
# Notifications, over real HTTP: users follow devices and prefectures; the
# signals open when the server first scans are history, not news; an
# incident opened by the supply desk reaches those who may read it on their
# page and through a webhook (a real receiver on loopback that checks the
# signature with its own HMAC, and fails once so the server retries);
# nobody sees or changes another's subscriptions, webhooks or notices; a
# webhook to a private address is refused unless the server allows it.
. "$(dirname "$0")/lib.sh"

command -v node >/dev/null || fail "node is needed for the webhook receiver (scripts/deps.sh test)"
$KIBAN demo --quiet
for r in admin committee tokyo researcher hospital; do
	$KIBAN account token "demo-$r" --label e2e | head -1 >"tok_$r"
done

mkdir hook
node "$KIBAN_SRC/tests/e2e/webhook_receiver.mjs" "$work/hook" &
receiver=$!
trap 'kill $receiver 2>/dev/null; stop_server; rm -rf "$work"' EXIT
wait_for "the receiver listens" test -s hook/port
hook="http://127.0.0.1:$(cat hook/port)/kiban"

start_server --notify-interval 0.2 --webhook-retry 1 --webhook-private

# following: a device, a prefecture by name; bad ones are refused
dev=30001013
expect_eq "committee follows the ventilator" "$(as committee -d kind=device -d code=$dev "$url/api/v1/subscriptions")" 201
expect_eq "again: the same subscription" "$(as committee -d kind=device -d code=$dev "$url/api/v1/subscriptions")" 201
expect_eq "Tokyo follows itself" "$(as tokyo -d kind=prefecture -d code=東京都 "$url/api/v1/subscriptions")" 201
expect_eq "the researcher follows the ventilator" "$(as researcher -d kind=device -d code=$dev "$url/api/v1/subscriptions")" 201
expect_eq "the hospital follows Tokyo" "$(as hospital -H 'Content-Type: application/json' -d '{"kind":"prefecture","code":"13"}' "$url/api/v1/subscriptions")" 201
expect_eq "an unknown kind" "$(as tokyo -d kind=city -d code=x "$url/api/v1/subscriptions")" 422
expect_in "the field named" "'kind'" body
expect_eq "an unknown device" "$(as tokyo -d kind=device -d code=99999999 "$url/api/v1/subscriptions")" 404
expect_eq "prefecture 48" "$(as tokyo -d kind=prefecture -d code=48 "$url/api/v1/subscriptions")" 404
expect_eq "committee's list" "$(as committee "$url/api/v1/subscriptions?lang=en")" 200
expect_eq "one subscription, not two" "$(jq '.items | length' body)" 1
expect_eq "with the device's name" "$(jq -r '.items[0].name' body)" Ventilator
sub=$(jq '.items[0].n' body)
expect_eq "Tokyo cannot remove the committee's" "$(as tokyo -X DELETE "$url/api/v1/subscriptions/$sub")" 404

# the webhook: its secret shown once, never listed
expect_eq "ftp is no webhook" "$(as committee -d url=ftp://example.org/ "$url/api/v1/webhooks")" 422
expect_in "the field named" "'url'" body
expect_eq "committee adds a webhook" "$(as committee -d "url=$hook" "$url/api/v1/webhooks")" 201
jq -r .secret body >hook/secret
expect_eq "a 43-character secret" "$(tr -d '\n' <hook/secret | wc -c)" 43
as committee "$url/api/v1/webhooks" >/dev/null
expect_eq "listed without its secret" "$(jq '.items[0] | has("secret")' body)" false
wh=$(jq '.items[0].n' body)
as tokyo "$url/api/v1/webhooks" >/dev/null
expect_eq "Tokyo does not see it" "$(jq '.items | length' body)" 0

# the supply desk opens an incident on the ventilator in Tokyo
expect_eq "an incident" "$(as admin -d 'title=Valve recall <b>' -d cause=quality_recall -d device=$dev -d prefectures=13 "$url/api/v1/incidents")" 201
inc=$(jq .id body)
notices() { # ROLE: the count of its notices
	as "$1" "$url/api/v1/notices" >/dev/null
	jq .total "$work/body"
}
has_notice() { [ "$(notices "$1")" -ge 1 ]; }
wait_for "the committee's notice" has_notice committee
wait_for "Tokyo's notice" has_notice tokyo
expect_eq "the committee's notices" "$(notices committee)" 1
# the demo's ventilator has a national signal open (a supply drop): the
# first scan took note of it, and told nobody of that history
expect_eq "no notice of the signal open before" "$(jq '[.items[] | select(.kind == "signal")] | length' body)" 0
expect_eq "noted" "$(sqlite3 "$KIBAN_DB" "SELECT count(*) FROM signal_told WHERE key LIKE 'signal:supply:$dev:%' AND closed = 0")" 1
expect_in "what happened, in the account's Japanese" 'インシデント #' body
expect_in "its title" 'Valve recall <b>' body
expect_eq "unread" "$(jq .unread body)" 1
expect_eq "marked unread" "$(jq .items[0].read body)" false
as committee "$url/api/v1/notices?lang=en" >/dev/null
expect_in "or in English" "Incident #$inc Valve recall <b> (30001013 Ventilator): reported\"" body
expect_eq "Tokyo's notices" "$(notices tokyo)" 1
# the researcher and the hospital may not read incidents: nothing for them
expect_eq "the researcher's notices" "$(notices researcher)" 0
expect_eq "the hospital's notices" "$(notices hospital)" 0

# the webhook got it: refused once with 500, then accepted on the retry
two_posts() { [ -s hook/received ] && [ "$(wc -l <hook/received)" -ge 2 ]; }
wait_for "the webhook's retry" two_posts
expect_eq "two posts of the same delivery" "$(jq -r .delivery hook/received | sort -u | wc -l)" 1
expect_eq "both signed with the secret" "$(jq -r .verified hook/received | sort -u)" true
expect_eq "as JSON" "$(jq -r .type hook/received | sort -u)" application/json
expect_eq "the notice" "$(jq -r '.body.kind + " " + .body.ref' hook/received | sort -u)" "incident $inc"
expect_in "its text" 'Valve recall <b>' hook/received
delivered() {
	as committee "$url/api/v1/webhooks" >/dev/null
	[ "$(jq '.items[0].delivered' "$work/body")" = 1 ]
}
wait_for "the delivery recorded" delivered
expect_eq "its last status" "$(jq '.items[0].last_status' body)" 204
sleep 0.5
expect_eq "nothing posted twice after success" "$(wc -l <hook/received)" 2

# reading: one's own notices only
as tokyo "$url/api/v1/notices" >/dev/null
tn=$(jq '.items[0].n' body)
expect_eq "the committee cannot mark Tokyo's" "$(as committee -d id=$tn "$url/api/v1/notices/read")" 404
expect_eq "a bad id" "$(as tokyo -d id=x "$url/api/v1/notices/read")" 422
expect_eq "a JSON number is an id too" "$(as tokyo -H 'Content-Type: application/json' -d '{"id":999999}' "$url/api/v1/notices/read")" 404
expect_eq "Tokyo marks its own" "$(as tokyo -d id=$tn "$url/api/v1/notices/read")" 200
expect_eq "none unread" "$(jq .unread body)" 0
as committee "$url/api/v1/notices?unread=1" >/dev/null
expect_eq "the committee's still unread" "$(jq .unread body)" 1

# the page: the notice escaped, the badge in the menu, following by form
curl -s -c jar -o /dev/null -d login=demo-committee -d password=kiban-demo-2026 "$url/login"
expect_eq "the notifications page" "$(http -b jar "$url/notices")" 200
expect_in "the notice, escaped" 'Valve recall &lt;b&gt;' body
expect_in "the unread count in the menu" 'class="badge"' body
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' body | head -1)
expect_eq "a form without its CSRF token" "$(http -b jar -d action=subscribe -d kind=prefecture -d code=27 "$url/notices")" 403
expect_eq "follow Osaka from the page" "$(http -b jar -d "csrf=$csrf" -d action=subscribe -d kind=prefecture -d code=大阪 "$url/notices")" 303
expect_eq "the page again" "$(http -b jar "$url/notices?lang=en")" 200
expect_in "Osaka listed" 'Osaka' body
expect_eq "mark all read" "$(http -b jar -d "csrf=$csrf" -d action=read "$url/notices")" 303
as committee "$url/api/v1/notices" >/dev/null
expect_eq "no unread left" "$(jq .unread body)" 0
expect_eq "an unknown action" "$(http -b jar -d "csrf=$csrf" -d action=drop "$url/notices")" 422

# removing: the webhook goes, Tokyo's attempt on it changed nothing
expect_eq "Tokyo cannot remove the committee's webhook" "$(as tokyo -X DELETE "$url/api/v1/webhooks/$wh")" 404
expect_eq "the committee removes it" "$(as committee -X DELETE "$url/api/v1/webhooks/$wh")" 200
expect_eq "the committee unfollows" "$(as committee -X DELETE "$url/api/v1/subscriptions/$sub")" 200
expect_eq "gone" "$(as committee -X DELETE "$url/api/v1/subscriptions/$sub")" 404
expect_in "every change audited" 'webhook add' "$(sqlite3 "$KIBAN_DB" "SELECT detail FROM audit" >audit; echo "$work/audit")"
expect_in "every change audited" 'subscribe prefecture' audit

# without --webhook-private, a webhook on loopback is refused before any
# connection: the receiver accepts none, and the error says nothing of why
stop_server
start_server --notify-interval 0.2 --webhook-retry 1
port=$(cat hook/port)
for u in "$hook" "http://localhost:$port/kiban" "http://[::ffff:127.0.0.1]:$port/kiban" "http://[::1]:$port/" "http://0x7f000001:$port/"; do
	expect_eq "Tokyo adds a webhook to $u" "$(as tokyo -d "url=$u" "$url/api/v1/webhooks")" 201
done
conns=$(wc -l <hook/connections)
expect_eq "another incident in Tokyo" "$(as admin -d title=Shortage -d cause=logistics -d device=$dev -d prefectures=東京都 "$url/api/v1/incidents")" 201
all_refused() {
	as tokyo "$url/api/v1/webhooks" >/dev/null
	[ "$(jq '[.items[] | select(.last_error != null)] | length' "$work/body")" = 5 ]
}
wait_for "the refusals recorded" all_refused
expect_eq "only that the target is not allowed" "$(jq -r '.items[].last_error' body | sort -u)" "refused: the target is not allowed"
expect_eq "no status" "$(jq -r '[.items[].last_status] | unique | map(tostring) | join(",")' body)" null
expect_eq "the receiver accepted no connection" "$(wc -l <hook/connections)" "$conns"
echo "notify: ok"
