#!/bin/bash
# docs/errors.md lists every message: the literal text of each message the
# sources pass to an error, warning or note printer (its longest fixed part,
# between the {} placeholders) must appear in docs/errors.md.
. "$(dirname "$0")/lib.sh"
python3 - > "$TMP/missing" <<'PY'
import glob, re
doc = open("docs/errors.md", encoding="utf-8").read()
# Calls that print a message (diagnostics' error/warning, print_error) and
# messages carried by input results (`r.error = ...`, `return ... "...";` in
# src/io/). The printf format of print_error itself is not a message.
call = re.compile(r'\b(?:error|warning|print_error|fail)\s*\(([^;]*?)\);|\.error\s*=\s*([^;]*);|return\s+((?:std::string|fmt::format)\([^;]*);', re.S)
literal = re.compile(r'"((?:[^"\\]|\\.)*)"')
missing = []
for path in sorted(glob.glob("src/**/*.cpp", recursive=True)):
    src = open(path, encoding="utf-8").read()
    for m in call.finditer(src):
        if m.group(3) and "/io/" not in path:
            continue
        for lit in literal.findall(next(g for g in m.groups() if g is not None)):
            if lit == "extract: %s\\n":
                continue
            lit = lit.replace("\\'", "'").replace('\\"', '"')
            parts = [p.strip(" :") for p in re.split(r"\{[^}]*\}|\\n|\\x0[12]", lit)]
            parts = [p for p in parts if len(p) >= 8]
            if parts and max(parts, key=len) not in doc:
                line = src.count("\n", 0, m.start()) + 1
                missing.append(f"{path}:{line}: {max(parts, key=len)}")
print("\n".join(missing))
PY
expect_eq "every message of src/ is in docs/errors.md" "" "$(cat "$TMP/missing")"
finish
