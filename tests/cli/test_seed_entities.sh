#!/bin/bash
# Entities, roles and quotes of the founding article (issue 4), read from
# ../shared/corpus when it is there; skipped (77) on a clone without it.
. "$(dirname "$0")/lib.sh"
need_corpus
seed="$SHARED_CORPUS/seed/xai-hotshot.id.txt"
[ -f "$seed" ] || { echo "skipped: $seed not found"; exit 77; }
"$EXTRACT_BIN" --rules "$EXTRACT_RULES" --format jsonl "$seed" > "$TMP/out.json"
expect_eq "extract succeeds" 0 "$?"

# entity TYPE NAME: one entity of TYPE is named NAME.
entity() {
  got=$(jq --arg t "$1" --arg n "$2" '[.entities[] | select(.type == $t and .name == $n)] | length' "$TMP/out.json")
  expect_eq "$1 entity '$2'" 1 "$got"
}
for org in xAI Hotshot Reddit "SV Angel" Nvidia "Dell Technologies"; do entity organization "$org"; done
for person in "Elon Musk" "Aakash Sastry" "Alexis Ohanian"; do entity person "$person"; done

expect_eq "Hotshot is also Natural Synthetics Inc." true \
  "$(jq '[.entities[] | select(.name == "Hotshot") | .aliases | index("Natural Synthetics Inc.") != null] | first' "$TMP/out.json")"
expect_eq "Musk is a mention of Elon Musk" true \
  "$(jq '[.entities[] | select(.name == "Elon Musk") | .mentions[] | select(.text == "Musk")] | length > 0' "$TMP/out.json")"
expect_eq "Aakash Sastry is CEO of Hotshot" '{"title":"CEO","organization":"Hotshot"}' \
  "$(jq -c '.entities[] | select(.name == "Aakash Sastry") | .roles[0]' "$TMP/out.json")"
expect_eq "Alexis Ohanian co-founded Reddit" '"Reddit"' \
  "$(jq -c '.entities[] | select(.name == "Alexis Ohanian") | .roles[0].organization' "$TMP/out.json")"

# No entity is made of the truncated caption at the top of the page.
expect_eq "no page-junk entity" 0 \
  "$(jq '[.entities[] | select(.name == "Elon Mus" or (.mentions[] | .text == "Elon Mus"))] | length' "$TMP/out.json")"
# Every mention's text is the input at its offsets (checked on the first one of each entity by jq length).
expect_eq "mention texts are non-empty" 0 \
  "$(jq '[.entities[].mentions[] | select((.end - .start) != (.text | utf8bytelength))] | length' "$TMP/out.json")"

# Three quotes: the two long ones by Hotshot, the partial one by Sastry.
expect_eq "three quotes" 3 "$(jq '[.facts[] | select(.type == "quote")] | length' "$TMP/out.json")"
expect_eq "quote speakers in order" '["Hotshot","Hotshot","Aakash Sastry"]' \
  "$(jq -c '[.facts[] | select(.type == "quote") | .value.speaker]' "$TMP/out.json")"
expect_eq "partial quote" '"terus meningkatkan"' \
  "$(jq -c '[.facts[] | select(.type == "quote") | .value.quote] | last' "$TMP/out.json")"
expect_eq "cues" '["tulis","jelasnya","menyatakan"]' \
  "$(jq -c '[.facts[] | select(.type == "quote") | .value.cue]' "$TMP/out.json")"
finish
