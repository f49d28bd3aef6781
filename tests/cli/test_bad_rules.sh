#!/bin/bash
# Rule-file cases beyond the fixtures in tests/fixtures/broken-rules (which
# test_rules_check_fixtures.sh compares line by line): cases that are made at
# run time (too big to commit, or about the file system), and RE2 features
# that are not RE2. Each must give its message, `rules check` status 1,
# extraction status 2, and no crash or hang.
. "$(dirname "$0")/lib.sh"
R="$TMP/rules"

# rule_case NAME PATTERN: the folder $R/NAME must be refused with a message
# matching the extended regex PATTERN.
rule_case() {
  local name=$1 pattern=$2 dir=$R/$1
  timeout 60 "$EXTRACT_BIN" rules check "$dir" > "$TMP/out" 2>&1
  expect_eq "$name: rules check status" 1 "$?"
  check "$name: message [$pattern], got [$(head -c 400 "$TMP/out")]" grep -Eq -- "$pattern" "$TMP/out"
  check "$name: no crash report" sh -c "! grep -Eq 'Sanitizer|runtime error|terminate called|Assertion' '$TMP/out'"
  echo "Acme paid \$5 million." | timeout 60 "$EXTRACT_BIN" --rules "$dir" - > "$TMP/x" 2>"$TMP/err"
  expect_eq "$name: extraction status" 2 "$?"
  check "$name: extraction points to rules check" grep -q "rules check" "$TMP/err"
  expect_eq "$name: extraction prints no record" "" "$(cat "$TMP/x")"
}

# write NAME FILE: stdin becomes $R/NAME/FILE.
write() { mkdir -p "$R/$1/$(dirname "$2")"; cat > "$R/$1/$2"; }

# A valid rule, for cases that need a loadable neighbour.
good_rule() {
  cat <<'YAML'
rules:
  - id: t.good
    type: money
    pattern: '\$(?P<amount>\d+) million'
    fields: {amount: number}
    value: {currency: USD, scale: 1000000}
    examples:
      - {text: 'paid $5 million', value: {amount: 5000000}}
      - reject: 'paid $5'
YAML
}

# --- Not RE2 ---------------------------------------------------------------
write lookahead rules.yaml <<'YAML'
rules:
  - id: t.lookahead
    type: money
    pattern: '\$\d+(?= million)'
    examples: [{reject: x}]
YAML
rule_case lookahead "rules.yaml:4:[0-9]+: error: rule 't.lookahead': lookahead '\(\?=' is not supported by RE2; use context: after/not_after"

write negative-lookbehind rules.yaml <<'YAML'
rules:
  - id: t.neg_lookbehind
    type: money
    pattern: '(?<!US)\$\d+'
    examples: [{reject: x}]
YAML
rule_case negative-lookbehind "error: rule 't.neg_lookbehind': lookbehind '\(\?<!' is not supported by RE2"

write atomic rules.yaml <<'YAML'
rules:
  - id: t.atomic
    type: money
    pattern: '(?>\$\d+)'
    examples: [{reject: x}]
YAML
rule_case atomic "error: rule 't.atomic': atomic group '\(\?>' is not supported by RE2"

write dotnet-named rules.yaml <<'YAML'
rules:
  - id: t.named
    type: money
    pattern: '\$(?<amount>\d+)'
    examples: [{reject: x}]
YAML
rule_case dotnet-named "error: rule 't.named': named groups are written \(\?P<name>...\) in RE2, not '\(\?<'"

write named-backreference rules.yaml <<'YAML'
rules:
  - id: t.named_backref
    type: money
    pattern: '(?P<w>\w+) (?P=w)'
    examples: [{reject: x}]
YAML
rule_case named-backreference "error: rule 't.named_backref': invalid RE2 pattern: "

write context-lookbehind rules.yaml <<'YAML'
rules:
  - id: t.bad_context
    type: money
    pattern: '\$\d+'
    context: {not_before: '(?<=US)'}
    examples: [{reject: x}]
YAML
rule_case context-lookbehind "rules.yaml:5:[0-9]+: error: rule 't.bad_context' context not_before: lookbehind"

# --- RE2 memory budget (also a committed fixture: broken-rules/re2-memory) --
write re2-budget rules.yaml <<'YAML'
rules:
  - id: t.huge
    type: number
    pattern: '\pL{1000}\pL{1000}\pL{1000}\pN{1000}'
    examples: [{reject: x}]
YAML
rule_case re2-budget "error: rule 't.huge': pattern too large: it needs more than the RE2 memory budget of 33554432 bytes"

# A sub-pattern used many times can also blow the budget after expansion.
{
  echo "patterns:"
  echo "  W: '\\pL{400}'"
  good_rule
  cat <<'YAML'
  - id: t.expanded
    type: number
    pattern: '%{W}-%{W}-%{W}-%{W}-%{W}-%{W}-%{W}-%{W}'
    examples: [{reject: x}]
YAML
} | write re2-expanded rules.yaml
rule_case re2-expanded "rules.yaml:14:[0-9]+: error: rule 't.expanded': pattern too large: it needs more than the RE2 memory budget"

# --- Size and shape ----------------------------------------------------------
# A rule file over the 16 MiB limit (made here, too big to commit).
mkdir -p "$R/too-big"
{ good_rule; python3 -c 'import sys; sys.stdout.write(("# " + "padding " * 12 + "\n") * 180000)'; } > "$R/too-big/rules.yaml"
rule_case too-big "rules.yaml: error: rule file is [0-9]+ bytes, over the limit of 16777216 bytes"

