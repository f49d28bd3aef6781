#!/bin/bash
# The worked example of docs/rules.md: a rule added to a copy of the shipped
# rules is checked, tested, and used, with no rebuild.
. "$(dirname "$0")/lib.sh"
cp -r rules "$TMP/rules"
# The rule block is taken from the documentation itself.
awk '/^## Worked example/{w=1} w && /^```yaml/{f=1; next} f && /^```/{exit} f' docs/rules.md >> "$TMP/rules/en/money.yaml"
check "the documented rule was appended" grep -q "en.money.cents" "$TMP/rules/en/money.yaml"
"$EXTRACT_BIN" rules check "$TMP/rules" > "$TMP/check"; expect_eq "rules check passes" 0 "$?"
"$EXTRACT_BIN" rules test "$TMP/rules" > "$TMP/test"; expect_eq "rules test passes" 0 "$?"
check "rules test ends with N passed, 0 failed" grep -Eq '^[0-9]+ passed, 0 failed$' "$TMP/test"
out=$(echo "It pays 25 cts a share." | "$EXTRACT_BIN" --rules "$TMP/rules" --lang en | jq -c '.facts[] | select(.rule=="en.money.cents") | .value')
expect_eq "the new rule extracts cents" '{"amount":0.25,"currency":"USD","per":"share"}' "$out"
finish
