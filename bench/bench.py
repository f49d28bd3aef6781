#!/usr/bin/env python3
"""Measure extract against cat and ripgrep; print a table and ratios (run via bench/run.sh).

Rows (all in one run, page cache warm, output to /dev/null):
  reuters folder   extract PATH over the 2,348 files, -j1 and -j2; cat; rg -j1 (with every
                   rule's pattern at once, with those under 20 KB, and one rg process per
                   rule, one after the other: "rg each", at most --rg-each-budget seconds)
  jsonl 1x/4x/16x  the same articles as JSON Lines records, repeated; extract -j1 (and -j2
                   on the largest); cat; rg
  large            JSON Lines repeated up to --large-mb (>= 100 MB): extract -j1 and -j2 in
                   turn, --large-rounds rounds (default 3), the median of each; cat, rg
  distinct         extract -j2 over --distinct (default: the reuters-all folder beside the
                   corpus, 21,479 different articles, 17 MB, when present): memory on text
                   that does not repeat, where the rules' DFA caches would keep growing
                   but for extract's automatic memory limit (the default, --max-memory
                   auto, which rebuilds them); and the same with --max-memory 0 (no limit;
                   bench's --max-memory sets another value); and the default on its first
                   quarter and half, for how the peak grows with distinct text
  rules 1x/2x/4x   extract -j1 over --rules-docs articles with the shipped rules, and with
                   every rule duplicated 2x and 4x under new ids (bench/rules_tool.py dup);
                   --rules-rounds rounds (default 7) of the three in turn, the median wall
                   and the median CPU time of each
  steps            one extract -j1 --profile-rules over the folder: the time of each step of the
                   run (language, scan, values and overlaps, assembly, records) and its share
  load             extract on an empty input (median of 5): rule-set load + startup; and on
                   one article (median of 5): what `extract article.txt` costs, load included;
                   each from the rule-set snapshot (the usual case after the first run) and
                   with --no-cache (the YAML files parsed and checked, every pattern compiled)
Every run keeps its rule-set snapshots in the benchmark's temporary folder, never in
the user's cache; the first run of each rule set writes its snapshot.
An extract run whose projected time (from the rate of the largest -j1 run so far, at first
a 100-article probe) exceeds
--budget seconds is not started; the table says so. An extract run shorter than
--repeat-under seconds (default 3) runs three times and the median is shown ("median
of 3"): the short rows (the folder, JSON Lines 1x, the rule-count rows) decide ratios
and were the noisiest; so do the two full distinct rows (with and without the memory
limit), which run three times whatever their length (not with --repeat-under 0). Timings are wall-clock; CPU seconds (user+sys) are shown too,
since the machine may be shared.
"""

import argparse
import glob
import json
import math
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def measure(cmd, stdin=None, stdout=None, timeout=None):
    """Run cmd under /usr/bin/time; return dict(wall, cpu, rss_mb, status)."""
    fd, tfile = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    # /usr/bin/time for the peak RSS alone: its %e, %U and %S have 10 ms
    # steps, so wall time is our own clock's and CPU time the kernel's.
    full = ["/usr/bin/time", "-f", "%M", "-o", tfile] + cmd
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(stdout, "wb") if stdout else subprocess.DEVNULL
    # (The kernel's accounting of waited-for children: to the microsecond.)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(full, stdin=fin, stdout=fout, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
        status = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        status = "timeout"
        err = b""
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    if stdin:
        fin.close()
    if stdout:
        fout.close()
    res = {"wall": wall, "cpu": None, "rss_mb": None, "status": status}
    try:
        fields = open(tfile).read().split()
        # The last line holds the number (a "Command exited" line may come first).
        res.update(cpu=cpu, rss_mb=int(fields[-1]) / 1024)
    except (ValueError, IndexError):
        pass
    os.unlink(tfile)
    if status not in (0, "timeout") and err:
        res["error"] = err.decode("utf-8", "replace").strip().splitlines()[-1:]
    return res