# 10 000 nested block sequences, compact form: `- - - ... x`.
python3 -c 'import sys; sys.stdout.write("rules:\n" + "- " * 10000 + "x\n")' | write deep-block rules.yaml
rule_case deep-block "rules.yaml:[0-9]+:[0-9]+: error: (YAML syntax: |a rule must be a mapping)"

# 10 000 nested flow mappings in a rule's value.
python3 -c '
import sys
sys.stdout.write("rules:\n  - id: t.deep\n    type: number\n    pattern: x\\\\d\n    value: " + "{a: " * 10000 + "1" + "}" * 10000 + "\n")' | write deep-value rules.yaml
rule_case deep-value "error: (YAML syntax: nesting too deep|rule 't.deep': 'value' is too large or too deeply nested)"

# A billion-laughs style alias bomb inside an example's value.
python3 -c '
import sys
levels = ["a0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
for i in range(1, 12):
    levels.append(f"a{i}: &x{i} [" + ", ".join([f"*x{i-1}"] * 10) + "]")
sys.stdout.write("rules:\n  - id: t.bomb_example\n    type: number\n    pattern: \"\\\\d+\"\n"
                 "    examples:\n      - text: \"1\"\n        value:\n"
                 + "".join("          " + l + "\n" for l in levels))' | write alias-bomb-example rules.yaml
rule_case alias-bomb-example "rules.yaml:6:[0-9]+: error: example value is too large or too deeply nested"

# A rule file that is a list, a bare string, or a binary file named .yaml.
printf -- '- one\n- two\n' | write top-list rules.yaml
rule_case top-list "error: a rule file must be a mapping with keys patterns, lexicons, rules, language"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' | write binary rules.yaml
rule_case binary "rules.yaml:[0-9]+:[0-9]+: error: rule file is not valid UTF-8"
printf '\xff\xfer\0u\0l\0e\0s\0:\0' | write utf16 rules.yaml
rule_case utf16 "rules.yaml:1:1: error: rule file is not valid UTF-8"
printf 'rules:\n  - id: t.nul\n    type: number\n    pattern: "a\\0b"\n\0' | write nul rules.yaml
rule_case nul "error: "

# Tabs for indentation (a common YAML mistake).
printf 'rules:\n\t- id: t.tab\n\t  type: number\n' | write tabs rules.yaml
rule_case tabs "rules.yaml:[0-9]+:[0-9]+: error: YAML syntax: "

# Wrong kinds of values.
write wrong-kinds rules.yaml <<'YAML'
patterns: [a, b]
lexicons: 3
rules:
  - id: t.kinds
    type: [money]
    pattern: {a: b}
    priority: high
    fields: 7
    examples: nope
  - just a string
  - id: 12
YAML
rule_case wrong-kinds "error: 'patterns' must be a mapping"
check "wrong kinds: lexicons reported" grep -q "'lexicons' must be a mapping" "$TMP/out"
check "wrong kinds: a non-mapping rule reported" grep -Eq "rules.yaml:10:[0-9]+: error" "$TMP/out"

# A sub-pattern that refers to itself, and a three-step cycle through a context.
write self-cycle rules.yaml <<'YAML'
patterns:
  A: 'x%{A}'
  B: 'y%{C}'
  C: 'z%{D}'
  D: 'w%{B}'
rules:
  - id: t.self
    type: number
    pattern: '%{A}\d'
    examples: [{reject: q}]
  - id: t.three
    type: number
    pattern: '\d'
    context: {before: '%{B}'}
    examples: [{reject: q}]
YAML
rule_case self-cycle "error: sub-pattern cycle: A -> A"
check "three-step cycle reported" grep -q "sub-pattern cycle: B -> C -> D -> B" "$TMP/out"

# --- File system ---------------------------------------------------------------
rule_case no-such-dir "error: rules directory not found \(set --rules DIR or EXTRACT_RULES\)"
mkdir -p "$R/dangling"
good_rule > "$R/dangling/good.yaml"
ln -s "$R/dangling/nowhere.yaml" "$R/dangling/broken.yaml"
timeout 60 "$EXTRACT_BIN" rules check "$R/dangling" > "$TMP/out" 2>&1
rc=$?
check "dangling rule-file link: no crash (status $rc)" test "$rc" -eq 0 -o "$rc" -eq 1
check "dangling rule-file link: no crash report" sh -c "! grep -Eq 'Sanitizer|runtime error|terminate called' '$TMP/out'"

# Duplicate ids across a language folder and common/.
mkdir -p "$R/dup-lang/en" "$R/dup-lang/common"
good_rule > "$R/dup-lang/common/a.yaml"
good_rule > "$R/dup-lang/en/b.yaml"
rule_case dup-lang "en/b.yaml:2:9: error: duplicate rule id 't.good' \(first defined at .*common/a.yaml:2:9\)"

# A good rule file with a UTF-8 BOM and CRLF line ends loads.
mkdir -p "$R/bom-crlf"
{ printf '\xef\xbb\xbf'; good_rule | sed 's/$/\r/'; } > "$R/bom-crlf/rules.yaml"
timeout 60 "$EXTRACT_BIN" rules test "$R/bom-crlf" > "$TMP/out" 2>&1
expect_eq "BOM and CRLF rule file: rules test status" 0 "$?"
check "BOM and CRLF rule file: examples pass" grep -q "2 passed, 0 failed" "$TMP/out"
finish
