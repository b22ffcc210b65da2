"""Reading records leaves nothing behind for the cycle collector.

Loading runs with Python's cycle collector off (`load.pool.without_gc`, and pool workers
without it altogether): plain dicts and lists are freed by reference counting alone, so
the collector would only cost time. That holds only while the per-file work makes no
reference cycle: one cycle per file (two recursive closures in the loader's walk once
did) is garbage that stays until the process ends, about 1 KiB per file, which at 100,000
people was 640 MiB of the cold check's peak. Each case counts what a collection finds
after the work: a cost per file shows as hundreds of objects here, a constant as a few.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.check.run import run_check
from crmtool.index.build import build_index
from crmtool.load import load_model
from crmtool.load.document import load_document
from crmtool.load.repo import Repository

TODAY = dt.date(2026, 11, 24)
PEOPLE = 120
PER_FILE = 0.1
"""Garbage per record file that fails a case: a leak costs one or more objects per file,
what a command leaves once (a frame, a type) is far less than one per ten files."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("memory") / "demo"
    subprocess.run([sys.executable, "-m", "crmtool", "demo", "--people", str(PEOPLE), "--seed", "3",
                    "--out", str(out), "--today", TODAY.isoformat()], check=True, capture_output=True)
    return out


@pytest.fixture
def repo(demo: Path, tmp_path: Path, monkeypatch) -> Repository:
    monkeypatch.setenv("CRMTOOL_JOBS", "1")  # in this process, where the collector can see it
    copy = tmp_path / "repo"
    shutil.copytree(demo, copy, symlinks=True)
    return Repository(copy)


def garbage_of(work) -> int:
    """How many objects only the cycle collector could free after `work()`."""
    gc.collect()
    gc.disable()
    try:
        result = work()
        del result
        return gc.collect()
    finally:
        gc.enable()


def record_count(repo: Repository) -> int:
    files, _ = repo.scan()
    assert len(files) > 300  # enough files that a cost per file stands out
    return len(files)


def test_loading_a_document_makes_no_cycle(demo: Path):
    paths = sorted((demo / "records").rglob("*.yaml"))
    raws = [(str(p), p.read_bytes()) for p in paths]
    raws.append(("odd.yaml", b"n: 0612345678\nyes: on\nd: 2024-01-01\nx: !tag y\nk: [1, {a: b}]\n"))
    found = garbage_of(lambda: [load_document(path, raw) for path, raw in raws])
    assert found < len(raws) * PER_FILE, found


@pytest.mark.parametrize("name", ["check", "model", "index"])
def test_reading_a_repository_makes_no_garbage_per_file(repo: Repository, name: str):
    files = record_count(repo)
    work = {
        "check": lambda: run_check(repo, TODAY, use_cache=False),
        "model": lambda: load_model(repo, TODAY),
        "index": lambda: build_index(repo),
    }[name]
    found = garbage_of(work)
    assert found < files * PER_FILE, f"{found} objects in reference cycles after reading {files} files"
    assert os.environ["CRMTOOL_JOBS"] == "1"
