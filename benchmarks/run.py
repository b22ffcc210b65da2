"""The scale benchmark of issue 4: `crmtool check` against the floor, libyaml and check-jsonschema.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/run.py --people 10000 100000

For each size it generates one records repository with `crmtool demo` (or reuses one it made
before under `--work`) and measures, on that same repository, every row as a fresh
subprocess: start-up is part of what a user waits for, and the peak memory is then that
process's own (`os.wait4` and `ru_maxrss`). Absolute seconds depend on the machine; the ratios
to the floor (reading the bytes) and to the baseline (parsing them with libyaml) do not, which
is why the targets of the issue are stated as ratios. See benchmarks/README.md.

Everything in RESULTS.md comes from the run; the helpers that turn measurements into Markdown
and judge the targets are pure, so tests/test_benchmarks.py checks them on made-up numbers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT / "benchmarks" / "RESULTS.md"
DOCUMENTED_COMMAND = (".venv/bin/pip install -e '.[bench]' && "
                      ".venv/bin/python benchmarks/run.py --people 10000 100000")

FOLDER_TYPES = {
    "people": "person", "organisations": "organisation", "roles": "role",
    "requests": "request", "interactions": "interaction", "purposes": "purpose",
    "processors": "processor", "lists": "list", "staff": "staff", "fields": "field",
    "vocabularies": "vocabulary",
    "breaches": "breach",
}
"""Record folder → schema name, as in crmtool.load.repo.FOLDERS (kept here so the driver imports nothing of crmtool)."""

TOUCH_FOLDERS = ("people", "roles", "interactions")
"""Where the `--changed-since` row edits records: the kinds a pull request most often touches."""
TOUCH_COUNT = 10
TOUCH_SUFFIX = " (edited)"
TOUCH_TRIES_PER_FOLDER = 500
"""Files tried per folder before giving up on it (a folder whose records have no free text)."""

MIB = 2 ** 20
GIB = 2 ** 30
SAMPLE_SECONDS = 0.05

# --------------------------------------------------------------------------------------------
# What is measured
# --------------------------------------------------------------------------------------------

MEASUREMENTS = {
    "floor": "floor: read every record file",
    "baseline": "baseline: read + libyaml parse",
    "cold": "crmtool check, cold",
    "warm": "crmtool check, warm",
    "changed": "crmtool check --changed-since HEAD~1",
    "index-cold": "crmtool index, whole, no check cache",
    "index-after-check": "crmtool index, whole, after a check",
    "index-same": "crmtool index, nothing changed",
    "index-changed": "crmtool index after 10 changed files",
    "who": "crmtool query mayor (refresh + answer)",
    "fmt-cold": "fmt --check, cold",
    "fmt-warm": "fmt --check, warm",
    "fmt-changed": "crmtool fmt --check of the changed files",
    "review-cold": "crmtool review, no check cache",
    "review-warm": "crmtool review, after a check",
    "build-cold": "crmtool build (register), no check cache",
    "build-warm": "crmtool build (register), after a check",
    "export-cold": "crmtool subject export (one person), no check cache",
    "export-warm": "crmtool subject export (one person), after a check",
    "erase-cold": "crmtool subject erase --dry-run, no check cache",
    "erase-warm": "crmtool subject erase --dry-run, after a check",
    "diff": "crmtool diff of a 10-file change",
    "search": "crmtool search (refresh + answer)",
    "cjs": "check-jsonschema",
    "serve-first": "crmtool serve: start to first page",
    "serve-home": "workspace page: home",
    "serve-search": "workspace page: search",
    "serve-person": "workspace page: person card",
    "serve-municipality": "workspace page: municipality",
    "serve-board": "workspace page: pipeline board",
    "serve-dashboard": "workspace page: dashboard",
    "verify-tree": "subject verify-erased, work tree",
    "verify-history": "subject verify-erased --history, 1,000 commits",
}
"""Row key → label, in the order the rows are measured and shown."""

CRMTOOL_ROWS = ("cold", "warm", "changed")

READ_PROGRAM = """\
import os, sys
{setup}
count = size = 0
for folder, _dirs, names in os.walk(os.path.join(sys.argv[1], "records")):
    for name in names:
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            {parse}
            count += 1
            size += len(data)
print(count, size)
"""
FLOOR_PROGRAM = READ_PROGRAM.format(setup="", parse="pass")
"""The floor: no tool can check a file faster than it can read it."""
BASELINE_PROGRAM = READ_PROGRAM.format(
    setup="import yaml\nLoader = yaml.CSafeLoader",
    parse="yaml.load(data, Loader=Loader)")
"""The baseline: what parsing alone costs, single process, with the C parser."""


@dataclass(frozen=True)
class Measurement:
    """One row of a size's table: the repeats of one command, summarised.

    `skipped` says why a row was not run at all; `problem` why a run cannot be trusted (a
    crash, a usage error, unreadable output). Neither kind counts towards a target.
    """

    key: str
    seconds: tuple[float, ...] = ()
    peak_bytes: int | None = None
    tree_peak_bytes: int | None = None
    exits: tuple[int, ...] = ()
    errors: int | None = None
    warnings: int | None = None
    result_digest: str | None = None
    skipped: str | None = None
    problem: str | None = None

    @property
    def label(self) -> str:
        return MEASUREMENTS.get(self.key, self.key)

    @property
    def usable(self) -> bool:
        return self.skipped is None and self.problem is None and bool(self.seconds)

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def p95(self) -> float | None:
        """The 95th percentile (nearest rank): what a page's slowest answers come to."""
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    @property
    def memory_bytes(self) -> int | None:
        """The peak proportional set size of the whole process tree, sampled (workers included,
        pages they share counted once); the process's own peak RSS when no sample was taken."""
        return self.tree_peak_bytes if self.tree_peak_bytes is not None else self.peak_bytes


@dataclass(frozen=True)
class Target:
    """One target of the issue, judged at the largest size; `met` is None when not measured."""

    name: str
    required: str
    measured: str
    met: bool | None


@dataclass
class SizeResult:
    """Everything measured for one number of people."""

    people: int
    files: dict[str, int]
    total_bytes: int
    repository: str
    measurements: dict[str, Measurement] = field(default_factory=dict)
    touched: dict[str, int] = field(default_factory=dict)
    cjs_batches: int = 0

    @property
    def cold_warm_differ(self) -> bool:
        cold, warm = self.measurements.get("cold"), self.measurements.get("warm")
        if not (cold and warm and cold.usable and warm.usable):
            return False
        return not same_result(cold, warm)


def same_result(a: Measurement, b: Measurement) -> bool:
    """The same findings and the same exit status (every repeat of a row agrees, see summarise)."""
    return (a.result_digest, set(a.exits)) == (b.result_digest, set(b.exits))


# --------------------------------------------------------------------------------------------
# Pure helpers: numbers → Markdown, measurements → targets
# --------------------------------------------------------------------------------------------

def format_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.3f}"
    if seconds < 10:
        return f"{seconds:.2f}"
    return f"{seconds:.1f}"


def format_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}"


def format_mib(value: int | None) -> str:
    return "—" if value is None else f"{value / MIB:.0f}"