def make_jsonl(files, copies, path):
    """Articles as JSON Lines records, `copies` times over (ids unique); returns text bytes."""
    texts = [(os.path.basename(f)[:-4], open(f, encoding="utf-8", errors="replace").read()) for f in files]
    with open(path, "w", encoding="utf-8") as out:
        for c in range(copies):
            for name, text in texts:
                out.write(json.dumps({"id": f"{name}-{c}", "text": text}, ensure_ascii=False) + "\n")
    return len(texts) * copies


def median_run(runs):
    """The run of median wall time, with the median CPU time of all (each its own median: a
    busy moment moves one run's wall more than its CPU) and the largest peak RSS of all."""
    ordered = sorted(runs, key=lambda x: x["wall"])
    cpus = [x["cpu"] for x in ordered if x["cpu"] is not None]
    return dict(ordered[len(ordered) // 2], rss_mb=max(x["rss_mb"] or 0.0 for x in ordered),
                cpu=statistics.median(cpus) if cpus else None)


def walls_of(runs):
    """The runs' wall times, in the order they ran, to a tenth of a second."""
    return " ".join(f"{r['wall']:.1f}" for r in runs)


def folder_steps(cmd):
    """The steps' table that --profile-rules prints after the rules' (name, ms, share), from one run;
    [] when the run fails or prints none."""
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    steps, on = [], False
    for line in p.stderr.splitlines() if p.returncode == 0 else []:
        if line.split()[:3] == ["step", "ms", "share"]:
            on = True
        elif on and line.endswith("%"):
            name, ms, share = line.rsplit(None, 2)
            steps.append((name.strip(), float(ms), share))
        elif on:
            break
    return steps


class Bench:
    def __init__(self, a):
        self.a = a
        self.steps = []
        self.rows = []
        self.rate = {}  # load seconds; seconds per MB (-j1) and the MB it was measured on

    def row(self, group, what, tool, mb, docs, r, note=""):
        row = {"group": group, "input": what, "tool": tool, "mb": mb, "docs": docs, **r, "note": note}
        if r.get("status") == 0 and r["wall"] > 0:
            row["mbps"] = mb / r["wall"]
            row["docsps"] = docs / r["wall"] if docs else None
        self.rows.append(row)
        shown = f"{r['wall']:.2f} s" if r.get("status") == 0 else f"status {r.get('status')} {r.get('error', '')}"
        log(f"{group:<14} {what:<14} {tool:<16} {shown} {note}")
        return row

    def skipped(self, group, what, tool, mb, docs, why):
        self.rows.append({"group": group, "input": what, "tool": tool, "mb": mb, "docs": docs,
                          "status": "skipped", "note": why, "wall": None, "cpu": None, "rss_mb": None})
        log(f"{group:<14} {what:<14} {tool:<16} skipped: {why}")

    def projected(self, mb, jobs):
        """Seconds an extract run over mb MB should take, from the probe; None if unknown."""
        if "load" not in self.rate or "per_mb" not in self.rate:
            return None
        return self.rate["load"] + self.rate["per_mb"] * mb / (1.0 if jobs == 1 else 1.5)

    def extract(self, group, what, args, mb, docs, jobs, rules=None, factor=1.0, tool=None, repeat=False):
        tool = tool or f"extract -j{jobs}"
        p = self.projected(mb * factor, jobs)
        if p is not None and p > self.a.budget:
            return self.skipped(group, what, tool, mb, docs,
                                f"projected {p:.0f} s > budget {self.a.budget:.0f} s")
        cmd = [self.a.extract, "-q", "-j", str(jobs), "--rules", rules or self.a.rules] + args
        r = measure(cmd, timeout=max(self.a.budget * 2, 60))
        note = ""
        # A short run is at the mercy of whatever else the machine does for a
        # moment: run it three times and keep the median (wall and CPU of the
        # median run, the largest peak RSS).
        if r["status"] == 0 and (r["wall"] < self.a.repeat_under or (repeat and self.a.repeat_under > 0)):
            runs = [r] + [measure(cmd, timeout=max(self.a.budget * 2, 60)) for _ in range(2)]
            if all(x["status"] == 0 for x in runs):
                r = median_run(runs)
                note = "median of 3"
        # Later rows are projected from the largest corpus measured so far with
        # the shipped rules and -j1, not from the cold 100-article probe: the
        # rules' DFAs warm up, so the probe's rate overestimates large runs.
        if (jobs == 1 and rules is None and r["status"] in (0, 2) and "load" in self.rate
                and mb > self.rate.get("per_mb_from", 0.0)):
            self.rate["per_mb"] = max(0.0, r["wall"] - self.rate["load"]) / mb
            self.rate["per_mb_from"] = mb
        return self.row(group, what, tool, mb, docs, r, note)

    def large_in_turn(self, what, args, mb, docs, jobs):
        """The large rows: -j1 and -j2 in turn, --large-rounds rounds, the median of each.

        They decide the scaling target, and each runs tens of seconds on a machine whose
        two cores are slower together at times: run once, the ratio read 1.78x, 2.02x and
        1.79x in three benchmark runs of one day (2026-12-07). In turn, a slow spell
        slows both rows of a round alike."""
        p = max((self.projected(mb, j) or 0.0) for j in jobs)
        if p > self.a.budget:
            for j in jobs:
                self.skipped("size", what, f"extract -j{j}", mb, docs,
                             f"projected {p:.0f} s > budget {self.a.budget:.0f} s")
            return
        runs = self.in_turn("size", what, mb, docs, self.a.large_rounds,
                            [(f"extract -j{j}", [self.a.extract, "-q", "-j", str(j), "--rules", self.a.rules] + args)
                             for j in jobs],
                            lambda runs: f"median of {len(runs)} in turn ({walls_of(runs)} s)", log_rounds=True)
        r1 = runs.get("extract -j1", [])
        if r1 and all(x["status"] == 0 for x in r1) and "load" in self.rate:
            self.rate["per_mb"] = max(0.0, median_run(r1)["wall"] - self.rate["load"]) / mb
            self.rate["per_mb_from"] = mb

    def in_turn(self, group, what, mb, docs, rounds, variants, note, log_rounds=False):
        """Each (tool, cmd) of `variants` run once per round, one after the other, `rounds`
        rounds; a row per tool: the median run (median_run), with note(runs), or the first
        failed run. Returns the runs by tool."""
        runs = {tool: [] for tool, _ in variants}
        for i in range(rounds):
            for tool, cmd in variants:
                r = measure(cmd, timeout=max(self.a.budget * 2, 60))
                if log_rounds:
                    log(f"{what} {tool} round {i + 1}: {r['wall']:.2f} s wall, {r['cpu'] or 0:.2f} s CPU")
                runs[tool].append(r)
        for tool, _ in variants:
            failed = [x for x in runs[tool] if x["status"] != 0]
            if failed:
                self.row(group, what, tool, mb, docs, failed[0])
            else:
                self.row(group, what, tool, mb, docs, median_run(runs[tool]), note(runs[tool]))
        return runs

    def run(self):
        a = self.a
        work = tempfile.mkdtemp(prefix="extract-bench-")
        try:
            self._run(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _run(self, work):
        a = self.a
        files = sorted(glob.glob(os.path.join(a.corpus, "*.txt")))
        size = sum(os.path.getsize(f) for f in files)
        mb1 = size / 1e6
        log(f"corpus: {len(files)} files, {mb1:.2f} MB; extract: {a.extract}; rules: {a.rules}")
        rg = shutil.which("rg")
        # Two pattern files for rg: every rule, and the rules whose expanded pattern is
        # under 20 KB (i.e. without those that inline the organisation gazetteer).
        rg_base = [rg, "--no-config", "-U", "--count-matches", "--no-filename", "--regex-size-limit", "1G",
                   "--dfa-size-limit", "1G"]
        rg_sets = []
        pattern_files = {}
        for label, extra in (("rg all", []), ("rg <20KB", ["--max-len", "20000"])):
            pats = os.path.join(work, f"patterns{len(rg_sets)}.rg")
            with open(pats, "w") as f:
                subprocess.run([sys.executable, os.path.join(HERE, "rules_tool.py"), "patterns", a.rules,
                                "--rg"] + extra, stdout=f, check=True)
            npat = sum(1 for _ in open(pats))
            pattern_files[label] = pats
            rg_sets.append((label, npat, rg_base + ["-f", pats]))
        # And one rg process per rule, one after the other: each rule's pattern
        # as its own automaton, as extract runs them (rg with all patterns at
        # once builds one automaton of their union, and has never finished the
        # folder in the budget).
        each_pats = [p for p in open(pattern_files["rg all"]).read().splitlines() if p]
        rg_ok = {}  # label -> False once it timed out (not retried on bigger inputs)
        each_rate = {}  # seconds per MB of "rg each", for projecting larger inputs

        def rg_each(group, what, target, mb, docs):
            tool = "rg each -j1"
            if rg_ok.get(tool) is False:
                return self.skipped(group, what, tool, mb, docs, "timed out on a smaller input")
            if "per_mb" in each_rate and each_rate["per_mb"] * mb > a.rg_each_budget:
                return self.skipped(group, what, tool, mb, docs,
                                    f"projected {each_rate['per_mb'] * mb:.0f} s > --rg-each-budget "
                                    f"{a.rg_each_budget:.0f} s")
            glob_arg = ["--glob", "*.txt"] if os.path.isdir(target) else []
            out = os.path.join(work, "rg.out")
            total = {"wall": 0.0, "cpu": 0.0, "rss_mb": 0.0, "status": 0}
            matches = 0
            for pattern in each_pats:
                left = a.rg_each_budget - total["wall"]
                r = measure(rg_base + ["-j", "1", *glob_arg, "-e", pattern, target], stdout=out,
                            timeout=max(left, 0.1))
                total["wall"] += r["wall"]
                total["cpu"] += r["cpu"] or 0.0
                total["rss_mb"] = max(total["rss_mb"], r["rss_mb"] or 0.0)
                if r["status"] not in (0, 1):  # 1: no match
                    total["status"] = r["status"]
                    rg_ok[tool] = False
                    break
                matches += sum(int(x) for x in open(out).read().split() if x.isdigit())
            if total["status"] == 0:
                each_rate["per_mb"] = total["wall"] / mb
            self.row(group, what, tool, mb, docs, total,
                     f"{matches} matches, {len(each_pats)} patterns, one rg each")

        def baselines(group, what, target, mb, docs, rg_jobs=(1,)):
            if os.path.isdir(target):
                cat = ["sh", "-c", 'cat "$0"/*.txt', target]
            else:
                cat = ["cat", target]
            measure(cat)  # warm the page cache
            self.row(group, what, "cat", mb, docs, measure(cat))
            if not rg:
                return self.skipped(group, what, "rg", mb, docs, "ripgrep not installed")
            for label, npat, base in rg_sets:
                for j in rg_jobs:
                    tool = f"{label} -j{j}"
                    if rg_ok.get(label) is False:
                        self.skipped(group, what, tool, mb, docs, "timed out on a smaller input")
                        continue
                    glob_arg = ["--glob", "*.txt"] if os.path.isdir(target) else []
                    out = os.path.join(work, "rg.out")
                    r = measure(base + ["-j", str(j)] + glob_arg + [target], stdout=out, timeout=a.rg_budget)
                    matches = 0
                    if r["status"] in (0, 1):  # 1: no match
                        r["status"] = 0
                        matches = sum(int(x) for x in open(out).read().split() if x.isdigit())
                    else:
                        rg_ok[label] = False
                    self.row(group, what, tool, mb, docs, r, f"{matches} matches, {npat} patterns")
            rg_each(group, what, target, mb, docs)

        os.environ["EXTRACT_CACHE_DIR"] = os.path.join(work, "rule-cache")

        # 1. Load time (empty input), median of 5 (after one run that writes the snapshot).
        def median_of_5(cmd, stdin=None):
            measure(cmd, stdin=stdin)
            walls, rss = [], []
            for _ in range(5):
                r = measure(cmd, stdin=stdin)
                walls.append(r["wall"])
                rss.append(r["rss_mb"] or 0)
            return statistics.median(walls), max(rss)

        def load_time(rules, extra=()):
            return median_of_5([a.extract, "-q", "--rules", rules, "--input-format", "jsonl", *extra], stdin=os.devnull)

        # Probe: load time, and the rate on the first 100 articles, to project run times.
        self.rate["load"], _ = load_time(a.rules)
        # Without the snapshot; and one article, the way a person runs it: load, one scan cold, exit.
        for tool, extra in (("extract rules 1x", []), ("extract --no-cache", ["--no-cache"])):
            if extra:
                lt, lrss = load_time(a.rules, extra)
                self.rows.append({"group": "load", "input": "empty", "tool": tool, "mb": 0, "docs": 0, "status": 0,
                                  "wall": lt, "cpu": None, "rss_mb": lrss, "note": "median of 5"})
            wall, rss = median_of_5([a.extract, "-q", "--rules", a.rules, *extra, files[0]])
            self.rows.append({"group": "load", "input": "1 article", "tool": tool,
                              "mb": os.path.getsize(files[0]) / 1e6, "docs": 1, "status": 0,
                              "wall": wall, "cpu": None, "rss_mb": rss, "note": "median of 5"})
        ppath = os.path.join(work, "probe.jsonl")
        pdocs = make_jsonl(files[:100], 1, ppath)
        pmb = os.path.getsize(ppath) / 1e6
        r = measure([a.extract, "-q", "-j", "1", "--rules", a.rules, "--input-format", "jsonl", ppath])
        if r["status"] in (0, 2):
            self.rate["per_mb"] = max(0.0, r["wall"] - self.rate["load"]) / pmb
            log(f"probe: load {self.rate['load']:.2f} s, {pdocs} docs {pmb:.2f} MB in {r['wall']:.2f} s "
                f"-> 1x folder projected {self.projected(mb1, 1):.0f} s")

        # 2. The reuters folder.
        baselines("reuters", "folder 1x", a.corpus, mb1, len(files))
        for j in (1, 2):
            self.extract("reuters", "folder 1x", ["--include", "*.txt", a.corpus], mb1, len(files), j)

        # Where a folder run's time goes, step by step (extract --profile-rules).
        self.steps = folder_steps([a.extract, "-q", "-j", "1", "--rules", a.rules, "--profile-rules",
                                   "--include", "*.txt", a.corpus])

        # 3. JSON Lines, 1x 4x 16x, and the large corpus.
        large_copies = max(16, math.ceil(a.large_mb * 1e6 / size))
        for copies in sorted({1, 4, 16, large_copies}):
            path = os.path.join(work, f"corpus{copies}.jsonl")
            docs = make_jsonl(files, copies, path)
            mb = os.path.getsize(path) / 1e6
            what = f"jsonl {copies}x" if copies in (1, 4, 16) else f"large {copies}x"
            baselines("size", what, path, mb, docs)
            jobs = (1, 2) if copies in (1, large_copies) else (1,)
            if copies == 16 and large_copies == 16:
                what = "large 16x"
            if copies == large_copies and copies != 1 and a.large_rounds > 1:
                self.large_in_turn(what, ["--input-format", "jsonl", path], mb, docs, jobs)
            else:
                for j in jobs:
                    self.extract("size", what, ["--input-format", "jsonl", path], mb, docs, j)
            if copies != 1:
                os.unlink(path)

        # 4. Distinct articles: the DFA caches grow with text that does not repeat.
        distinct = a.distinct or os.path.join(os.path.dirname(os.path.abspath(a.corpus)), "reuters-all")
        dfiles = sorted(glob.glob(os.path.join(distinct, "*.txt")))
        if dfiles:
            dmb = sum(os.path.getsize(f) for f in dfiles) / 1e6
            dname = os.path.basename(distinct.rstrip("/"))[:12]
            # How the peak grows with distinct text: the first quarter and
            # half of the articles (in the folder's sorted order), then all.
            for frac, label in ((4, "1/4"), (2, "1/2")):
                part = dfiles[: len(dfiles) // frac]
                pmb = sum(os.path.getsize(f) for f in part) / 1e6
                self.extract("distinct", f"{dname[:7]} {label}", part, pmb, len(part), 2)
            # These two decide a ratio: three runs each, the median.
            self.extract("distinct", dname, ["--include", "*.txt", distinct], dmb, len(dfiles), 2, repeat=True)
            # The same with another limit on the heap (default: none); by
            # default extract sets one itself (--max-memory auto).
            self.extract("distinct", dname, ["--max-memory", str(a.max_memory), "--include", "*.txt", distinct],
                         dmb, len(dfiles), 2, tool=f"extract -j2 --max-memory {a.max_memory}", repeat=True)
        else:
            log(f"distinct: {distinct} not found, skipped")

        # 5. Rule count: 1x, 2x, 4x (all rules duplicated under new ids).
        sample = files[: a.rules_docs]
        spath = os.path.join(work, "sample.jsonl")
        sdocs = make_jsonl(sample, 1, spath)
        smb = os.path.getsize(spath) / 1e6
        sets = []
        for k in (1, 2, 4):
            rules = a.rules
            if k > 1:
                rules = os.path.join(work, f"rules{k}")
                subprocess.run([sys.executable, os.path.join(HERE, "rules_tool.py"), "dup", a.rules, rules, str(k)],
                               check=True)
            lt, lrss = load_time(rules)
            self.rows.append({"group": "load", "input": "empty", "tool": f"extract rules {k}x", "mb": 0,
                              "docs": 0, "status": 0, "wall": lt, "cpu": None, "rss_mb": lrss,
                              "note": "median of 5"})
            log(f"load rules {k}x: {lt * 1000:.0f} ms, {lrss:.0f} MB")
            sets.append((k, rules))
        # These rows decide a ratio of runs a few tenths of a second long on
        # a machine that others share: a busy moment slowed one row of three
        # consecutive runs and moved the ratio (2.03x against 2.6x a minute
        # apart, 2026-12-05). So the sets run in turn, --rules-rounds rounds
        # of 1x, 2x, 4x, a busy moment slowing all three alike; the median
        # of each (wall and CPU of the median run, the largest peak RSS).
        what = f"{sdocs} docs"
        p = self.projected(smb * 4, 1)
        if p is not None and p > a.budget:
            for k, _ in sets:
                self.skipped("rules", what, f"extract rules {k}x", smb, sdocs,
                             f"projected {p:.0f} s for 4x > budget {a.budget:.0f} s")
            return
        self.in_turn("rules", what, smb, sdocs, a.rules_rounds,
                     [(f"extract rules {k}x",
                       [a.extract, "-q", "-j", "1", "--rules", rules, "--input-format", "jsonl", spath])
                      for k, rules in sets],
                     lambda runs: f"median of {len(runs)}, sets in turn")

    def report(self):
        print()
        print(f"{'group':<8} {'input':<12} {'tool':<17} {'MB':>8} {'docs':>8} {'wall s':>8} {'cpu s':>8} "
              f"{'MB/s':>8} {'docs/s':>9} {'RSS MB':>7}  note")
        for r in self.rows:
            def f(v, fmt):
                return format(v, fmt) if isinstance(v, (int, float)) else "-"
            status = "" if r["status"] == 0 else f"[{r['status']}] "
            print(f"{r['group']:<8} {r['input']:<12} {r['tool']:<17} {f(r['mb'], '8.2f')} {f(r['docs'], '8d')} "
                  f"{f(r['wall'], '8.3f')} {f(r['cpu'], '8.3f')} {f(r.get('mbps'), '8.3g')} "
                  f"{f(r.get('docsps'), '9.0f')} {f(r['rss_mb'], '7.1f')}  {status}{r['note']}")
        print()
        get = {}
        for r in self.rows:
            get[(r["group"], r["input"], r["tool"])] = r

        def val(g, i, t, k="wall"):
            r = get.get((g, i, t))
            return r.get(k) if r and r.get("status") == 0 else None

        def ratio(name, x, y, target=""):
            if x is None or y is None or y == 0:
                print(f"  {name:<48} n/a {target}")
            else:
                print(f"  {name:<48} {x / y:8.3g} {target}")

        print("Ratios")
        ratio("extract -j1 MB/s / cat MB/s (reuters folder)",
              val("reuters", "folder 1x", "extract -j1", "mbps"), val("reuters", "folder 1x", "cat", "mbps"))
        for label in ("rg all", "rg <20KB", "rg each"):
            ratio(f"extract -j1 MB/s / {label} -j1 MB/s (reuters folder)",
                  val("reuters", "folder 1x", "extract -j1", "mbps"), val("reuters", "folder 1x", f"{label} -j1", "mbps"))
        print(f"  {'extract -j1 MB/s (reuters folder)':<48} "
              f"{val('reuters', 'folder 1x', 'extract -j1', 'mbps') or float('nan'):8.3g} (target >= 25)")
        ratio("-j2 / -j1 speedup (reuters folder)",
              val("reuters", "folder 1x", "extract -j1"), val("reuters", "folder 1x", "extract -j2"))
        larges = [r for r in self.rows if r["group"] == "size" and r["input"].startswith("large")]
        li = larges[0]["input"] if larges else "large"
        ratio(f"-j2 / -j1 speedup ({li})", val("size", li, "extract -j1"), val("size", li, "extract -j2"),
              "(target >= 1.8)")
        ratio("-j2 / -j1 speedup (jsonl 1x)", val("size", "jsonl 1x", "extract -j1"), val("size", "jsonl 1x", "extract -j2"))
        for c in ("4x", "16x"):
            ratio(f"time jsonl {c} / jsonl 1x (-j1)", val("size", f"jsonl {c}", "extract -j1"),
                  val("size", "jsonl 1x", "extract -j1"), f"(ideal {c[:-1]})")
        # extract as it runs by default (not the row without a memory limit).
        rss = [r["rss_mb"] for r in self.rows
               if r["tool"] in ("extract -j1", "extract -j2") and r["status"] == 0]
        if rss:
            print(f"  {'peak RSS of extract runs, min .. max (MB)':<48} {min(rss):8.1f} .. {max(rss):.1f} (target < 64, flat)")
        for r in self.rows:
            if r["group"] == "distinct" and r["status"] == 0:
                label = f"  of which on distinct articles, {r['mb']:.1f} MB" + (r["tool"][len("extract -j2"):] or "")
                print(f"  {label:<48} {r['rss_mb']:8.1f}")
        dname = next((r["input"] for r in self.rows if r["group"] == "distinct" and "/" not in r["input"]), None)
        if dname:
            ratio(f"time default (auto limit) / --max-memory {self.a.max_memory} (distinct, -j2)",
                  val("distinct", dname, "extract -j2"),
                  val("distinct", dname, f"extract -j2 --max-memory {self.a.max_memory}"))
        sd = [r["input"] for r in self.rows if r["group"] == "rules"]
        if sd:
            ratio("time rules 2x / rules 1x", val("rules", sd[0], "extract rules 2x"), val("rules", sd[0], "extract rules 1x"))
            ratio("time rules 4x / rules 1x", val("rules", sd[0], "extract rules 4x"), val("rules", sd[0], "extract rules 1x"),
                  "(target < 2)")
            ratio("CPU time rules 4x / rules 1x", val("rules", sd[0], "extract rules 4x", "cpu"),
                  val("rules", sd[0], "extract rules 1x", "cpu"))
        lt = val("load", "empty", "extract rules 1x")
        ms = [("startup with the shipped rules (ms)", lt, "(target < 50)"),
              ("  the same, --no-cache (ms)", val("load", "empty", "extract --no-cache"), ""),
              ("one article, load included (ms)", val("load", "1 article", "extract rules 1x"), ""),
              ("  the same, --no-cache (ms)", val("load", "1 article", "extract --no-cache"), "")]
        for label, v, note in ms:
            if v is not None:
                print(f"  {label:<48} {v * 1000:8.0f} {note}")
        ratio("load rules 4x / load rules 1x", val("load", "empty", "extract rules 4x"), lt)
        if self.steps:
            print("\nSteps of a folder run (-j1, one run with --profile-rules, whose timers add a little)")
            for name, ms, share in self.steps:
                print(f"  {name:<48} {ms:8.1f} ms {share:>6}")


def newest_build(repo):
    cands = [p for p in glob.glob(os.path.join(repo, "build*", "extract")) if os.access(p, os.X_OK)]
    return max(cands, key=os.path.getmtime) if cands else shutil.which("extract")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--repo", default=os.path.dirname(HERE))
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--extract", help="extract binary (default: the newest build*/extract)")
    ap.add_argument("--rules", help="rules directory (default: REPO/rules)")
    ap.add_argument("--budget", type=float, default=900, help="longest extract run to start, seconds")
    ap.add_argument("--rg-budget", type=float, help="longest rg run, seconds (default: --budget)")
    ap.add_argument("--rg-each-budget", type=float, default=120,
                    help="longest run of one rg per rule, all rules together, seconds (default 120)")
    ap.add_argument("--large-mb", type=float, default=100, help="size of the large corpus")
    ap.add_argument("--large-rounds", type=int, default=3,
                    help="rounds of the large rows, each running -j1 and -j2 in turn; the median is shown "
                         "(1: each once)")
    ap.add_argument("--rules-docs", type=int, default=100000, help="articles for the rule-count rows")
    ap.add_argument("--rules-rounds", type=int, default=7,
                    help="rounds of the rule-count rows, each running 1x, 2x and 4x in turn; the median is shown")
    ap.add_argument("--repeat-under", type=float, default=3.0,
                    help="extract runs shorter than this (seconds) run three times; the median is shown "
                         "(0: every run once)")
    ap.add_argument("--tsv", help="also write the rows here, tab-separated")
    ap.add_argument("--max-memory", default="0",
                    help="extract --max-memory for the second distinct row (default 0: no limit; the first "
                         "row has extract's default, auto)")
    ap.add_argument("--distinct", help="folder of distinct articles for the memory row (default: reuters-all "
                                       "beside --corpus)")
    a = ap.parse_args()
    a.rg_budget = a.rg_budget or a.budget
    a.extract = os.path.abspath(a.extract or newest_build(a.repo) or "extract")
    a.rules = os.path.abspath(a.rules or os.path.join(a.repo, "rules"))
    b = Bench(a)
    t0 = time.monotonic()
    b.run()
    b.report()
    print(f"\n(bench took {time.monotonic() - t0:.0f} s; {os.cpu_count()} cores; load average at the end "
          f"{os.getloadavg()[0]:.1f})")
    if a.tsv:
        keys = ["group", "input", "tool", "mb", "docs", "wall", "cpu", "mbps", "docsps", "rss_mb", "status", "note"]
        with open(a.tsv, "w") as f:
            f.write("\t".join(keys) + "\n")
            for r in b.rows:
                f.write("\t".join("" if r.get(k) is None else str(r.get(k)) for k in keys) + "\n")


if __name__ == "__main__":
    main()
