#!/usr/bin/env python3
"""Checks extract's JSON Lines output: every line is valid JSON, validates
against docs/record.schema.json, and every fact's (and mention's) text equals
the input bytes at its offsets.

Usage: check_records.py OUTPUT.jsonl [INPUT_DIR_OR_FILE_ROOT]
Sources are read from the record's "source" path (relative to the current
directory); JSON Lines input records are checked against --input FILE.
"""
import argparse
import json
import sys

import jsonschema


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("--schema", default="docs/record.schema.json")
    ap.add_argument("--input", help="the JSON Lines input the output was made from")
    ap.add_argument("--min-records", type=int, default=1)
    args = ap.parse_args()

    schema = json.load(open(args.schema, encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    inputs = []
    if args.input:
        with open(args.input, "rb") as f:
            inputs = [json.loads(line)["text"].encode("utf-8") if line.strip().startswith(b"{") else None
                      for line in f]
    problems = 0
    records = 0
    with open(args.output, "rb") as f:
        for n, raw in enumerate(f, 1):
            records += 1
            try:
                rec = json.loads(raw)
            except ValueError as e:
                print(f"line {n}: not JSON: {e}")
                problems += 1
                continue
            for err in validator.iter_errors(rec):
                print(f"line {n}: schema: {err.message} at {list(err.absolute_path)}")
                problems += 1
            if "error" in rec:
                continue
            if args.input:
                data = inputs[n - 1]
            else:
                data = open(rec["source"], "rb").read()
            spans = [(f["start"], f["end"], f["text"], f["type"]) for f in rec["facts"]]
            for e in rec["entities"]:
                spans += [(m["start"], m["end"], m["text"], "mention") for m in e["mentions"]]
            for start, end, text, kind in spans:
                actual = data[start:end].decode("utf-8", errors="replace")
                if actual != text or not start < end <= len(data):
                    print(f"line {n}: {kind} text {text!r} != input[{start}:{end}] {actual!r}")
                    problems += 1
    if records < args.min_records:
        print(f"only {records} records")
        problems += 1
    print(f"{records} records checked, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
