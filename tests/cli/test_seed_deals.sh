#!/bin/bash
# Deals of the founding article (issue 5), read from ../shared when present:
# one deal, xAI buys Hotshot (alias Natural Synthetics Inc.), completed, price
# not disclosed; the Memphis site and the Dell servers are other purchases,
# the Dell one negotiating with "more than $5 billion". A purchase whose price
# word closes the match is priced the same way (our own sentence, always run).
. "$(dirname "$0")/lib.sh"
own=$(echo 'Nusa Komputasi kabarnya sedang bernegosiasi dengan Lenovo Group untuk membeli rak server senilai sekitar $2 miliar.' |
  "$EXTRACT_BIN" --lang id - | jq -c '[.facts[] | select(.type == "purchase") | .value | {seller, status, price}]')
expect_eq "purchase priced after 'senilai'" \
  '[{"seller":"Lenovo Group","status":"negotiating","price":{"amount":2000000000,"currency":"USD","qualifier":"about"}}]' "$own"
SEED="$SHARED_CORPUS/seed/xai-hotshot.id.txt"
if [ ! -f "$SEED" ]; then echo "skipped the founding article: $SEED not found"; finish; exit $?; fi
"$EXTRACT_BIN" "$SEED" > "$TMP/seed.json"
expect_eq "one deal" 1 "$(jq '.deals | length' "$TMP/seed.json")"
expect_eq "the deal" '{"acquirer":"xAI","target":"Hotshot","status":"completed","price":null,"price_disclosed":false}' \
  "$(jq -c '.deals[0] | {acquirer, target, status, price, price_disclosed}' "$TMP/seed.json")"
check "target alias Natural Synthetics Inc." sh -c "jq -e '.deals[0].target_aliases | index(\"Natural Synthetics Inc.\")' '$TMP/seed.json' >/dev/null"
expect_eq "Memphis site: a completed purchase" '"completed"' \
  "$(jq '[.facts[] | select(.type == "purchase" and (.value.object | test("Memphis")))][0].value.status' "$TMP/seed.json")"
expect_eq "Dell servers: negotiating, more than 5 billion USD" \
  '{"seller":"Dell Technologies","status":"negotiating","price":{"amount":5000000000,"currency":"USD","qualifier":"more_than"}}' \
  "$(jq -c '[.facts[] | select(.type == "purchase" and .value.seller == "Dell Technologies")][0].value | {seller, status, price}' "$TMP/seed.json")"
expect_eq "no purchase is a deal" 0 "$(jq '[.deals[] | select(.target | test("Memphis|server"))] | length' "$TMP/seed.json")"
finish
