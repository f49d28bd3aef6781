#!/usr/bin/env bash
# The stand-alone bench tools that docs/performance.md quotes figures from:
# bench/rules_tool.py (patterns, lexicons), bench/set_cost.cpp (RE2::Set per
# family must find the same matches as every rule alone) and
# bench/token_cost.cpp (tokens, lexicon hits and name runs, checked on a text
# of our own with a lexicon file of our own, and its token count against an
# independent count in Python).
. "$(dirname "$0")/lib.sh"

CXX=${CXX:-c++}
if ! command -v "$CXX" > /dev/null || ! pkg-config --exists re2; then
  echo "skipped: no C++ compiler or no re2.pc"; exit 77
fi

# rules_tool.py: one expanded pattern per rule, every lexicon form.
python3 bench/rules_tool.py patterns rules --tsv > "$TMP/p.tsv"
rules=$(wc -l < "$TMP/p.tsv")
# One line per rule written with `pattern:` (token rules have no regex).
expected=$(python3 -c '
import glob, sys, yaml
n = 0
for f in glob.glob("rules/**/*.yaml", recursive=True):
    d = yaml.safe_load(open(f, encoding="utf-8")) or {}
    n += sum(1 for r in d.get("rules") or [] if "pattern" in r)
print(n)')
check "patterns: one per pattern rule (got $rules of $expected)" test "$rules" -eq "$expected"
# (A floor that falls as rules move to tokens: 70 pattern rules on 2026-12-06,
# 54 on 2026-12-08.)
check "patterns: at least 50 rules (got $rules)" test "$rules" -ge 50
python3 bench/rules_tool.py lexicons rules > "$TMP/lex.tsv"
forms=$(wc -l < "$TMP/lex.tsv")
check "lexicons: at least 1000 forms (got $forms)" test "$forms" -ge 1000
bad=$(awk -F'\t' 'NF != 3 || ($2 != "sensitive" && $2 != "insensitive") || $3 == ""' "$TMP/lex.tsv" | wc -l)
expect_eq "lexicons: every line is name, case, form" 0 "$bad"
check "lexicons: the month lexicon is listed" grep -q $'^month_en\tinsensitive\tJanuary$' "$TMP/lex.tsv"

check "set_cost builds" "$CXX" -O1 -std=c++17 bench/set_cost.cpp -o "$TMP/set_cost" $(pkg-config --cflags --libs re2)
check "token_cost builds" "$CXX" -O1 -std=c++17 bench/token_cost.cpp -o "$TMP/token_cost"

# set_cost exits 1 when the sets' matches differ from every rule's own.
for maxlen in 2000 1000000; do
  "$TMP/set_cost" "$TMP/p.tsv" en 8 "$maxlen" samples/*.en.txt > "$TMP/set.out" 2>&1
  expect_eq "set_cost (MAXLEN $maxlen) finds every rule's matches" 0 $?
  passes=$(grep -c '^pass ' "$TMP/set.out")
  expect_eq "set_cost (MAXLEN $maxlen) prints three passes" 3 "$passes"
done
"$TMP/set_cost" "$TMP/p.tsv" id 4 3000 samples/*.id.txt > "$TMP/set.out" 2>&1
expect_eq "set_cost on the Indonesian rules and samples" 0 $?

# token_cost on a text of our own: a case-sensitive two-word form, a folded
# one-word form, a folded form that does not occur, and name runs.
printf 'Acme Holdings acquired Beta Corp.\nthe ACQUIRED unit of Gamma and Delta\n' > "$TMP/doc.txt"
printf 'orgs\tsensitive\tBeta Corp\nverbs\tinsensitive\tacquired\nfolded\tinsensitive\tbeta\nnone\tinsensitive\tzeta\n' > "$TMP/lex2.tsv"
"$TMP/token_cost" "$TMP/lex2.tsv" "$TMP/doc.txt" > "$TMP/tok.out"
expect_eq "token_cost exits 0" 0 $?
line=$(grep '^tokens + lexicons + names' "$TMP/tok.out")
# Tokens: Acme Holdings acquired Beta Corp . the ACQUIRED unit of Gamma and Delta = 13.
# Hits: "acquired" twice (folded), "beta" (folded), "Beta Corp" (sensitive) = 4.
# Name runs: "Acme Holdings", "Beta Corp", "ACQUIRED", "Gamma and Delta" = 4.
check "token_cost counts 13 tokens, 4 lexicon hits, 4 name runs ($line)" \
  grep -q '(13 tokens, 4 lexicon hits, 4 name runs)' <<< "$line"
check "token_cost reads 4 lexicons and 4 forms" grep -q '^4 lexicons, 4 forms; 1 documents' "$TMP/tok.out"

# Its token count on the samples against the same definition in Python:
# a run of ASCII letters, digits and non-ASCII bytes, or any other byte but a space.
"$TMP/token_cost" "$TMP/lex.tsv" samples/*.txt > "$TMP/tok.out"
got=$(sed -n 's/^tokens  .*(\([0-9]*\) tokens.*/\1/p' "$TMP/tok.out")
want=$(python3 - samples/*.txt <<'PY'
import re, sys
n = 0
for path in sys.argv[1:]:
    n += len(re.findall(rb'[A-Za-z0-9\x80-\xff]+|[^ \t\n\r]', open(path, 'rb').read()))
print(n)
PY
)
expect_eq "token_cost's tokens on the samples" "$want" "$got"
hits=$(sed -n 's/^tokens + lexicons  .*, \([0-9]*\) lexicon hits.*/\1/p' "$TMP/tok.out")
check "token_cost finds lexicon hits in the samples (got $hits)" test "${hits:-0}" -gt 100

finish