def markdown_table(headers: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A GitHub Markdown table; `align` holds one of `l`/`r` per column (default all left)."""
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    align = align or "l" * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |",
             "| " + " | ".join(rule) + " |"]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, the table {len(headers)} columns")
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def ratio(measurement: Measurement | None, reference: Measurement | None) -> float | None:
    if not (measurement and reference and measurement.usable and reference.usable):
        return None
    return measurement.median / reference.median if reference.median else None


def seconds_cell(m: Measurement) -> str:
    if m.skipped:
        return f"not run: {m.skipped}"
    if not m.seconds:
        return "—"
    text = format_seconds(m.median)
    if len(m.seconds) > 1:
        text += f" ({format_seconds(min(m.seconds))}–{format_seconds(max(m.seconds))})"
    return text


def memory_cell(m: Measurement) -> str:
    return format_mib(m.memory_bytes)


def findings_cell(m: Measurement) -> str:
    if m.problem:
        return f"failed: {m.problem}"
    if m.errors is None:
        return "—"
    if m.warnings is None:
        return plural(m.errors, "error")
    return f"{plural(m.errors, 'error')}, {plural(m.warnings, 'warning')}"


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def measurement_rows(measurements: dict[str, Measurement]) -> list[list[str]]:
    floor, baseline = measurements.get("floor"), measurements.get("baseline")
    rows = []
    for key in MEASUREMENTS:
        m = measurements.get(key)
        if m is None:
            continue
        rows.append([
            m.label,
            seconds_cell(m),
            format_ratio(ratio(m, floor)),
            format_ratio(ratio(m, baseline)),
            memory_cell(m),
            "/".join(str(e) for e in sorted(set(m.exits))) or "—",
            findings_cell(m),
        ])
    return rows


MEASUREMENT_HEADERS = ["measurement", "seconds (median, min–max)", "× floor", "× baseline",
                       "peak MiB (PSS, process tree)", "exit", "findings"]


def measurement_table(measurements: dict[str, Measurement]) -> str:
    return markdown_table(MEASUREMENT_HEADERS, measurement_rows(measurements), "lrrrrrl")


def evaluate_targets(measurements: dict[str, Measurement]) -> list[Target]:
    """The targets of issue 4, judged on one size's measurements (the largest)."""
    get = measurements.get
    cold, warm, changed, cjs = get("cold"), get("warm"), get("changed"), get("cjs")
    targets = []

    def by_ratio(name: str, required: str, value: float | None, limit: float) -> Target:
        if value is None:
            return Target(name, required, "not measured", None)
        return Target(name, required, f"{value:.2f}×", value <= limit)

    targets.append(by_ratio("cold check vs libyaml baseline", "≤ 1.0× baseline",
                            ratio(cold, get("baseline")), 1.0))
    targets.append(by_ratio("warm check vs floor", "≤ 3× floor", ratio(warm, get("floor")), 3.0))

    changed_target = "< 1 s at 100,000 people (fresh clone, no cache)"  # issue 20 item 3
    if changed and changed.usable:
        targets.append(Target("--changed-since, 10 files changed", changed_target,
                              f"{format_seconds(changed.median)} s", changed.median < 1.0))
    else:
        targets.append(Target("--changed-since, 10 files changed", changed_target, "not measured", None))

    speedup = ratio(cjs, cold)
    if speedup is None:
        targets.append(Target("cold check vs check-jsonschema", "≥ 5× faster", "not measured", None))
    else:
        targets.append(Target("cold check vs check-jsonschema", "≥ 5× faster",
                              f"{speedup:.2f}× faster", speedup >= 5.0))

    targets.append(memory_target("peak memory of crmtool check", [cold, warm, changed]))

    if cold and warm and cold.usable and warm.usable:
        same = same_result(cold, warm)
        targets.append(Target("the cache changes no result", "warm = cold",
                              "same findings and exit" if same else "DIFFERENT", same))
    else:
        targets.append(Target("the cache changes no result", "warm = cold", "not measured", None))

    targets.append(by_ratio("stretch: cold check vs floor", "≤ 2× floor", ratio(cold, get("floor")), 2.0))
    targets += scale_targets(measurements)
    targets.append(by_ratio("fmt --check, cold vs libyaml baseline", "≤ 2× baseline",
                            ratio(get("fmt-cold"), get("baseline")), 2.0))
    targets.append(memory_target("peak memory of crmtool fmt --check", [get("fmt-cold"), get("fmt-warm")]))
    targets.append(by_ratio("workspace: first page after start", "≤ 2× warm check",
                            ratio(get("serve-first"), warm), 2.0))
    for name, _path in SERVE_PAGES:
        page = get(f"serve-{name}")
        if page is None or not page.usable or page.p95 is None:
            targets.append(Target(f"workspace: {name}, 95th percentile", "< 150 ms", "not measured", None))
        else:
            targets.append(Target(f"workspace: {name}, 95th percentile", "< 150 ms",
                                  f"{page.p95 * 1000:.0f} ms (median {page.median * 1000:.0f} ms, "
                                  f"{len(page.seconds)} requests)", page.p95 < 0.150))
    for key, name, limit in (("verify-tree", "verify-erased, work tree", 2.0),
                             ("verify-history", "verify-erased --history, 1,000 commits", 10.0)):
        targets.append(by_ratio(name + " vs baseline", f"≤ {limit:.0f}× baseline", ratio(get(key), get("baseline")),
                                limit))
        found = get(key)
        if found is not None and found.usable and found.memory_bytes is not None:
            targets.append(Target(name + ", peak memory", "< 1 GiB (1024 MiB)",
                                  f"{format_mib(found.memory_bytes)} MiB", found.memory_bytes < GIB))
        else:
            targets.append(Target(name + ", peak memory", "< 1 GiB (1024 MiB)", "not measured", None))
    return targets


def memory_target(name: str, rows: list[Measurement | None]) -> Target:
    """Peak memory under 1 GiB over the rows that were run; not measured unless each can be trusted."""
    present = [m for m in rows if m is not None]
    if not present or not all(m.usable and m.memory_bytes is not None for m in present):
        return Target(name, "< 1 GiB (1024 MiB)", "not measured", None)
    peak = max(m.memory_bytes or 0 for m in present)
    return Target(name, "< 1 GiB (1024 MiB)", f"{format_mib(peak)} MiB", peak < GIB)


def scale_targets(measurements: dict[str, Measurement]) -> list[Target]:
    """The targets of issue 20 (scale, round 2) that are not one helper group's own."""
    get = measurements.get

    def at_most(name: str, key: str, reference: str, limit: float) -> Target:
        value = ratio(get(key), get(reference))
        return Target(name, f"≤ {limit}× {reference}", "not measured" if value is None else f"{value:.2f}×",
                      None if value is None else value <= limit)

    targets = [at_most("issue 20: cold check vs libyaml baseline", "cold", "baseline", 1.5),
               at_most("issue 20: warm check vs floor", "warm", "floor", 1.0)]
    for name, key in (("a question, nothing changed", "who"), ("a search, nothing changed", "search")):
        m = get(key)
        if m is None or not m.usable or m.median is None:
            targets.append(Target(name, "< 0.5 s", "not measured", None))
        else:
            targets.append(Target(name, "< 0.5 s", f"{format_seconds(m.median)} s", m.median < 0.5))
    rows = [m for key, m in measurements.items()
            if key not in ("floor", "baseline", "cjs") and m.usable and m.memory_bytes is not None]
    if rows:
        worst = max(rows, key=lambda m: m.memory_bytes or 0)
        targets.append(Target("peak memory of every row", "< 1 GiB (1024 MiB)",
                              f"{format_mib(worst.memory_bytes)} MiB ({worst.label})", (worst.memory_bytes or 0) < GIB))
    else:
        targets.append(Target("peak memory of every row", "< 1 GiB (1024 MiB)", "not measured", None))
    return targets


def targets_table(targets: list[Target]) -> str:
    verdict = {True: "met", False: "**missed**", None: "not measured"}
    return markdown_table(["target", "required", "measured", "verdict"],
                          [[t.name, t.required, t.measured, verdict[t.met]] for t in targets])


def files_table(files: dict[str, int]) -> str:
    rows = [[folder, f"{count:,}"] for folder, count in files.items()]
    rows.append(["**total**", f"**{sum(files.values()):,}**"])
    return markdown_table(["folder", "files"], rows, "lr")


def profile_table(rows: list[tuple[str, int, float, float]]) -> str:
    """Rows of (function, calls, own seconds, cumulative seconds), already sorted."""
    return markdown_table(["function", "calls", "own s", "cumulative s"],
                          [[f"`{name}`", f"{calls:,}", f"{own:.3f}", f"{cum:.3f}"]
                           for name, calls, own, cum in rows], "lrrr")


# --------------------------------------------------------------------------------------------
# Running one process and measuring it
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, peak memory in bytes, exit status and its output."""

    seconds: float
    peak_bytes: int
    tree_peak_bytes: int | None  # the sampled proportional set size of the tree; None when no sample
    exit: int
    stdout: str
    stderr: str


class TreeMemory(threading.Thread):
    """Samples the proportional set size (PSS) of a process and all its descendants.

    `ru_maxrss` is exact but per process (the largest of the process and its waited-for
    children), so two workers of 600 MiB each show as 600; a sum of RSS counts the pages
    forked workers share with their parent once per process. PSS divides each shared page
    among the processes that map it, so the sum over the tree is what the command costs the
    machine. Read from /proc/PID/smaps_rollup every 50 ms: a peak between samples can be missed.
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: int | None = None
        self.stopped = threading.Event()

    def tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as handle:
                        todo.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
        return pids

    @staticmethod
    def pss(pid: int) -> int | None:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            return None
        return None

    def sample(self) -> None:
        values = [v for v in (self.pss(pid) for pid in self.tree()) if v is not None]
        if values:
            self.peak = max(self.peak or 0, sum(values))

    def run(self) -> None:
        self.sample()
        while not self.stopped.wait(SAMPLE_SECONDS):
            self.sample()


def run_measured(argv: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run argv to the end; wall time, the process's own peak memory and its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   env={**os.environ, **(env or {})})
        sampler = TreeMemory(process.pid) if os.path.isdir("/proc") else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stopped.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # KiB on Linux
        tree = sampler.peak if sampler else None
        return Run(seconds, peak, tree, process.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def last_line(text: str) -> str:
    """The last non-empty line of an error output: where a message or a traceback's verdict is."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else "no message"


def summarise(key: str, runs: list[Run], interpret) -> Measurement:
    """Repeats → one row. `interpret(run)` gives (errors, warnings, digest) or raises ValueError."""
    m = Measurement(key, seconds=tuple(r.seconds for r in runs),
                    peak_bytes=max(r.peak_bytes for r in runs),
                    tree_peak_bytes=max((r.tree_peak_bytes for r in runs if r.tree_peak_bytes), default=None),
                    exits=tuple(r.exit for r in runs))
    results = []
    for run in runs:
        try:
            results.append(interpret(run))
        except ValueError as error:
            return replace(m, problem=str(error))
    if len(set(results)) > 1:
        return replace(m, problem="the repeats gave different results")
    errors, warnings, digest = results[0]
    return replace(m, errors=errors, warnings=warnings, result_digest=digest)


def files_read(expected: int):
    """For the floor and the baseline: did the program read every record file, and only those?"""
    def interpret(run: Run) -> tuple[None, None, None]:
        if run.exit != 0:
            raise ValueError(f"exit {run.exit}: {last_line(run.stderr)}")
        count = int(run.stdout.split()[0]) if run.stdout.split() else -1
        if count != expected:
            raise ValueError(f"read {count} files, expected {expected}")
        return None, None, None
    return interpret


def crmtool_result(run: Run) -> tuple[int, int, str]:
    """Errors, warnings and a digest of the findings from `crmtool check --format json`."""
    if run.exit not in (0, 1):
        raise ValueError(f"exit {run.exit}: {last_line(run.stderr)}")
    try:
        payload = json.loads(run.stdout)
        summary = payload["summary"]
        findings = json.dumps(payload["findings"], sort_keys=True)
        return int(summary["errors"]), int(summary["warnings"]), hashlib.sha256(findings.encode()).hexdigest()
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"exit {run.exit}, unreadable JSON output ({type(error).__name__}); "
                         f"stderr: {last_line(run.stderr)}") from error


# --------------------------------------------------------------------------------------------
# The repository under test
# --------------------------------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchmarkError(f"git {' '.join(args)} failed in {root}: {last_line(done.stderr)}")
    return done.stdout.strip()


class BenchmarkError(Exception):
    """The benchmark cannot go on (the generator failed, git failed): exit 1 with this message."""


def repository_key(people: int, seed: int, today: dt.date) -> str:
    return f"people-{people}-seed-{seed}-today-{today.isoformat()}"


def prepare_repository(work: Path, people: int, seed: int, today: dt.date) -> tuple[Path, dict]:
    """The generated repository for (people, seed, today), reused when its marker says so.

    The marker (a JSON file next to the repository) is written only after `crmtool demo` and
    its commit succeeded, so a half-written repository is never reused. The repository is
    reset to the generated commit, which also undoes a run that stopped mid-way.
    """
    key = repository_key(people, seed, today)
    root, marker = work / key, work / f"{key}.json"
    wanted = {"people": people, "seed": seed, "today": today.isoformat()}
    if marker.is_file() and root.is_dir():
        try:
            info = json.loads(marker.read_text())
        except ValueError:
            info = {}
        if {k: info.get(k) for k in wanted} == wanted and info.get("commit"):
            try:
                git(root, "reset", "-q", "--hard", info["commit"])
                return root, {**info, "reused": True}
            except BenchmarkError:
                pass  # not the repository the marker describes: make it anew
    marker.unlink(missing_ok=True)
    if root.exists():
        shutil.rmtree(root)
    command = [sys.executable, "-m", "crmtool", "demo", "--people", str(people), "--seed", str(seed),
               "--out", str(root), "--today", today.isoformat()]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchmarkError(f"crmtool demo failed (exit {done.returncode}): {last_line(done.stderr)}")
    info = {**wanted, "commit": git(root, "rev-parse", "HEAD"), "generated_seconds": round(seconds, 2),
            "generator": f"crmtool demo --people {people} --seed {seed} --today {today.isoformat()}"}
    marker.write_text(json.dumps(info, indent=2) + "\n")
    return root, {**info, "reused": False}


def record_files(root: Path) -> dict[str, list[str]]:
    """Record files per folder, as paths relative to the root, sorted."""
    records = root / "records"
    found: dict[str, list[str]] = {}
    for folder in FOLDER_TYPES:
        paths = []
        for dirpath, dirnames, names in os.walk(records / folder):
            dirnames.sort()
            paths.extend(os.path.relpath(os.path.join(dirpath, n), root)
                         for n in sorted(names) if n.endswith(".yaml"))
        if paths:
            found[folder] = paths
    return found


def free_text_edit(text: str) -> str | None:
    """The record's text with one free-text value extended, or None when it has none.

    Changes the interaction's `summary` or the last note's `text` (people, roles): harmless
    to every rule, and a real change of a value, not only of the bytes. The new value is
    written as a JSON string (valid YAML double-quoted scalar) over the old one's span, and
    the result is re-read to prove that nothing else changed.
    """
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
        before = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    scalar, path = _free_text_scalar(node)
    if scalar is None:
        return None
    span = text[scalar.start_mark.index:scalar.end_mark.index]
    trailing = span[len(span.rstrip()):]
    new_value = scalar.value + TOUCH_SUFFIX
    edited = (text[:scalar.start_mark.index] + json.dumps(new_value, ensure_ascii=False) + trailing
              + text[scalar.end_mark.index:])
    try:
        after = yaml.load(edited, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    target = before
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new_value
    return edited if after == before else None


def _free_text_scalar(node):
    """The scalar node to edit and its path of keys/indices, or (None, None)."""
    def value_of(mapping, key):
        for k, v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
        return None

    def text_scalar(value, path):
        if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str" and value.value:
            return value, path
        if isinstance(value, yaml.MappingNode) and value.value:  # multilingual {nl: ..., en: ...}
            k, v = value.value[0]
            if isinstance(v, yaml.ScalarNode) and v.tag == "tag:yaml.org,2002:str" and v.value:
                return v, [*path, k.value]
        return None, None

    if not isinstance(node, yaml.MappingNode):
        return None, None
    summary = value_of(node, "summary")
    if summary is not None:
        return text_scalar(summary, ["summary"])
    notes = value_of(node, "notes")
    if isinstance(notes, yaml.SequenceNode) and notes.value and isinstance(notes.value[-1], yaml.MappingNode):
        text = value_of(notes.value[-1], "text")
        if text is not None:
            return text_scalar(text, ["notes", len(notes.value) - 1, "text"])
    return None, None


def touch_records(root: Path, files: dict[str, list[str]], seed: int) -> dict[str, int]:
    """Edit TOUCH_COUNT records chosen by the seed, taking people, roles and interactions in turn."""
    rng = random.Random(seed)
    queues = {}
    for folder in TOUCH_FOLDERS:
        paths = list(files.get(folder, []))
        rng.shuffle(paths)
        queues[folder] = paths[:TOUCH_TRIES_PER_FOLDER]
    touched: dict[str, int] = {}
    while sum(touched.values()) < TOUCH_COUNT and any(queues.values()):
        for folder in TOUCH_FOLDERS:
            if sum(touched.values()) >= TOUCH_COUNT:
                break
            while queues[folder]:
                path = root / queues[folder].pop()
                edited = free_text_edit(path.read_text(encoding="utf-8"))
                if edited is not None:
                    path.write_text(edited, encoding="utf-8")
                    touched[folder] = touched.get(folder, 0) + 1
                    break
    return touched


def argument_batches(paths: list[str], budget: int) -> list[list[str]]:
    """Split paths so that each batch's arguments stay within `budget` bytes."""
    batches, batch, size = [], [], 0
    for path in paths:
        cost = len(os.fsencode(path)) + 1 + 8  # the string, its NUL, its argv pointer
        if batch and size + cost > budget:
            batches.append(batch)
            batch, size = [], 0
        batch.append(path)
        size += cost
    if batch:
        batches.append(batch)
    return batches


def argument_budget() -> int:
    """Room for file arguments: half of ARG_MAX less the environment, so the OS never refuses."""
    try:
        arg_max = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        arg_max = 128 * 1024
    environment = sum(len(k) + len(v) + 2 + 8 for k, v in os.environ.items())
    return max(16 * 1024, arg_max // 2 - environment)


# --------------------------------------------------------------------------------------------
# The measurements
# --------------------------------------------------------------------------------------------

def check_command(today: dt.date, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crmtool", "check", *extra, "--today", today.isoformat(), "--format", "json"]


def measure_size(root: Path, info: dict, args, report) -> SizeResult:
    files = record_files(root)
    total_bytes = sum((root / p).stat().st_size for paths in files.values() for p in paths)
    if info.get("reused"):
        made = f"reused (generated earlier by `{info['generator']}` in {info['generated_seconds']} s)"
    else:
        made = f"generated by `{info['generator']}` in {info['generated_seconds']} s"
    result = SizeResult(info["people"], {f: len(p) for f, p in files.items()}, total_bytes, made)
    m = result.measurements
    repeat, today = args.repeat, args.today

    def record(measurement: Measurement) -> None:
        m[measurement.key] = measurement
        report(result, measurement)

    floor = [sys.executable, "-c", FLOOR_PROGRAM, str(root)]
    baseline = [sys.executable, "-c", BASELINE_PROGRAM, str(root)]
    all_read = files_read(sum(result.files.values()))
    run_measured(floor, root)  # warm the page cache, untimed
    record(summarise("floor", [run_measured(floor, root) for _ in range(repeat)], all_read))
    record(summarise("baseline", [run_measured(baseline, root) for _ in range(repeat)], all_read))

    cold_runs = []
    for _ in range(repeat):
        shutil.rmtree(root / "build", ignore_errors=True)
        cold_runs.append(run_measured(check_command(today), root))
    record(summarise("cold", cold_runs, crmtool_result))
    record(summarise("warm", [run_measured(check_command(today), root) for _ in range(repeat)],
                     crmtool_result))

    wanted = set(args.only or GROUPS)
    if "index" in wanted:
        measure_index(root, repeat, record)
    if "fmt" in wanted:
        measure_fmt(root, args.fmt_repeat or repeat, repeat, record)
    if "changed" in wanted:
        measure_changed(root, files, args, result, record)
    if "readers" in wanted:
        measure_readers(root, files, args, record)
    if "cjs" in wanted:
        record(measure_check_jsonschema(root, files, args.cjs_repeat or repeat, result))
    if "serve" in wanted:
        for measurement in measure_serve(root, today, repeat, args.page_requests):
            record(measurement)
    if "verify" in wanted:
        measure_verify(root, args, record)
    return result


GROUPS = ("index", "fmt", "changed", "readers", "cjs", "serve", "verify")
"""The rows that can be chosen with --only; the floor, the baseline and the check cold and warm
always run (every ratio is to them)."""


def measure_changed(root: Path, files: dict[str, list[str]], args, result: SizeResult, record) -> None:
    """A commit that edits a few records, then `check --changed-since` on a fresh clone, the
    index refresh and `fmt --check` of those files; the repository is reset to its generated
    commit after."""
    repeat, today = args.repeat, args.today
    original = git(root, "rev-parse", "HEAD")
    try:
        result.touched = touch_records(root, files, args.seed)
        if not result.touched:
            record(Measurement("changed", skipped="no record with free text to edit"))
        else:
            git(root, "add", "-A", "records")
            git(root, "-c", "user.name=crmtool benchmark", "-c", "user.email=benchmark@example.invalid",
                "commit", "-q", "--no-verify", "-m", "Benchmark: edit free text in a few records")
            record(measure_changed_clone(root, today, repeat))
            record(measure_index_change(root, original, repeat))
            changed = git(root, "diff", "--name-only", "HEAD~1", "--", "records").split()
            record(summarise("fmt-changed", [run_measured([*FMT_CHECK, *changed], root) for _ in range(repeat)],
                             fmt_result))
    finally:
        git(root, "reset", "-q", "--hard", original)


def measure_readers(root: Path, files: dict[str, list[str]], args, record) -> None:
    """The commands that read every record (issue 20, item 1), each without the check cache
    (cold) and after a check (warm: none of them should parse a file the check read), then
    `diff` of a commit that edits a few records and a search. Runs after the check rows, so
    the cache is there to move aside and back."""
    repeat, today = args.repeat, args.today.isoformat()
    person = sorted((root / "records" / "people").glob("*.yaml"))[len(files["people"]) // 2].stem
    out = root.parent / f"{root.name}.readers-out"
    commands = {
        "review": [sys.executable, "-m", "crmtool", "review", "--today", today, "--format", "json"],
        "build": [sys.executable, "-m", "crmtool", "build", "--today", today, "--out", str(out / "site")],
        "export": [sys.executable, "-m", "crmtool", "subject", "export", person, "--today", today,
                   "--out", str(out / "person.json")],
        "erase": [sys.executable, "-m", "crmtool", "subject", "erase", person, "--dry-run", "--today", today,
                  "--format", "json"],
    }
    cache = root / "build" / "check-cache.sqlite"
    aside = root.parent / f"{root.name}.check-cache.sqlite"
    subprocess.run(check_command(args.today), cwd=root, capture_output=True)  # the cache is current
    for name, command in commands.items():
        runs = []
        shutil.move(cache, aside)
        try:
            for _ in range(repeat):
                runs.append(run_measured(command, root))
        finally:
            shutil.move(aside, cache)
        record(summarise(f"{name}-cold", runs, answer_result))
        record(summarise(f"{name}-warm", [run_measured(command, root) for _ in range(repeat)], answer_result))
    shutil.rmtree(out, ignore_errors=True)
    original = git(root, "rev-parse", "HEAD")
    try:
        if touch_records(root, files, args.seed + 1):
            git(root, "add", "-A", "records")
            git(root, "-c", "user.name=crmtool benchmark", "-c", "user.email=benchmark@example.invalid",
                "commit", "-q", "--no-verify", "-m", "Benchmark: edit free text in a few records")
            diff = [sys.executable, "-m", "crmtool", "diff", "HEAD~1", "--today", today, "--format", "json"]
            record(summarise("diff", [run_measured(diff, root) for _ in range(repeat)], answer_result))
        else:
            record(Measurement("diff", skipped="no record with free text to edit"))
    finally:
        git(root, "reset", "-q", "--hard", original)
    word = yaml.safe_load((root / "records" / "people" / f"{person}.yaml").read_text(encoding="utf-8"))
    search = [sys.executable, "-m", "crmtool", "search", word["name"]["family"].split()[-1], "--format", "json"]
    # The reset above wrote git's index: a view of the work tree taken in that same second is
    # no base for the next (racy git, git/status.py), so the untimed refresh waits for the next
    # second; otherwise the timed search would look at every file again, as after a checkout.
    time.sleep(1.1)
    subprocess.run(search, cwd=root, capture_output=True)  # the index is current, untimed
    record(summarise("search", [run_measured(search, root) for _ in range(repeat)], answer_result))


def measure_changed_clone(root: Path, today: dt.date, repeat: int) -> Measurement:
    """`check --changed-since HEAD~1 --no-cache` as a pull request's CI job runs it: in a fresh
    clone (`--no-local`, so its objects arrive packed, as from a server) with no `build/`,
    beside the benchmark's repository; the clone is removed after. The clone's files are in
    the page cache, as a job's are right after its checkout."""
    with tempfile.TemporaryDirectory(prefix="crmtool-changed-", dir=root.parent) as folder:
        clone = Path(folder) / "clone"
        git(root.parent, "clone", "-q", "--no-local", str(root), str(clone))
        runs = [run_measured(check_command(today, "--changed-since", "HEAD~1", "--no-cache"), clone)
                for _ in range(repeat)]
    return summarise("changed", runs, crmtool_result)


VERIFY_COMMITS = 1000
VERIFY_FILES_PER_COMMIT = 3


def verify_result(run: Run) -> tuple[None, None, str]:
    """From `subject verify-erased`: exit 0 (clean) or 1 (places named, one a line); the
    number of places and a digest of them, the same in every repeat."""
    if run.exit not in (0, 1):
        raise ValueError(f"exit {run.exit}: {last_line(run.stderr)}")
    places = len(run.stdout.splitlines()) if run.exit == 1 else 0
    return None, None, f"{places} places {hashlib.sha256(run.stdout.encode()).hexdigest()[:12]}"


def measure_verify(root: Path, args, record) -> None:
    """The proof of erasure (issue 20, item 6) on the benchmark's own clone of the generated
    repository (records only, no build/): VERIFY_COMMITS commits that each edit a few records
    are added with one `git fast-import`, one person is erased with `crmtool subject erase`
    and committed, then `verify-erased PERSON` (the work tree) and `verify-erased PERSON
    --history` (every object of the store) run as processes. The clone is removed after."""
    copy = root.parent / f"{root.name}.verify"
    shutil.rmtree(copy, ignore_errors=True)
    try:
        done = subprocess.run(["git", "clone", "-q", str(root), str(copy)], capture_output=True, text=True)
        if done.returncode != 0:
            record(Measurement("verify-tree", problem=f"git clone failed: {last_line(done.stderr)}"))
            return
        rng = random.Random(args.seed)
        paths = sorted(git(copy, "ls-files", "records").split())
        branch = git(copy, "symbolic-ref", "HEAD")
        contents: dict[str, bytes] = {}
        stream = [f"reset {branch}\nfrom {git(copy, 'rev-parse', 'HEAD')}\n\n".encode()]
        for number in range(1, VERIFY_COMMITS + 1):
            message = f"Benchmark edit {number}".encode()
            stream.append(b"commit %s\ncommitter crmtool benchmark <benchmark@example.invalid> %d +0000\n"
                          b"data %d\n%s\n" % (branch.encode(), 1_700_000_000 + number * 60, len(message), message))
            for path in rng.sample(paths, VERIFY_FILES_PER_COMMIT):
                text = contents.get(path) or (copy / path).read_bytes()
                text = contents[path] = text + b"# benchmark edit %d\n" % number
                stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(text), text))
            stream.append(b"\n")
        done = subprocess.run(["git", "-C", str(copy), "fast-import", "--quiet"], input=b"".join(stream),
                              capture_output=True)
        if done.returncode != 0:
            record(Measurement("verify-tree", problem=f"git fast-import failed: {last_line(done.stderr.decode())}"))
            return
        git(copy, "reset", "-q", "--hard")
        person = sorted((copy / "records" / "people").glob("*.yaml"))[0].stem
        erased = subprocess.run([sys.executable, "-m", "crmtool", "subject", "erase", person, "--today",
                                 args.today.isoformat()], cwd=copy, capture_output=True, text=True)
        if erased.returncode != 0:
            record(Measurement("verify-tree", problem=f"erase failed: {last_line(erased.stderr)}"))
            return
        git(copy, "add", "-A")
        git(copy, "-c", "user.name=crmtool benchmark", "-c", "user.email=benchmark@example.invalid",
            "commit", "-q", "--no-verify", "-m", "Benchmark: erase one person")
        command = [sys.executable, "-m", "crmtool", "subject", "verify-erased", person]
        record(summarise("verify-tree", [run_measured(command, copy) for _ in range(args.repeat)], verify_result))
        record(summarise("verify-history", [run_measured([*command, "--history"], copy) for _ in range(args.repeat)],
                         verify_result))
    finally:
        shutil.rmtree(copy, ignore_errors=True)


SERVE_PAGES = (("home", "/"), ("search", "/search?q={family}"), ("person", "/people/{person}"),
               ("municipality", "/organisations/{municipality}"), ("board", "/pipeline"),
               ("dashboard", "/dashboard"))
"""The workspace's pages issue 17 sets a target for, with what fills their addresses."""


def _get(url: str, token: str) -> int:
    import urllib.request
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        answer.read()
        return answer.status


def measure_serve(root: Path, today: dt.date, repeat: int, requests: int) -> list[Measurement]:
    """`crmtool serve` as a real process after the rows above (the index is there, as after a
    day's work): from spawn to the first page answered, `repeat` times; then, on one server,
    each page `requests` times after one untimed request (a page's first answer may load what
    later ones reuse), timed from request to the last byte over loopback."""
    person = sorted((root / "records" / "people").glob("*.yaml"))[0]
    family = yaml.safe_load(person.read_text(encoding="utf-8"))["name"]["family"]
    municipality = sorted((root / "records" / "organisations").glob("gemeente-*.yaml"))[0].stem
    values = {"family": family.split()[-1], "person": person.stem, "municipality": municipality}
    command = [sys.executable, "-m", "crmtool", "serve", "--port", "0", "--no-open", "--today", today.isoformat()]
    first: list[float] = []
    pages: dict[str, list[float]] = {name: [] for name, _path in SERVE_PAGES}
    problem = None
    peak: int | None = None
    for attempt in range(repeat):
        started = time.perf_counter()
        server = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        sampler = TreeMemory(server.pid) if os.path.isdir("/proc") else None
        if sampler:
            sampler.start()
        try:
            assert server.stdout is not None
            line = server.stdout.readline().strip()
            found = re.fullmatch(r"crmtool serve: (http://[^/]+)/\?token=(\S+)", line)
            if not found:
                problem = f"unexpected first line: {line[:80]}"
                break
            base, token = found.groups()
            if _get(base + "/", token) != 200:
                problem = "the home page did not answer 200"
                break
            first.append(time.perf_counter() - started)
            if attempt == 0:
                for name, path in SERVE_PAGES:
                    url = base + path.format(**values)
                    _get(url, token)
                    for _ in range(requests):
                        began = time.perf_counter()
                        _get(url, token)
                        pages[name].append(time.perf_counter() - began)
        except Exception as error:  # noqa: BLE001 - a failed page is a row that cannot be trusted
            problem = f"{type(error).__name__}: {error}"
            break
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            if sampler:
                sampler.stopped.set()
                sampler.join()
                if sampler.peak is not None:
                    peak = max(peak or 0, sampler.peak)
    if problem:
        return [Measurement("serve-first", problem=problem)]
    # the server's memory over its whole life (start, and every page of the first one)
    return [Measurement("serve-first", seconds=tuple(first), tree_peak_bytes=peak)] + [
        Measurement(f"serve-{name}", seconds=tuple(times)) for name, times in pages.items()]


INDEX = [sys.executable, "-m", "crmtool", "index"]


def index_result(run: Run) -> tuple[None, None, str]:
    """From `crmtool index`: the records in the index and the files it read (the same in
    every repeat of a row, or the row is not to be trusted)."""
    if run.exit != 0:
        raise ValueError(f"exit {run.exit}: {last_line(run.stderr)}")
    found = re.search(r"(\d+) records, (\d+) ", run.stdout)  # the words are in the repository's language
    if not found:
        raise ValueError(f"unreadable output: {last_line(run.stdout)}")
    return None, None, f"{found[1]} records, {found[2]} read"


def answer_result(run: Run) -> tuple[None, None, str]:
    if run.exit != 0:
        raise ValueError(f"exit {run.exit}: {last_line(run.stderr)}")
    return None, None, hashlib.sha256(run.stdout.encode()).hexdigest()


def measure_index(root: Path, repeat: int, record) -> None:
    """The index: built whole without and with the check's cache, refreshed with nothing to
    do, and a question asked (which refreshes first). Runs after the warm check, so the
    check cache is there to be used."""
    build = root / "build"
    cache = build / "check-cache.sqlite"
    aside = root.parent / f"{root.name}.check-cache.sqlite"
    runs = []
    shutil.move(cache, aside)
    try:
        for _ in range(repeat):
            (build / "index.sqlite").unlink(missing_ok=True)
            runs.append(run_measured(INDEX, root))
    finally:
        shutil.move(aside, cache)
    record(summarise("index-cold", runs, index_result))
    runs = []
    for _ in range(repeat):
        (build / "index.sqlite").unlink(missing_ok=True)
        runs.append(run_measured(INDEX, root))
    record(summarise("index-after-check", runs, index_result))
    record(summarise("index-same", [run_measured(INDEX, root) for _ in range(repeat)], index_result))
    municipality = sorted((root / "records" / "organisations").glob("gemeente-*.yaml"))[0].stem
    ask = [sys.executable, "-m", "crmtool", "query", "mayor", municipality, "--format", "json"]
    record(summarise("who", [run_measured(ask, root) for _ in range(repeat)], answer_result))


FMT_CHECK = [sys.executable, "-m", "crmtool", "fmt", "--check", "--format", "json"]


def fmt_result(run: Run) -> tuple[None, None, str]:
    """From `crmtool fmt --check --format json`: how many files, and that all are canonical
    (a demo repository is written in the canonical layout)."""
    if run.exit != 0:
        raise ValueError(f"exit {run.exit}: {last_line(run.stdout or run.stderr)}")
    report = json.loads(run.stdout)
    return None, None, f"{report['files']} files, {len(report['not_canonical'])} not canonical"


def measure_fmt(root: Path, cold_repeat: int, repeat: int, record) -> None:
    """`fmt --check` of every record: cold, without its cache (what a first CI run pays: each
    file parsed by libyaml and proven canonical from its bytes, ruamel only for the files the
    fast path cannot prove, edit/fmt_fast.py), and warm, with it (what every later run pays)."""
    runs = []
    for _ in range(cold_repeat):
        (root / "build" / "fmt-cache.sqlite").unlink(missing_ok=True)
        runs.append(run_measured(FMT_CHECK, root))
    record(summarise("fmt-cold", runs, fmt_result))
    record(summarise("fmt-warm", [run_measured(FMT_CHECK, root) for _ in range(repeat)], fmt_result))


def measure_index_change(root: Path, original: str, repeat: int) -> Measurement:
    """`crmtool index` after the benchmark's commit of edited records: each repeat first
    returns the index to the original commit (untimed), then times the refresh."""
    branch, edited = git(root, "rev-parse", "--abbrev-ref", "HEAD"), git(root, "rev-parse", "HEAD")
    runs = []
    try:
        for _ in range(repeat):
            git(root, "checkout", "-q", original)
            subprocess.run(INDEX, cwd=root, capture_output=True)
            git(root, "checkout", "-q", edited)
            runs.append(run_measured(INDEX, root))
    finally:
        git(root, "checkout", "-q", branch)
    return summarise("index-changed", runs, index_result)


def check_jsonschema_available() -> bool:
    return importlib.util.find_spec("check_jsonschema") is not None


def measure_check_jsonschema(root: Path, files: dict[str, list[str]], repeat: int,
                             result: SizeResult) -> Measurement:
    """One run per folder against its schema, batched under the OS argument limit; summed."""
    if not check_jsonschema_available():
        return Measurement("cjs", skipped="check-jsonschema is not installed (pip install -e '.[bench]')")
    budget = argument_budget()
    jobs = []
    for folder, paths in files.items():
        schema = root / "schemas" / f"{FOLDER_TYPES[folder]}.schema.json"
        if schema.is_file():
            jobs.extend((schema, batch) for batch in argument_batches(paths, budget))
    if not jobs:
        return Measurement("cjs", skipped="no schemas found under schemas/")
    result.cjs_batches = len(jobs)
    totals = []
    for _ in range(repeat):
        runs = [run_measured([sys.executable, "-m", "check_jsonschema", "--output-format", "json",
                              "--schemafile", str(schema), *batch], root) for schema, batch in jobs]
        errors = 0
        for run in runs:
            try:
                payload = json.loads(run.stdout)
                errors += len(payload.get("errors", [])) + len(payload.get("parse_errors", []))
            except ValueError:
                return Measurement("cjs", seconds=(sum(r.seconds for r in runs),),
                                   exits=tuple(r.exit for r in runs),
                                   problem=f"exit {run.exit}: {last_line(run.stderr)}")
        totals.append(Run(sum(r.seconds for r in runs), max(r.peak_bytes for r in runs), None,
                          max(r.exit for r in runs), str(errors), ""))
    return summarise("cjs", totals, lambda run: (int(run.stdout), None, None))


def profile_cold_check(root: Path, today: dt.date, work: Path, top: int = 30) -> tuple[list, float]:
    """The cold check under cProfile: the top functions by cumulative time, and the wall time."""
    import pstats

    shutil.rmtree(root / "build", ignore_errors=True)
    output = work / f"{root.name}.prof"
    argv = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "crmtool", "check",
            "--today", today.isoformat(), "--format", "json"]
    run = run_measured(argv, root, env={"CRMTOOL_JOBS": "1"})  # one process: the profile sees all work
    if not output.is_file():
        raise BenchmarkError(f"the profiled check wrote no profile (exit {run.exit}): {last_line(run.stderr)}")
    stats = pstats.Stats(str(output))
    stats.sort_stats("cumulative")
    rows = []
    for func in stats.fcn_list[:top]:
        _calls, calls, own, cumulative, _callers = stats.stats[func]
        rows.append((function_name(func), calls, own, cumulative))
    return rows, run.seconds


def function_name(func: tuple[str, int, str]) -> str:
    """`path:line(name)` with the path shortened to the package (crmtool/check/run.py, yaml/...)."""
    filename, line, name = func
    if filename == "~":
        return name
    parts = Path(filename).parts
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            parts = parts[parts.index(anchor) + 1:]
            break
    else:
        try:
            parts = Path(filename).resolve().relative_to(PROJECT).parts
        except ValueError:
            parts = parts[-2:]
    return f"{'/'.join(parts)}:{line}({name})"


# --------------------------------------------------------------------------------------------
# The machine and the report
# --------------------------------------------------------------------------------------------

def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    ram = f"{int(line.split()[1]) / 2 ** 20:.1f} GiB"
                    break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    try:
        system = f"{platform.freedesktop_os_release()['PRETTY_NAME']} (kernel {platform.release()})"
    except (OSError, KeyError, AttributeError):
        pass
    try:
        libyaml = yaml._yaml.get_version_string() if yaml.__with_libyaml__ else "not available"
    except AttributeError:
        libyaml = "not available"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    if subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT,
                      capture_output=True, text=True).stdout.strip():
        commit += " with uncommitted changes"
    return [
        ("CPU", cpu),
        ("cores", str(os.cpu_count())),
        ("memory", ram),
        ("OS", system),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("crmtool", f"{package_version('crmtool')} at commit {commit}"),
        ("PyYAML / libyaml", f"{package_version('PyYAML')} / {libyaml}"),
        ("jsonschema-rs", package_version("jsonschema-rs")),
        ("check-jsonschema", package_version("check-jsonschema")),
    ]


def shown_command(argv: list[str]) -> str:
    executable = Path(sys.executable)
    try:
        executable = executable.relative_to(Path.cwd())
    except ValueError:
        pass
    script = Path(argv[0])
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    return shlex.join([str(executable), str(script), *argv[1:]])


def render_results(*, started: dt.datetime, command: str, args, system: list[tuple[str, str]],
                   sizes: list[SizeResult], profile: tuple[list, float] | None, elapsed: float) -> str:
    out = ["# Benchmark results\n",
           "Written by `benchmarks/run.py`; every number below comes from the run it describes. "
           "What the rows mean and how to read the ratios: [README.md](README.md).\n",
           f"To reproduce (from the project root):\n\n```sh\n{DOCUMENTED_COMMAND}\n```\n",
           f"This run: `{command}`, started {started.strftime('%Y-%m-%d %H:%M UTC')}, "
           f"took {elapsed / 60:.1f} min. Every check ran with `--today {args.today.isoformat()}`; "
           f"repositories from `crmtool demo` with seed {args.seed}; each row repeated "
           f"{args.repeat}×" + (f" (check-jsonschema {args.cjs_repeat}×)"
                                 if args.cjs_repeat and args.cjs_repeat != args.repeat else "") + ".\n",
           "## Machine\n",
           markdown_table(["", ""], [[k, v] for k, v in system])]
    for size in sizes:
        out.append(f"## {size.people:,} people\n")
        out.append(f"Repository {size.repository}: {sum(size.files.values()):,} record files, "
                   f"{size.total_bytes / MIB:.1f} MiB.\n")
        out.append(measurement_table(size.measurements))
        if size.cold_warm_differ:
            out.append("**Warning: the cold and the warm check gave different results. They must not: "
                       "the cache changed a result.**\n")
        if size.touched:
            touched = ", ".join(f"{n} {folder}" for folder, n in size.touched.items())
            out.append(f"`--changed-since HEAD~1` ran after a commit that edited free text in "
                       f"{sum(size.touched.values())} records ({touched}), chosen by seed {args.seed}.\n")
        out.append("<details><summary>Record files per folder</summary>\n")
        out.append(files_table(size.files))
        out.append("</details>\n")
    if sizes:
        largest = max(sizes, key=lambda s: s.people)
        out.append(f"## Targets at {largest.people:,} people\n")
        out.append(targets_table(evaluate_targets(largest.measurements)))
        out.append(target_summary(evaluate_targets(largest.measurements)))
    out.append("## Notes\n")
    out.append("".join(f"- {note}\n" for note in notes(args, sizes)))
    if profile:
        rows, seconds = profile
        out.append(f"## Profile\n\nThe cold check at {max(s.people for s in sizes):,} people under "
                   f"cProfile ({format_seconds(seconds)} s with the profiler's overhead), top "
                   f"{len(rows)} functions by cumulative time. It runs with `CRMTOOL_JOBS=1`, so "
                   "all work happens in the one profiled process (the measured rows use every core).\n")
        out.append(profile_table(rows))
    return "\n".join(out)


def target_summary(targets: list[Target]) -> str:
    met = [t.name for t in targets if t.met is True]
    missed = [t.name for t in targets if t.met is False]
    unknown = [t.name for t in targets if t.met is None]
    parts = [f"{len(met)} of {len(targets)} met"]
    if missed:
        parts.append("missed: " + "; ".join(missed))
    if unknown:
        parts.append("not measured: " + "; ".join(unknown))
    return "In short: " + ". ".join(parts) + ".\n"


def notes(args, sizes: list[SizeResult]) -> list[str]:
    batches = ", ".join(f"{s.cjs_batches} at {s.people:,} people" for s in sizes if s.cjs_batches)
    chosen = ([f"This run measured only the check cold and warm and: {', '.join(args.only)} (`--only`); "
               "targets of the other rows show as not measured."] if getattr(args, "only", None) else [])
    return chosen + [
        "Every row is a fresh `python` process (start-up included), timed from spawn to exit. "
        "Seconds are the median of the repeats with min–max in brackets; × floor and × baseline "
        "divide medians.",
        "Peak MiB is the proportional set size (PSS) of the whole process tree, workers included "
        "and shared pages divided among the processes that map them, sampled every 50 ms from "
        "/proc (a peak between samples can be missed); `ru_maxrss` from `os.wait4` where no sample "
        "was taken. For the workspace it is the server's over its whole life.",
        "The page cache is warmed by one untimed read of all files before the floor, so every "
        "row reads from memory, as the second run of a CI job would.",
        "Cold deletes `build/` before every repeat; warm runs right after, with the cache the "
        "cold run left. Their findings are compared (a digest of the JSON findings and the exit code).",
        "`--changed-since` runs with `--no-cache`, as CI on a fresh clone; the repository is "
        "reset to its generated commit afterwards.",
        "The index rows (issue 5) run after the warm check. *Whole, no check cache* deletes "
        "`build/index.sqlite` and sets the check cache aside, so every record is parsed; *whole, "
        "after a check* deletes only the index, so the records come from the check cache; "
        "*nothing changed* refreshes an up-to-date index (stat of every file); *after 10 changed "
        "files* checks out the benchmark's edit commit after an untimed refresh at the generated "
        "commit; *query mayor* asks `crmtool query mayor` about one municipality, which refreshes "
        "the index first. Their \"findings\" column is empty: they find nothing.",
        "check-jsonschema runs once per record folder with `--schemafile schemas/<type>.schema.json` "
        "and `--output-format json`; the file arguments are split into batches that stay under "
        "half the OS argument limit"
        + (f" (batches: {batches})" if batches else "")
        + ". The seconds are summed and the peak memory is the maximum over the batches; each "
        "batch pays its own start-up. Its findings count schema errors plus files it could not parse.",
        f"The workspace rows (issue 17) start `crmtool serve` as a process after the rows above: *start "
        f"to first page* times spawn to the home page's last byte (a whole look at the files first); "
        f"each page row is {args.page_requests} requests over loopback on one server, after one untimed "
        f"request, with seconds per request (median, min–max) and the 95th percentile in the targets.",
    ]


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------

def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Measure crmtool check against the floor, libyaml and check-jsonschema "
                    "on generated repositories, and write benchmarks/RESULTS.md.")
    parser.add_argument("--people", type=positive, nargs="+", default=[10000, 100000], metavar="N",
                        help="sizes to measure (default: 10000 100000)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="seed for crmtool demo and the edits (default: 1)")
    parser.add_argument("--today", type=iso_date, default=dt.date(2026, 11, 24), metavar="YYYY-MM-DD",
                        help="the day every check takes as today (default: 2026-11-24)")
    parser.add_argument("--repeat", type=positive, default=3, metavar="N",
                        help="runs per row; the median is reported with min–max (default: 3)")
    parser.add_argument("--cjs-repeat", type=positive, default=None, metavar="N",
                        help="runs of check-jsonschema, the slowest row by far (default: --repeat)")
    parser.add_argument("--fmt-repeat", type=positive, default=None, metavar="N",
                        help="runs of fmt --check without its cache (default: --repeat)")
    parser.add_argument("--work", type=Path, default=None, metavar="DIR",
                        help="where repositories are generated and reused (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FILE",
                        help="the Markdown report (default: benchmarks/RESULTS.md)")
    parser.add_argument("--page-requests", type=positive, default=50, metavar="N",
                        help="timed requests of each workspace page (default: 50)")
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=None, metavar="GROUP",
                        help="measure only these rows besides the check cold and warm: "
                             + ", ".join(GROUPS) + " (default: all)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the cold check at the largest size and add a Profile section")
    return parser.parse_args(argv)


def console_row(people: int, m: Measurement, floor: Measurement | None, baseline: Measurement | None) -> str:
    cells = [f"{people:>9,}", f"{m.label:<37}", f"{seconds_cell(m):>26}",
             f"{format_ratio(ratio(m, floor)):>8}", f"{format_ratio(ratio(m, baseline)):>10}",
             f"{memory_cell(m):>9}", f"{'/'.join(map(str, sorted(set(m.exits)))) or '—':>5}",
             findings_cell(m)]
    return "  ".join(cells)


CONSOLE_HEADER = "  ".join([f"{'people':>9}", f"{'measurement':<37}", f"{'seconds (median, min–max)':>26}",
                            f"{'× floor':>8}", f"{'× baseline':>10}", f"{'peak MiB':>9}", f"{'exit':>5}",
                            "findings"])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    args = parse_args(argv[1:])
    started = dt.datetime.now(dt.timezone.utc)
    system = machine()  # now: the code measured is the code at the start of the run
    clock = time.perf_counter()
    temporary = None
    if args.work is None:
        temporary = tempfile.TemporaryDirectory(prefix="crmtool-bench-")
        work = Path(temporary.name)
    else:
        work = args.work.resolve()
        try:
            work.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            print(f"benchmarks/run.py: error: --work {args.work}: {error.strerror}", file=sys.stderr)
            return 2

    def report(size: SizeResult, m: Measurement) -> None:
        print(console_row(size.people, m, size.measurements.get("floor"), size.measurements.get("baseline")),
              flush=True)
        if m.key == "warm" and size.cold_warm_differ:
            print("WARNING: the cold and the warm check gave different results (they must not).", flush=True)

    if not check_jsonschema_available():
        print("check-jsonschema is not installed: its row is skipped (pip install -e '.[bench]').", flush=True)
    sizes: list[SizeResult] = []
    profile = None
    try:
        print(f"Repositories under {work}", flush=True)
        print(CONSOLE_HEADER, flush=True)
        for people in args.people:
            root, info = prepare_repository(work, people, args.seed, args.today)
            sizes.append(measure_size(root, info, args, report))
        if args.profile:
            largest = max(args.people)
            root, _ = prepare_repository(work, largest, args.seed, args.today)
            print(f"Profiling the cold check at {largest:,} people ...", flush=True)
            profile = profile_cold_check(root, args.today, work)
    except BenchmarkError as error:
        print(f"benchmark stopped: {error}", file=sys.stderr)
        return 1
    finally:
        if temporary is not None:
            temporary.cleanup()

    text = render_results(started=started, command=shown_command(argv), args=args, system=system,
                          sizes=sizes, profile=profile, elapsed=time.perf_counter() - clock)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    largest = max(sizes, key=lambda s: s.people)
    print(f"\nTargets at {largest.people:,} people:")
    for target in evaluate_targets(largest.measurements):
        verdict = {True: "met", False: "MISSED", None: "not measured"}[target.met]
        print(f"  {target.name:<36} {target.required:<20} {target.measured:<24} {verdict}")
    print(f"\nWrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
