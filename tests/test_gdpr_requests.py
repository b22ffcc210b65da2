"""Accountable data-subject requests and recipients told (issue 19, items 8 and 7), around the
rules W006, P038, P039 and P040 (whose fixtures are in tests/fixtures/): `subject erase
--request` refuses a request without an identity check or, when the data went to processors or
recipients, without `recipients_notified`; erase lists those recipients and warns of a label
on a legal obligation; the register publishes the on-time rate per year."""
from __future__ import annotations

import datetime as dt
import json
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
    verified = UNVERIFIED.replace(
        "owner: privacy\n", "identity_verified: {date: 2026-11-21, method: Known email address, by: eline}\n"
        "owner: privacy\n")
    (root / REQUEST).write_text(verified, encoding="utf-8")
    untold = _crmtool(root, "subject", "erase", PERSON, "--request", "dsr-2026-0099", "--by", "eline")
    assert untold.returncode == 1, untold.stdout + untold.stderr
    assert "recipients_notified" in untold.stderr and "mail-provider" in untold.stderr
    assert (root / "records" / "people" / f"{PERSON}.yaml").exists()
    (root / REQUEST).write_text(verified.replace("owner: privacy\n", "recipients_notified: [{recipient: mail-provider, "
                                                 "date: 2026-11-22}]\nowner: privacy\n"), encoding="utf-8")
    done = _crmtool(root, "subject", "erase", PERSON, "--request", "dsr-2026-0099", "--by", "eline")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "records" / "people" / f"{PERSON}.yaml").exists()
    assert _crmtool(root, "check").returncode == 0


def test_erase_lists_who_received_the_data_through_purposes_and_lists(tmp_path):
    root = _association(tmp_path)
    shown = _crmtool(root, "subject", "erase", PERSON, "--dry-run", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    received = {(r["kind"], r["name"]): r["purposes"] for r in json.loads(shown.stdout)["recipients"]}
    # newsletter (a label and the weekly-digest list): mail-provider and hosting; member-services: hosting
    assert received[("processor", "mail-provider")] == ["newsletter"]
    assert set(received[("processor", "hosting")]) >= {"member-services", "newsletter"}
    assert any(kind == "recipient" for kind, _name in received)
    assert json.loads(shown.stdout)["legal_obligation"] == []
    text = _crmtool(root, "subject", "erase", PERSON, "--dry-run")
    # in Dutch, the repository's language
    assert "mail-provider (newsletter)" in text.stdout and "art. 17 lid 2, art. 19" in text.stdout


def test_erase_warns_before_it_removes_a_label_on_a_legal_obligation(tmp_path):
    root = _association(tmp_path)
    path = root / "records" / "people" / f"{PERSON}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "- {purpose: newsletter,", "- {purpose: data-subject-rights, since: 2026-11-20, source: contact-request}\n"
        "- {purpose: newsletter,", 1), encoding="utf-8")
    shown = _crmtool(root, "subject", "erase", PERSON, "--dry-run")
    assert shown.returncode == 0, shown.stderr
    first = shown.stdout.splitlines()[0]
    assert "data-subject-rights" in first and "art. 17 lid 3 onder b" in first
    data = json.loads(_crmtool(root, "subject", "erase", PERSON, "--dry-run", "--format", "json").stdout)
    assert data["legal_obligation"] == ["data-subject-rights"]


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
