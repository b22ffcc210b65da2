"""`crmtool assign`: the assignee changes and the hand-over is kept in the history, in the
file's own layout with its comments; refusals and dry runs change no byte; the follow-up
view shows the new assignee."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli

from .conftest import PROJECT, git
from .test_new import example_copy

ENV = {"CRMTOOL_TODAY": "2026-11-24"}


@pytest.fixture
def root(tmp_path) -> Path:
    return example_copy(tmp_path)


def request_path(root: Path, request: str) -> Path:
    return root / "records" / "requests" / f"{request}.yaml"


def assign(root: Path, *args: str, code: int = 0):
    result = CliRunner().invoke(cli, ["assign", *args, "--root", str(root)], env=ENV)
    assert result.exit_code == code, result.output
    return result


def test_the_hand_over_sets_the_assignee_and_is_kept_in_the_history_in_the_files_layout(root):
    path = request_path(root, "q-2026-0018")
    before = path.read_text(encoding="utf-8")
    path.write_text(before.replace("topics: [safety]", "topics: [safety]  # zie ook de oefening van 2025"),
                    encoding="utf-8")
    result = assign(root, "q-2026-0018", "chantal", "--note", "Chantal kent de regio: neemt het over.",
                    "--by", "anna")
    assert "Chantal Ouali (chantal)" in result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith("# yaml-language-server: $schema=../../schemas/request.schema.json\n")
    assert "topics: [safety]  # zie ook de oefening van 2025\nassignee: chantal\n" in after
    assert after.endswith("  assignee: anna\n- date: 2026-11-24\n  stage: triage\n  by: anna\n"
                          "  note: 'Chantal kent de regio: neemt het over.'\n  assignee: chantal\n"
                          "follow_up: 2026-11-27\n"
                          "owner: public-affairs\n")
    check = CliRunner().invoke(cli, ["check", "--root", str(root), str(path)], env=ENV)
    assert check.exit_code == 0, check.output


def test_flow_style_histories_get_a_flow_style_entry(tmp_path):
    root = tmp_path / "coop"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    assign(root, "rq-2026-042", "jef", "--on", "2026-11-25")
    text = request_path(root, "rq-2026-042").read_text(encoding="utf-8")
    assert "\n  - {date: 2026-11-25, stage: received, assignee: jef}\nfollow_up:" in text
    assert yaml.safe_load(text)["assignee"] == "jef"


def test_a_request_without_stage_or_history_gets_the_start_stage(root):
    path = request_path(root, "q-2026-0019")
    text = path.read_text(encoding="utf-8")
    start = text.index("stage: received\n")
    path.write_text(text[:start] + text[text.index("follow_up:"):], encoding="utf-8")
    result = assign(root, "q-2026-0019", "anna")
    assert "received" in result.output
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["stage"] == "received"
    assert record["history"] == [{"date": dt.date(2026, 11, 24), "stage": "received",
                                  "assignee": "anna"}]


@pytest.mark.parametrize("args, message", [
    (["q-2026-0007", "anna"], "is closed"),  # stage closed
    (["q-2026-0016", "anna"], "is closed"),  # rejected: a final stage
    (["q-2026-0019", "gijs"], "Gijs Brouwer (gijs) is not active"),
    (["q-2026-0019", "chantal"], "already assigned to Chantal Ouali (chantal)"),
    (["q-2026-0019", "anna", "--on", "2026-11-01"], "was received on 2026-11-23"),
])
def test_refusals_change_nothing_and_exit_1(root, args, message):
    before = {p.name: p.read_bytes() for p in (root / "records" / "requests").iterdir()}
    result = assign(root, *args, code=1)
    assert message in result.output
    assert {p.name: p.read_bytes() for p in (root / "records" / "requests").iterdir()} == before


@pytest.mark.parametrize("args, message", [
    (["q-2026-019", "anna"], "Did you mean q-2026-0019"),
    (["q-2026-0019", "ana"], "Did you mean anna"),
    (["q-2026-0019", "anna", "--by", "bramm"], "--by: there is no 'bramm'"),
    (["q-2026-0019", "anna", "--on", "24-11-2026"], "is not a date"),
])
def test_unknown_ids_are_usage_errors_with_suggestions(root, args, message):
    result = assign(root, *args, code=2)
    assert message in result.output and "Traceback" not in result.output


def test_dry_run_shows_the_new_file_and_writes_nothing(root):
    path = request_path(root, "q-2026-0019")
    before = path.read_bytes()
    result = assign(root, "records/requests/q-2026-0019.yaml", "daan", "--dry-run")
    assert "assignee: daan" in result.stdout and path.read_bytes() == before
    data = json.loads(assign(root, "q-2026-0019", "daan", "--dry-run", "--format", "json").stdout)
    assert data["assignee"] == "daan" and data["previous"] == "chantal" and data["dry_run"] is True


def test_by_defaults_to_the_colleague_with_gits_email_and_the_follow_up_view_shows_the_new_assignee(root):
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "Eline.Kok@vgn.example.nl")
    assign(root, "q-2026-0018", "bram")
    record = yaml.safe_load(request_path(root, "q-2026-0018").read_text(encoding="utf-8"))
    assert record["history"][-1]["by"] == "eline"
    result = CliRunner().invoke(cli, ["query", "follow-up", "--root", str(root), "--format", "json"], env=ENV)
    assert result.exit_code == 0, result.output
    rows = {row["request"]: row["assignee"] for row in json.loads(result.stdout)}
    assert rows["q-2026-0018"] == "bram"


def test_a_real_process(root):
    done = subprocess.run([sys.executable, "-m", "crmtool", "assign", "q-2026-0015", "chantal", "--note",
                           "Vakantie", "--root", str(root)], capture_output=True, text=True, env={**os.environ, **ENV})
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(request_path(root, "q-2026-0015").read_text())["assignee"] == "chantal"
    done = subprocess.run([sys.executable, "-m", "crmtool", "assign", "q-2026-0015", "chantal", "--root", str(root)],
                          capture_output=True, text=True, env={**os.environ, **ENV})
    assert done.returncode == 1 and "already assigned" in done.stderr and "Traceback" not in done.stderr


CONCURRENT = 6
ROUNDS = 3


def test_concurrent_hand_overs_serialise_and_none_is_lost(root):
    """Many `crmtool assign` processes on one request at the same moment: each reads the
    request under the repository lock, so every hand-over ends up in the history. Reading
    before taking the lock lost one of two in 3 of 10 tries; waiting for the lock (not
    refusing) lets every one succeed."""
    staff = [f"kollega{n}" for n in range(CONCURRENT * ROUNDS)]
    template = (root / "records" / "staff" / "bram.yaml").read_text(encoding="utf-8")
    for n, colleague in enumerate(staff):
        (root / "records" / "staff" / f"{colleague}.yaml").write_text(
            template.replace("Bram Hoekstra", f"Kollega {chr(65 + n)} Proef").replace(
                "bram.hoekstra@", f"{colleague}@").replace("bram-vgn", f"{colleague}-vgn"), encoding="utf-8")
    path = request_path(root, "q-2026-0018")
    env = {**os.environ, **ENV}
    for round_ in range(ROUNDS):
        batch = staff[round_ * CONCURRENT:(round_ + 1) * CONCURRENT]
        running = [subprocess.Popen([sys.executable, "-m", "crmtool", "assign", "q-2026-0018", colleague,
                                     "--by", "anna", "--root", str(root)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                   for colleague in batch]
        for process in running:
            out, err = process.communicate()
            assert process.returncode == 0, err
        history = yaml.safe_load(path.read_text(encoding="utf-8"))["history"]
        handed = [entry.get("assignee") for entry in history if entry.get("by") == "anna"]
        assert sorted(handed[-CONCURRENT:]) == sorted(batch), f"round {round_}: a hand-over was lost"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert len(record["history"]) == 2 + CONCURRENT * ROUNDS
    assert record["assignee"] == record["history"][-1]["assignee"]
    assert not list((root / "build").glob("crmtool-change.json"))
    check = CliRunner().invoke(cli, ["check", "--root", str(root), str(path)], env=ENV)
    assert check.exit_code == 0, check.output
