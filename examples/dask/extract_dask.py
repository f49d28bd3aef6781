#!/usr/bin/env python3
"""Run `extract --input-format jsonl` over a JSON Lines file on a Dask cluster.

The input is cut into partitions of whole lines (byte ranges of the file);
each partition is piped through one `extract --input-format jsonl` process on
a Dask worker, as Spark's RDD.pipe does; the outputs are gathered back in input
order into one JSON Lines file, written atomically (temporary file + rename).

Without --scheduler, the script starts its own cluster on loopback: one
`dask-scheduler` and N `dask-worker` processes (separate OS processes, bound to
127.0.0.1, dashboards off), and always tears them down at the end, also on
errors, timeouts and Ctrl-C. With --scheduler ADDRESS (or --scheduler-file) it
uses an existing cluster instead and leaves it running.

Usage:
  extract_dask.py --input docs.jsonl --output facts.jsonl \
      [--extract /path/to/extract] [--rules rules/] [--partitions 8] \
      [--workers 2] [--timeout 300] [--scheduler tcp://host:8786]

Requirements: Debian's python3-distributed (dask-scheduler, dask-worker), and
the `extract` binary and rules directory at the same paths on every worker
(here: the same machine). Input and output files must be visible to the
workers at the same path (shared filesystem) since workers read their byte
range themselves; only the extract output travels back through Dask.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def log(msg):
    print(f"extract_dask: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Partitioning: line-aligned byte ranges, computed by the client without
# reading the whole file (seek to each cut, move to the next newline).

def line_aligned_ranges(path, partitions):
    size = os.path.getsize(path)
    if size == 0:
        return []
    partitions = max(1, partitions)
    cuts = [0]
    with open(path, "rb") as f:
        for k in range(1, partitions):
            target = size * k // partitions
            if target <= cuts[-1]:
                continue
            f.seek(target - 1)
            f.readline()  # finish the line that contains byte target-1
            pos = f.tell()
            if cuts[-1] < pos < size:
                cuts.append(pos)
    cuts.append(size)
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


# --------------------------------------------------------------------------
# The task run on a worker: read one byte range, pipe it through extract.

def pipe_partition(index, path, start, end, command, env_extra):
    import socket

    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if data and not data.endswith(b"\n"):
        data += b"\n"  # the last line of a file without a final newline
    env = dict(os.environ)
    env.update(env_extra)
    t0 = time.monotonic()
    proc = subprocess.run(command, input=data, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env)
    seconds = time.monotonic() - t0
    lines_in = data.count(b"\n")
    lines_out = proc.stdout.count(b"\n")
    # Exit status 2 with one record per line means "some records were
    # errors" (reported in the output as error records): not a task failure.
    if proc.returncode not in (0, 2) or lines_in != lines_out:
        raise RuntimeError(
            f"partition {index}: extract exited {proc.returncode}, "
            f"{lines_in} lines in, {lines_out} lines out: "
            f"{proc.stderr.decode('utf-8', 'replace')[-2000:]}")
    try:
        from distributed import get_worker
        worker = get_worker().address
    except Exception:  # not running inside a worker (e.g. a local test)
        worker = socket.gethostname()
    return {"index": index, "output": proc.stdout, "lines": lines_in,
            "status": proc.returncode, "worker": worker, "pid": os.getpid(),
            "seconds": seconds}


# --------------------------------------------------------------------------
# extract names each record's source "-:N", N = line number within its stdin,
# i.e. within the partition. Rewrite it to NAME:(first line of partition + N)
# so the result does not depend on partitioning. JSON escaping guarantees the
# unescaped byte sequence "source":"-: only occurs as the record's own key,
# which comes before facts; only the first occurrence per line is rewritten.

SOURCE_RE = re.compile(rb'"source":"-:(\d+)"')


def renumber(output, name, first_line):
    name_json = json.dumps(name.decode("utf-8"), ensure_ascii=False).encode("utf-8")[1:-1]
    lines = output.split(b"\n")
    for i, line in enumerate(lines):
        lines[i] = SOURCE_RE.sub(
            lambda m: b'"source":"' + name_json + b":" + str(first_line + int(m.group(1))).encode() + b'"',
            line, count=1)
    return b"\n".join(lines)


# --------------------------------------------------------------------------
# A throwaway cluster on loopback: separate scheduler and worker processes.

class LoopbackCluster:
    def __init__(self, workers, workdir, python):
        self.workers = workers
        self.workdir = workdir
        self.python = python
        self.procs = []
        self.scheduler_file = os.path.join(workdir, "scheduler.json")

    def _spawn(self, name, args):
        logf = open(os.path.join(self.workdir, f"{name}.log"), "wb")
        # A new session per process so that teardown can signal the whole
        # process group (a worker's nanny and its child).
        p = subprocess.Popen(args, stdout=logf, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True,
                             cwd=self.workdir)
        logf.close()
        self.procs.append((name, p))
        return p

    def start(self, timeout):
        py = self.python
        self._spawn("scheduler", [
            py, "-m", "distributed.cli.dask_scheduler",
            "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--no-show",
            "--scheduler-file", self.scheduler_file,
            # If this script is killed without teardown, the scheduler
            # exits by itself after two idle minutes.
            "--idle-timeout", "120s"])
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.scheduler_file):
            self._check_alive()
            if time.monotonic() > deadline:
                raise TimeoutError("scheduler did not start in time")
            time.sleep(0.1)
        for i in range(self.workers):
            self._spawn(f"worker{i}", [
                py, "-m", "distributed.cli.dask_worker",
                "--scheduler-file", self.scheduler_file,
                "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                "--no-nanny", "--no-dashboard", "--name", f"worker{i}",
                "--memory-limit", "0",
                "--local-directory", os.path.join(self.workdir, f"worker{i}"),
                # Orphaned workers exit when the scheduler goes away.
                "--death-timeout", "30"])

    def _check_alive(self):
        for name, p in self.procs:
            if p.poll() is not None:
                with open(os.path.join(self.workdir, f"{name}.log"), "rb") as f:
                    tail = f.read()[-2000:].decode("utf-8", "replace")
                raise RuntimeError(f"{name} exited with {p.returncode}:\n{tail}")

    def stop(self):
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            alive = [(n, p) for n, p in self.procs if p.poll() is None]
            for _, p in alive:
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + wait
            for _, p in alive:
                try:
                    p.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, help="JSON Lines records {id, text, published?, lang?}")
    ap.add_argument("--output", required=True, help="JSON Lines result, one line per input line")
    ap.add_argument("--extract", default=shutil.which("extract") or "extract",
                    help="path of the extract binary (same path on every worker)")
    ap.add_argument("--rules", default=None, help="rules directory (default: $EXTRACT_RULES or installed)")
    ap.add_argument("--extra-arg", action="append", default=[],
                    help="more arguments for extract, e.g. --extra-arg=--lang=en (repeatable)")
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="workers of the loopback cluster")
    ap.add_argument("--scheduler", help="address of an existing scheduler (no local cluster)")
    ap.add_argument("--scheduler-file", help="scheduler file of an existing cluster")
    ap.add_argument("--timeout", type=float, default=300, help="seconds for the whole run")
    ap.add_argument("--keep-logs", help="copy the cluster logs to this folder")
    ap.add_argument("--source-name", default=None,
                    help="name for the records' \"source\" field, NAME:LINE (default: --input as "
                         "given, as `extract --input-format jsonl FILE` writes it; '-' = as from stdin)")
    args = ap.parse_args()

    from distributed import Client, wait

    started = time.monotonic()
    deadline = started + args.timeout
    remaining = lambda: max(1.0, deadline - time.monotonic())  # noqa: E731

    extract = os.path.abspath(args.extract) if os.path.sep in args.extract else args.extract
    command = [extract, "--input-format", "jsonl", "--format", "jsonl", "-j", "1", "-q"]
    if args.rules:
        command += ["--rules", os.path.abspath(args.rules)]
    command += args.extra_arg
    inp = os.path.abspath(args.input)
    source_name = (args.input if args.source_name is None else args.source_name).encode("utf-8")
    ranges = line_aligned_ranges(inp, args.partitions)

    workdir = tempfile.mkdtemp(prefix="extract-dask-")
    cluster = None
    client = None
    status = 1
    try:
        if args.scheduler or args.scheduler_file:
            client = Client(args.scheduler, scheduler_file=args.scheduler_file,
                            timeout=remaining())
        else:
            cluster = LoopbackCluster(args.workers, workdir, sys.executable)
            cluster.start(timeout=min(60.0, remaining()))
            client = Client(scheduler_file=cluster.scheduler_file, timeout=remaining())
            client.wait_for_workers(args.workers, timeout=min(60.0, remaining()))
        workers = sorted(client.scheduler_info()["workers"])
        log(f"cluster: {client.scheduler.address}, {len(workers)} workers; "
            f"{len(ranges)} partitions of {os.path.getsize(inp)} bytes")

        futures = [client.submit(pipe_partition, i, inp, s, e, command, {}, pure=False,
                                 key=f"extract-partition-{i}-{os.getpid()}")
                   for i, (s, e) in enumerate(ranges)]
        done, not_done = wait(futures, timeout=remaining())
        if not_done:
            raise TimeoutError(f"{len(not_done)} partitions not done after {args.timeout} s")

        out_dir = os.path.dirname(os.path.abspath(args.output))
        fd, tmp = tempfile.mkstemp(prefix=".extract-dask-", dir=out_dir)
        per_worker = {}
        lines = 0
        any_errors = False
        try:
            with os.fdopen(fd, "wb") as out:
                for fut in futures:  # input order
                    r = fut.result()
                    out.write(renumber(r["output"], source_name, lines))
                    lines += r["lines"]
                    any_errors |= r["status"] == 2
                    per_worker[r["worker"]] = per_worker.get(r["worker"], 0) + 1
            os.replace(tmp, args.output)
        except BaseException:
            os.unlink(tmp)
            raise
        for w in workers:
            log(f"worker {w}: {per_worker.get(w, 0)} partitions")
        log(f"{lines} records in {time.monotonic() - started:.1f} s -> {args.output}"
            + (" (some records are error records)" if any_errors else ""))
        status = 2 if any_errors else 0
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    except Exception as e:  # report, tear down, fail
        log(f"error: {e}")
        status = 1
    finally:
        if client is not None:
            try:
                client.close(timeout=10)
            except Exception:
                pass
        if cluster is not None:
            cluster.stop()
        if args.keep_logs:
            os.makedirs(args.keep_logs, exist_ok=True)
            for name in os.listdir(workdir):
                if name.endswith(".log"):
                    shutil.copy(os.path.join(workdir, name), args.keep_logs)
        shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
