#!/usr/bin/env python3
"""What a lexicon found once per document, instead of inside each rule's
automaton, would save: a probe for the next step of docs/performance.md
("Lexicons as units, a probe").

For the lexicons named, it writes a copy of the rules in which every rule
pattern's %{lexicon} is a mark word (a lower-case word no text has, one per
lexicon), and a
copy of the documents in which every match of the lexicon's alternation
(built as bench/rules_tool.py and extract build it, between word
boundaries, left to right, lexicon after lexicon) is its mark. It then runs extract on both pairs
(shipped rules and documents; marked rules and marked documents) as JSON
Lines repeated --copies times, interleaved, and prints wall time, CPU and
peak RSS of each run and the --profile-rules rows of the rules that use
the lexicons. A probe, not a feature: the marked run's facts differ (the
rules' examples and the trigger fields are not rewritten), and the mark
takes the longest form everywhere, where the pattern could backtrack to a
shorter one.

Since the probe, acq_verb_en and acq_sell_en are phrases of the unit
DEAL_NAME_U (docs/rules.md, "Phrases"): the shipped rules no longer write
%{acq_verb_en}, so probe other lexicons, or the rules of a build before
757350d (--rules), to see what a phrase would save.

Usage: bench/lexicon_unit_probe.py --extract build/extract speech_verb_en [more lexicons]
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import rules_tool  # noqa: E402

MARK = "vvq"  # + a letter per lexicon: vvqa, vvqb, ...


def mark_of(i):
    return MARK + chr(ord("a") + i)


def lexicon_nodes(rules_dir):
    found = {}
    for path in rules_tool.yaml_files(rules_dir):
        doc = yaml.safe_load(open(path, encoding="utf-8")) or {}
        for name, node in (doc.get("lexicons") or {}).items():
            found[name] = node
    return found


def timed(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %M"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, check=True).stderr.strip().splitlines()[-1]
    wall, cpu, rss = out.split()
    return float(wall), float(cpu), int(rss) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lexicons", nargs="+")
    ap.add_argument("--extract", default=os.path.join(HERE, "..", "build", "extract"))
    ap.add_argument("--rules", default=os.path.join(HERE, "..", "rules"))
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus", "reuters-acq"))
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--runs", type=int, default=2)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.corpus, "*.txt")))
    if not files:
        print(f"lexicon_unit_probe: no articles in {a.corpus}; skipped", file=sys.stderr)
        return 0
    nodes = lexicon_nodes(a.rules)
    missing = [name for name in a.lexicons if name not in nodes]
    if missing:
        print(f"lexicon_unit_probe: no lexicon {', '.join(missing)} in {a.rules}", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="lexprobe-")
    try:
        rules = os.path.join(work, "rules")
        shutil.copytree(a.rules, rules)
        for path in rules_tool.yaml_files(rules):
            text = open(path, encoding="utf-8").read()
            for i, name in enumerate(a.lexicons):
                text = text.replace("%{" + name + "}", mark_of(i))
            open(path, "w", encoding="utf-8").write(text)
        users = set()  # the rules whose patterns use the lexicons
        for path in rules_tool.yaml_files(rules):
            for rule in (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("rules") or []:
                if MARK in str(rule.get("pattern", "")):
                    users.add(rule.get("id"))
        marks = [re.compile(r"\b" + rules_tool.lexicon_alternation(nodes[name]) + r"\b") for name in a.lexicons]
        marked_dir = os.path.join(work, "marked")
        os.makedirs(marked_dir)
        replaced = 0
        for path in files:
            text = open(path, encoding="utf-8", errors="replace").read()
            for i, rx in enumerate(marks):
                text, n = rx.subn(mark_of(i), text)
                replaced += n
            open(os.path.join(marked_dir, os.path.basename(path)), "w", encoding="utf-8").write(text)
        plain = os.path.join(work, "plain.jsonl")
        marked = os.path.join(work, "marked.jsonl")
        bench.make_jsonl(files, a.copies, plain)
        bench.make_jsonl(sorted(glob.glob(os.path.join(marked_dir, "*.txt"))), a.copies, marked)
        print(f"{len(files)} articles x{a.copies}; {replaced} lexicon matches marked per copy")
        runs = {"shipped": [a.extract, "-q", "-j1", "--rules", a.rules, "--input-format", "jsonl", plain],
                "marked": [a.extract, "-q", "-j1", "--rules", rules, "--input-format", "jsonl", marked]}
        for cmd in runs.values():  # the rule-set snapshots, written once
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        for _ in range(a.runs):
            for label, cmd in runs.items():
                wall, cpu, rss = timed(cmd)
                print(f"{label:8} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak RSS {rss:6.1f} MB")
        for label, cmd in runs.items():
            prof = subprocess.run(cmd + ["--profile-rules"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True, check=True).stderr.splitlines()
            # The rule table only: it ends at "all rules" (the steps' table follows).
            prof = prof[:next((i for i, line in enumerate(prof) if line.startswith("all rules")), len(prof))]
            total = sum(float(line.split()[1]) for line in prof[1:] if len(line.split()) > 1
                        and re.match(r"^[0-9.]+$", line.split()[1]))
            print(f"{label}: all rules {total:.0f} ms")
            for line in prof[1:]:
                if line.split() and line.split()[0] in users:
                    print("  " + line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
