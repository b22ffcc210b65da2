"""`crmtool end-role` on the seed's alderman: what cascades, what stays, and that the check
passes afterwards; refusals, dry runs and interrupted runs change no byte."""
from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmtool.edit import roundtrip
from crmtool.load import atomic
from crmtool.cli import cli

from .conftest import PROJECT
from .test_atomic import replace_failing

ALDERMAN = "r-lelystad-wethouder-2026-a"
MEMBER = "r-vgn-commissie-milieu-lid-2026-a"
CHAIR = "r-vgn-commissie-milieu-voorzitter-2026"
BOARD = "r-vgn-bestuur-lid-2026-a"
CASCADE = [ALDERMAN, MEMBER, CHAIR, BOARD]
END = ["--on", "2026-12-31", "--reason", "not-re-elected"]


def copy_records(root: Path) -> Path:
    """The example records without git, for the tests that need no history (git init and a
    commit cost twice the copy)."""
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return root


@pytest.fixture
def repo(tmp_path) -> Path:
    return copy_records(tmp_path)


@pytest.fixture(scope="module")
def unchanging(tmp_path_factory) -> Path:
    """One copy for the tests that must change no byte: each checks that it did not, so they
    can share it."""
    return copy_records(tmp_path_factory.mktemp("unchanging"))


def role_path(root: Path, role: str) -> Path:
    return root / "records" / "roles" / f"{role}.yaml"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the repository outside .git and build/, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] not in (".git", "build")}


def end_role(root: Path, *args: str):
    return CliRunner().invoke(cli, ["end-role", "--root", str(root), *args])


