#!/usr/bin/env python3
"""Benchmark helpers that read a rules directory the way extract's loader does.

  rules_tool.py patterns RULES_DIR [--rg|--tsv]  one expanded pattern per rule, one per line
                                            (--rg: named groups made non-capturing, for rg -f;
                                            --tsv: lang, id, pattern for bench/re2_cost)
  rules_tool.py stats RULES_DIR [--top N]   rules sorted by expanded pattern size
  rules_tool.py lexicons RULES_DIR          every lexicon form: name<TAB>case<TAB>form (for
                                            bench/token_cost; case: sensitive or insensitive)
  rules_tool.py dup RULES_DIR OUT_DIR K     copy RULES_DIR and add K-1 copies of every rule
                                            under new ids (…__dupN), same folder, same patterns

This is a stand-in for an `extract rules dump` subcommand (see docs/performance.md):
%{NAME} is expanded from `patterns:`, `units:` (in full) and `lexicons:` as src/rules/rule_loader.cpp and
src/rules/lexicon.cpp do (lexicon forms as a trie of words, words joined by \\s+,
(?i: ...) unless `case: sensitive`; `case: insensitive` on a rule adds (?i)).
"""

import argparse
import os
import re
import shutil
import sys

import yaml

META = set("\\.+*?()|[]{}^$")


def quote(word):
    return "".join("\\" + c if c in META else c for c in word)


def fold(form):
    return " ".join(form.split())


def yaml_files(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".yaml", ".yml")):
                out.append(os.path.join(d, f))
    return sorted(out)


def lexicon_forms(node):
    entries = node.get("entries")
    forms = []
    if isinstance(entries, dict):
        forms = [str(k) for k in entries]
    elif isinstance(entries, list):
        for e in entries:
            if isinstance(e, dict):
                forms += [str(f) for f in e.get("forms") or []]
            else:
                forms.append(str(e))
    seen, unique = set(), []
    for f in forms:
        key = fold(f) if node.get("case") == "sensitive" else fold(f).lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def lexicon_alternation(node):
    """As Lexicon::alternation: the forms as a trie of words, sibling words
    longest first, a longer continuation before stopping; a case-insensitive
    list with non-ASCII forms, or one with a form of more than 64 words,
    stays a flat list, longest first."""
    forms = lexicon_forms(node)
    insensitive = node.get("case") != "sensitive"
    opener = "(?i:" if insensitive else "(?:"
    if not forms:
        return opener + "[^\\x00-\\x{10FFFF}]" + ")"
    words_of = [fold(f).split(" ") if fold(f) else [] for f in forms]
    if (insensitive and any(ord(c) >= 0x80 for f in forms for c in f)) or any(len(w) > 64 for w in words_of):
        order = sorted(range(len(forms)), key=lambda i: len(forms[i].encode()), reverse=True)  # stable, longest first
        return opener + "|".join("\\s+".join(quote(w) for w in words_of[i]) for i in order) + ")"
    root = {}  # key -> [word, children, end]
    empty = False
    for words in words_of:
        if not words:
            empty = True
            continue
        at = root
        for i, w in enumerate(words):
            k = w.lower() if insensitive else w
            if k not in at:
                at[k] = [w, {}, False]
            if i == len(words) - 1:
                at[k][2] = True
            at = at[k][1]

    def emit(children):
        out = []
        for k in sorted(children, key=lambda k: (len(k.encode()), k.encode()), reverse=True):
            w, sub, end = children[k]
            s = quote(w)
            if sub:
                tail = emit(sub)
                if len(sub) > 1:
                    tail = "(?:" + tail + ")"
                s += "(?:\\s+" + tail + ")?" if end else "\\s+" + tail
            out.append(s)
        return "|".join(out)

    return opener + emit(root) + ("|" if empty else "") + ")"


