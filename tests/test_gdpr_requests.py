"""Accountable data-subject requests (issue 19, item 8), around the rules W006, P038 and P039
(whose fixtures are in tests/fixtures/): `subject erase --request` refuses a request without
an identity check, and the register publishes the on-time rate per year."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from crmtool.load import load_model
from crmtool.load.repo import Repository
from crmtool.register.numbers import on_time

from .conftest import PROJECT

PERSON = "p-r5epc6"
REQUEST = "records/requests/dsr-2026-0099.yaml"
TODAY = "2026-11-24"
UNVERIFIED = (
    "# yaml-language-server: $schema=../../schemas/request.schema.json\n"
    "kind: erasure\nreceived: 2026-11-20\nchannel: email\n"
    f"from: {{person: {PERSON}}}\nassignee: eline\nstage: in-progress\nhistory:\n"
    "- {date: 2026-11-20, stage: received, by: eline, assignee: eline}\n"
    "- {date: 2026-11-21, stage: in-progress, by: eline}\n"
    "owner: privacy\n")


def _association(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return root


def _crmtool(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", *args, "--root", str(root), "--today", TODAY],
                          capture_output=True, text=True, cwd=root)


def test_erase_with_a_request_refuses_without_an_identity_check(tmp_path):
    root = _association(tmp_path)
    (root / REQUEST).write_text(UNVERIFIED, encoding="utf-8")
    refused = _crmtool(root, "subject", "erase", PERSON, "--request", "dsr-2026-0099", "--by", "eline")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "identity_verified" in refused.stdout + refused.stderr
    assert (root / "records" / "people" / f"{PERSON}.yaml").exists()
    assert not (root / "erasure-log.yaml").exists()
    (root / REQUEST).write_text(UNVERIFIED.replace(
        "owner: privacy\n", "identity_verified: {date: 2026-11-21, method: Known email address, by: eline}\n"
        "owner: privacy\n"), encoding="utf-8")
    done = _crmtool(root, "subject", "erase", PERSON, "--request", "dsr-2026-0099", "--by", "eline")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "records" / "people" / f"{PERSON}.yaml").exists()


def test_the_on_time_rate_counts_late_answers_by_year_of_receipt(tmp_path):
    root = _association(tmp_path)
    day = dt.date(2026, 11, 24)
    before = on_time(load_model(Repository(root), day), day)
    assert before.years == [2026] and before.in_time == before.answered  # the examples answer in time
    (root / REQUEST).write_text(UNVERIFIED.replace("received: 2026-11-20", "received: 2026-08-01").replace(
        "owner: privacy\n", "outcome: {date: 2026-09-15, decision: refused, ground: art-17-3-b}\nowner: privacy\n"),
        encoding="utf-8")
    after = on_time(load_model(Repository(root), day), day)
    assert after.answered[2026] == before.answered[2026] + 1
    assert after.in_time[2026] == before.in_time[2026]
    assert after.rate(2026, after.answered[2026] + 1) == "-"  # fewer than the threshold: no share shown
    late = after.answered[2026] - after.in_time[2026]
    assert after.rate(2026, 1) == f"{round(100 * (after.answered[2026] - late) / after.answered[2026])} %"