def as_json(root: Path, *args: str) -> dict:
    result = end_role(root, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def check(root: Path, *args: str):
    return CliRunner().invoke(cli, ["check", "--root", str(root), *args])


def edit(root: Path, role: str, old: str, new: str) -> None:
    path = role_path(root, role)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_alderman_loses_his_committee_and_board_seats_and_keeps_the_rest(example_git_repo):
    root = example_git_repo.root
    before = snapshot(root)
    report = as_json(root, ALDERMAN, *END)

    assert [c["role"] for c in report["changes"]] == CASCADE
    assert {c["reason"] for c in report["changes"][1:]} == {"derived-role-ended"}
    assert report["changes"][0]["reason"] == "not-re-elected"
    assert all(c["old_end"] is None and c["new_end"] == "2026-12-31" for c in report["changes"])
    assert {c["holder"] for c in report["changes"]} == {"p-r5epc6"}
    assert report["changes"][0]["holder_name"] == "Teun Jansen"
    assert report["changes"][3]["on_behalf_of"] == CHAIR

    after = snapshot(root)
    changed = {path for path in before if before[path] != after[path]}
    assert changed == {f"records/roles/{role}.yaml" for role in CASCADE} == set(report["written"])
    assert set(after) == set(before)  # no file added or removed, every other byte the same
    assert b"subscriptions: [weekly-digest]" in after["records/people/p-r5epc6.yaml"]

    for role in CASCADE:
        path = f"records/roles/{role}.yaml"
        diff = [line for line in difflib.unified_diff(before[path].decode().splitlines(),
                                                      after[path].decode().splitlines(), lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        reason = "not-re-elected" if role == ALDERMAN else "derived-role-ended"
        assert diff == ["+end: 2026-12-31", f"+end_reason: {reason}"], role
        assert after[path].startswith(b"# yaml-language-server: $schema=../../schemas/role.schema.json\n"
                                      b"# Example scenario:")


def test_the_check_passes_afterwards_today_and_after_the_end_date(example_git_repo):
    root = example_git_repo.root
    later = ["--today", "2027-01-05", "--format", "json"]
    errors_before = {(f["path"], f["rule"]) for f in json.loads(check(root, *later).output)["findings"]
                     if f["severity"] == "error"}
    assert end_role(root, ALDERMAN, *END).exit_code == 0

    result = check(root, "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    # In January 2027 the example records have errors of their own (a retention that ran out,
    # an agreement that expired); ending the roles adds none, and a pull request with this
    # change passes.
    errors_after = {(f["path"], f["rule"]) for f in json.loads(check(root, *later).output)["findings"]
                    if f["severity"] == "error"}
    assert errors_after == errors_before
    result = check(root, "--changed-since", "HEAD", "--today", "2027-01-05")
    assert result.exit_code == 0, result.output


def test_the_check_passes_the_day_after_an_earlier_end(repo):
    """A day after the end on which the example records are clean by themselves."""
    assert end_role(repo, ALDERMAN, "--on", "2026-11-30", "--reason", "resigned").exit_code == 0
    result = check(repo, "--today", "2026-12-01")
    assert result.exit_code == 0, result.output

def test_a_dry_run_changes_no_byte_and_shows_the_same_changes(unchanging):
    root = unchanging
    before = snapshot(root)
    report = as_json(root, ALDERMAN, *END, "--dry-run")
    assert report["dry_run"] is True
    assert [c["role"] for c in report["changes"]] == CASCADE
    assert report["written"] == sorted(f"records/roles/{role}.yaml" for role in CASCADE)
    text = end_role(root, ALDERMAN, *END, "--dry-run")
    assert text.exit_code == 0
    assert "p-r5epc6 (Teun Jansen)" in text.output and "-> 2026-12-31" in text.output
    assert snapshot(root) == before
    assert not (root / "build").exists()


def test_json_output_shape(repo):
    report = as_json(repo, ALDERMAN, *END)
    assert set(report) == {"role", "on", "reason", "dry_run", "changes", "left_alone", "written",
                           "recovered", "pending"}
    assert (report["role"], report["on"], report["reason"]) == (ALDERMAN, "2026-12-31", "not-re-elected")
    assert set(report["changes"][0]) == {"role", "path", "holder", "holder_name", "function", "organisation",
                                         "on_behalf_of", "old_end", "new_end", "old_reason", "reason"}
    assert report["changes"][0]["function"] == "wethouder"
    assert report["changes"][0]["organisation"] == "gemeente-lelystad-college"


def test_running_it_again_changes_nothing(repo):
    root = repo
    end_role(root, ALDERMAN, *END)
    before = snapshot(root)
    report = as_json(root, ALDERMAN, *END)
    assert report["changes"] == [] and report["written"] == []
    assert snapshot(root) == before


def test_a_derived_role_that_already_ended_stays_and_a_later_end_is_brought_back(repo):
    root = repo
    edit(root, CHAIR, "start: 2026-09-01\n", "start: 2026-09-01\nend: 2026-10-31\nend_reason: resigned\n")
    edit(root, BOARD, "start: 2026-09-01\n", "start: 2026-09-01\nend: 2026-10-31\n")
    edit(root, MEMBER, "start: 2026-06-10\n", "start: 2026-06-10\nend: 2027-06-30  # term of the committee\n")
    chair, board = role_path(root, CHAIR).read_bytes(), role_path(root, BOARD).read_bytes()
    report = as_json(root, ALDERMAN, *END)
    assert [c["role"] for c in report["changes"]] == [ALDERMAN, MEMBER]
    assert report["changes"][1]["old_end"] == "2027-06-30"
    assert [(a["role"], a["end"]) for a in report["left_alone"]] == [(CHAIR, "2026-10-31")]
    assert role_path(root, CHAIR).read_bytes() == chair and role_path(root, BOARD).read_bytes() == board
    assert "end: 2026-12-31  # term of the committee\nend_reason: derived-role-ended\n" in \
        role_path(root, MEMBER).read_text()
    assert check(root, "--today", "2026-11-24").exit_code == 0


def test_ending_a_role_in_the_middle_of_the_chain_ends_only_what_hangs_below_it(repo):
    report = as_json(repo, CHAIR, "--on", "2026-11-30", "--reason", "resigned")
    assert [c["role"] for c in report["changes"]] == [CHAIR, BOARD]
    assert report["changes"][0]["on_behalf_of"] is None


def test_a_cycle_in_on_behalf_of_does_not_hang(repo):
    root = repo
    edit(root, ALDERMAN, "public: true\n", f"on_behalf_of: {BOARD}\npublic: true\n")
    report = as_json(root, ALDERMAN, *END)
    assert [c["role"] for c in report["changes"]] == CASCADE


def test_without_the_derived_reason_in_the_vocabulary_the_given_reason_is_used(repo):
    root = repo
    vocabulary = root / "records/vocabularies/end-reasons.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    start = text.index("- id: derived-role-ended")
    vocabulary.write_text(text[:start] + text[text.index("- id: deceased"):], encoding="utf-8")
    report = as_json(root, ALDERMAN, *END)
    assert {c["reason"] for c in report["changes"]} == {"not-re-elected"}


def test_without_an_end_reasons_vocabulary_any_slug_is_a_reason(repo):
    root = repo
    (root / "records/vocabularies/end-reasons.yaml").unlink()
    report = as_json(root, ALDERMAN, "--on", "2026-12-31", "--reason", "lost-seat")
    assert {c["reason"] for c in report["changes"]} == {"lost-seat"}
    result = end_role(root, ALDERMAN, "--on", "2026-12-31", "--reason", "Lost Seat")
    assert result.exit_code == 2 and "'Lost Seat'" in result.output


@pytest.mark.parametrize("args, code, expected", [
    (["r-lelystad-wethouder-2062-a", *END], 2, ["r-lelystad-wethouder-2062-a", "r-lelystad-wethouder-2026-a"]),
    ([ALDERMAN, "--on", "2026-12-31", "--reason", "fired"], 2, ["'fired'", "not-re-elected, resigned"]),
    ([ALDERMAN, "--on", "31-12-2026", "--reason", "resigned"], 2, ["31-12-2026", "JJJJ-MM-DD"]),
    ([ALDERMAN, "--reason", "resigned"], 2, ["--on"]),
    ([ALDERMAN, "--on", "2026-12-31"], 2, ["--reason"]),
    ([ALDERMAN, "--on", "2026-05-13", "--reason", "resigned"], 1, ["2026-05-14", "2026-05-13"]),
    (["r-lelystad-wethouder-2022-a", *END], 1, ["2026-05-13", "records/roles/r-lelystad-wethouder-2022-a.yaml"]),
    ([ALDERMAN, "--on", "2026-08-31", "--reason", "resigned"], 1, [CHAIR, "2026-09-01", "on_behalf_of"]),
])
def test_refusals_change_no_byte(unchanging, args, code, expected):
    root = unchanging
    before = snapshot(root)
    result = end_role(root, *args)
    assert result.exit_code == code, result.output
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output
    assert snapshot(root) == before


def test_a_file_to_change_that_does_not_load_is_named(repo):
    root = repo
    role_path(root, BOARD).write_text(role_path(root, BOARD).read_text() + "start: 2026-09-02\n")
    before = snapshot(root)
    result = end_role(root, ALDERMAN, *END)
    assert result.exit_code == 1
    assert f"records/roles/{BOARD}.yaml" in result.output
    assert snapshot(root) == before


def test_the_named_role_that_does_not_load_is_named(repo):
    root = repo
    role_path(root, ALDERMAN).write_text("person: [p-r5epc6\n")
    result = end_role(root, ALDERMAN, *END)
    assert result.exit_code == 1 and f"records/roles/{ALDERMAN}.yaml" in result.output


class Crash(BaseException):
    """Stands for SIGKILL: nothing in the process runs after it, so the journal stays."""


def crash_half_way(root: Path, monkeypatch) -> None:
    """Run the alderman's end-role and kill it after the first file was moved into place."""
    with monkeypatch.context() as patch:
        moved = replace_failing(patch, Crash(), after=1)
        with pytest.raises(Crash):
            CliRunner().invoke(cli, ["end-role", "--root", str(root), ALDERMAN, *END], catch_exceptions=False)
    assert len(moved) == 1 and (root / atomic.JOURNAL).exists()


def test_an_interrupted_run_is_rolled_back_by_the_next(repo, monkeypatch):
    root = repo
    before = snapshot(root)
    crash_half_way(root, monkeypatch)
    assert snapshot(root) != before  # one file new, three old: what the journal is for

    preview = as_json(root, ALDERMAN, *END, "--dry-run")
    assert preview["pending"] == sorted(f"records/roles/{role}.yaml" for role in CASCADE)
    assert (root / atomic.JOURNAL).exists()  # the preview changed nothing

    refused = end_role(root, ALDERMAN, "--on", "2026-12-31", "--reason", "fired")
    assert refused.exit_code == 2
    assert snapshot(root) == before and not (root / atomic.JOURNAL).exists()  # rolled back all the same

    crash_half_way(root, monkeypatch)
    result = end_role(root, "r-almere-burgemeester-2021", "--on", "2026-12-31", "--reason", "resigned")
    assert result.exit_code == 0, result.output
    assert f"records/roles/{ALDERMAN}.yaml" in result.output  # named as restored
    after = snapshot(root)
    assert {p for p in before if before[p] != after[p]} == {  # the mayor and the seat held as mayor
        "records/roles/r-almere-burgemeester-2021.yaml", "records/roles/r-vrf-voorzitter-2021.yaml"}


def test_a_failed_write_leaves_every_file_old(repo, monkeypatch):
    root = repo
    before = snapshot(root)
    replace_failing(monkeypatch, OSError(28, "No space left on device"), after=2)
    result = end_role(root, ALDERMAN, *END)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "records/roles/" in result.output and "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert snapshot(root) == before


def test_a_real_subprocess_dry_run(repo):
    root = repo
    before = snapshot(root)
    env = {k: v for k, v in os.environ.items() if k not in ("CRMTOOL_TODAY", "CRMTOOL_DEBUG")}
    done = subprocess.run([sys.executable, "-m", "crmtool", "end-role", ALDERMAN, *END, "--dry-run"],
                          cwd=root / "records" / "roles", capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    for role in CASCADE:
        assert role in done.stdout
    assert "Teun Jansen" in done.stdout and "records/roles/r-vgn-bestuur-lid-2026-a.yaml" in done.stdout
    assert snapshot(root) == before


def test_an_organisation_as_member_is_named_too(unchanging):
    report = as_json(unchanging, "r-g40-lid-almere", "--on", "2026-12-31", "--reason", "other", "--dry-run")
    [change] = report["changes"]
    assert (change["holder"], change["holder_name"]) == ("gemeente-almere", "Gemeente Almere")


def test_an_edit_that_would_break_the_file_is_refused(repo, monkeypatch):
    """The record-level check runs on every edited text before anything is written."""
    before = snapshot(repo)
    monkeypatch.setattr(roundtrip, "dump", lambda document: "person: [p-r5epc6\n")
    result = end_role(repo, ALDERMAN, *END)
    assert result.exit_code == 1
    assert f"records/roles/{ALDERMAN}.yaml" in result.output and "Y001" in result.output
    assert snapshot(repo) == before