def load(root):
    patterns, lexicons, rules = {}, {}, []
    for path in yaml_files(root):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        if not isinstance(doc, dict):
            continue
        for name, src in (doc.get("patterns") or {}).items():
            patterns[name] = str(src)
        # A unit is matched once per document by extract and its rules run on
        # the marked text; here it is expanded in full, as in a plain regex.
        # Its phrases (a lexicon each) are that lexicon, as outside a rule's copy.
        for name, src in (doc.get("units") or {}).items():
            patterns[name] = str(src.get("pattern", "")) if isinstance(src, dict) else str(src)
            if isinstance(src, dict):
                for phrase, lexicon in (src.get("phrases") or {}).items():
                    patterns[phrase] = "%{" + str(lexicon) + "}"
        for name, node in (doc.get("lexicons") or {}).items():
            lexicons[name] = node
        rel = os.path.relpath(path, root).split(os.sep)
        lang = rel[0] if rel[0] in ("en", "id") else ""
        for r in doc.get("rules") or []:
            if isinstance(r, dict) and "pattern" in r:
                rules.append((path, lang, r))
    lex_cache = {}
    expanded = {}
    ref = re.compile(r"%\{([A-Za-z0-9_]+)\}")

    def expand(src, stack=()):
        def sub(m):
            name = m.group(1)
            if name in lexicons:
                if name not in lex_cache:
                    lex_cache[name] = lexicon_alternation(lexicons[name])
                return lex_cache[name]
            if name in stack:
                raise ValueError(f"sub-pattern cycle at {name}")
            if name not in expanded:
                expanded[name] = expand(patterns[name], stack + (name,))
            return "(?:" + expanded[name] + ")"
        return ref.sub(sub, src)

    out = []
    for path, lang, r in rules:
        try:
            p = expand(str(r["pattern"]))
        except (KeyError, ValueError) as e:
            print(f"rules_tool: {path}: rule {r.get('id')}: cannot expand: {e}", file=sys.stderr)
            continue
        if r.get("case") == "insensitive":
            p = "(?i)" + p
        out.append({"id": str(r.get("id")), "file": path, "lang": lang, "pattern": p})
    return out


def for_rg(p):
    # rg -f joins patterns into one regex: group names would clash.
    return re.sub(r"\(\?P<[A-Za-z0-9_]+>", "(?:", p)


def cmd_patterns(a):
    for r in load(a.rules):
        if a.max_len and len(r["pattern"]) >= a.max_len:
            continue
        if a.tsv:
            print(f"{r['lang'] or '-'}\t{r['id']}\t{r['pattern']}")
        else:
            print(for_rg(r["pattern"]) if a.rg else r["pattern"])


def cmd_stats(a):
    rules = load(a.rules)
    total = sum(len(r["pattern"]) for r in rules)
    print(f"{len(rules)} rules, expanded patterns {total} bytes in all")
    for r in sorted(rules, key=lambda r: -len(r["pattern"]))[: a.top]:
        print(f"{len(r['pattern']):>9}  {r['lang'] or '-':<2}  {r['id']}  ({os.path.relpath(r['file'], a.rules)})")


def cmd_lexicons(a):
    for path in yaml_files(a.rules):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        if not isinstance(doc, dict):
            continue
        for name, node in (doc.get("lexicons") or {}).items():
            if not isinstance(node, dict):
                continue
            case = "sensitive" if node.get("case") == "sensitive" else "insensitive"
            for form in lexicon_forms(node):
                if fold(form):
                    print(f"{name}\t{case}\t{fold(form)}")


def cmd_dup(a):
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    shutil.copytree(a.rules, a.out)
    for path in yaml_files(a.rules):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        rules = doc.get("rules") if isinstance(doc, dict) else None
        if not rules:
            continue
        rel = os.path.relpath(path, a.rules)
        for k in range(2, a.k + 1):
            copies = []
            for r in rules:
                r = dict(r)
                r["id"] = f"{r['id']}__dup{k}"
                copies.append(r)
            target = os.path.join(a.out, os.path.dirname(rel),
                                  f"zz_dup{k}_{os.path.basename(rel)}")
            with open(target, "w", encoding="utf-8") as f:
                yaml.safe_dump({"rules": copies}, f, allow_unicode=True, sort_keys=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("patterns")
    p.add_argument("rules")
    p.add_argument("--rg", action="store_true")
    p.add_argument("--tsv", action="store_true", help="lang<TAB>id<TAB>pattern (for re2_cost)")
    p.add_argument("--max-len", type=int, default=0, help="only patterns shorter than this (expanded)")
    p.set_defaults(fn=cmd_patterns)
    p = sub.add_parser("stats")
    p.add_argument("rules")
    p.add_argument("--top", type=int, default=15)
    p.set_defaults(fn=cmd_stats)
    p = sub.add_parser("lexicons")
    p.add_argument("rules")
    p.set_defaults(fn=cmd_lexicons)
    p = sub.add_parser("dup")
    p.add_argument("rules")
    p.add_argument("out")
    p.add_argument("k", type=int)
    p.set_defaults(fn=cmd_dup)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
