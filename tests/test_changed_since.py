"""`crmtool check --changed-since REV`: only what a change reaches, blocked only by what it changed.

The differential tests are the heart: for a change, every finding the partial check reports
is one the full check reports too (at most downgraded), and every finding the full check has
on a touched record, the partial check has as well.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from .conftest import TODAY, git
from crmtool.git.changes import changes_since
from crmtool.check.run import run_check
from crmtool.check.partial import run_changed
from crmtool.cli import cli
from crmtool.load.repo import Repository, UsageError

PERSON = "records/people/p-2n3qp7.yaml"  # Kees Ploeger, with roles
FORMER = "records/people/p-u9za5m.yaml"  # her access request's retention ends 2032-11-23
FORMER_ROLE = "records/requests/dsr-2026-0003.yaml"  # the record that reaches her
AFTER_RETENTION = dt.date(2032, 12, 1)


@pytest.fixture
def repo(example_git_repo: Repository) -> Repository:
    return example_git_repo


def edit(repo: Repository, path: str, old: str, new: str) -> None:
    file = repo.root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def key(finding):
    return (finding.path, finding.line, finding.column, finding.rule, finding.message)


def assert_agrees_with_full(repo: Repository, today: dt.date = TODAY) -> list:
    """The partial check is the full check seen through the change (with date errors softened)."""
    partial = run_changed(repo, today, "HEAD", use_cache=False)
    full = run_check(repo, today, use_cache=False)
    full_by_key = {key(f): f for f in full.findings}
    for finding in partial.findings:
        assert key(finding) in full_by_key, f"partial invented {finding}"
        assert finding.severity == full_by_key[key(finding)].severity or finding.severity == "warning"
    touched = changes_since(repo.root, "HEAD").touched
    partial_keys = {key(f) for f in partial.findings}
    for finding in full.findings:
        if finding.path in touched:
            assert key(finding) in partial_keys, f"partial missed {finding}"
    return partial.findings


def test_nothing_changed_reports_nothing(repo):
    result = run_changed(repo, TODAY, "HEAD", use_cache=False)
    assert result.findings == []
    assert result.exit_code == 0


def test_an_edited_person_owns_its_findings(repo):
    edit(repo, PERSON, "owner: public-affairs", "owner: public-affairs\nshoe_size: 44")
    findings = assert_agrees_with_full(repo)
    assert any(f.path == PERSON and f.rule == "S001" and f.severity == "error" for f in findings)
    assert {f.path for f in findings} == {PERSON}


def test_a_deleted_organisation_breaks_untouched_roles(repo):
    git(repo.root, "rm", "-q", "records/organisations/vgn-commissie-milieu.yaml")
    git(repo.root, "commit", "-q", "-m", "Remove a committee")
    findings = run_changed(repo, TODAY, "HEAD~1", use_cache=False).findings
    broken = {f.path for f in findings if f.rule == "R001" and f.severity == "error"}
    full = {f.path for f in run_check(repo, TODAY, use_cache=False).findings if f.rule == "R001"}
    assert broken == full
    assert any(p.startswith("records/roles/") for p in broken)
    assert any(p.startswith("records/interactions/") for p in broken)


def test_a_renamed_person_is_a_removed_id(repo):
    git(repo.root, "mv", PERSON, "records/people/p-zz9zz9.yaml")
    findings = assert_agrees_with_full(repo)
    assert any(f.rule == "R001" and f.path.startswith("records/roles/") for f in findings)


def test_a_role_change_checks_its_person_and_organisation(repo):
    path = "records/roles/r-lelystad-burgemeester-2026.yaml"
    text = (repo.root / path).read_text(encoding="utf-8")
    start = next(line for line in text.splitlines() if line.startswith("start:"))
    edit(repo, path, start, "start: 2024-01-01")  # now overlaps the previous mayors
    findings = assert_agrees_with_full(repo)
    assert any(f.rule == "T003" and f.path == path for f in findings)


def test_date_errors_on_untouched_records_become_warnings(repo):
    full = run_check(repo, AFTER_RETENTION, use_cache=False).findings
    assert any(f.path == FORMER and f.rule == "P007" and f.severity == "error" for f in full)
    # a change that reaches the requester without touching her record
    edit(repo, FORMER_ROLE, "closed:", "# answered by email\nclosed:")
    partial = run_changed(repo, AFTER_RETENTION, "HEAD", use_cache=False).findings
    expired = [f for f in partial if f.path == FORMER and f.rule == "P007"]
    assert expired and all(f.severity == "warning" for f in expired)
    assert run_changed(repo, AFTER_RETENTION, "HEAD", use_cache=False).exit_code == 0


def test_a_touched_record_owns_its_date_errors(repo):
    edit(repo, FORMER, "status: active", "# still subscribed\nstatus: active")
    partial = run_changed(repo, AFTER_RETENTION, "HEAD", use_cache=False)
    assert any(f.path == FORMER and f.rule == "P007" and f.severity == "error" for f in partial.findings)
    assert partial.exit_code == 1


def test_a_policy_change_checks_everything_and_users_own_their_date_errors(repo):
    edit(repo, "records/purposes/data-subject-rights.yaml", "review:", "# reviewed by the board\nreview:")
    partial = run_changed(repo, AFTER_RETENTION, "HEAD", use_cache=False)
    full = run_check(repo, AFTER_RETENTION, use_cache=False)
    assert {key(f) for f in partial.findings} == {key(f) for f in full.findings}
    assert any(f.path == FORMER and f.rule == "P007" and f.severity == "error" for f in partial.findings)


def test_a_config_change_checks_everything(repo):
    edit(repo, "crmtool.yaml", "waivers: []", "waivers: []\n# checked")
    assert changes_since(repo.root, "HEAD").whole
    partial = run_changed(repo, TODAY, "HEAD", use_cache=False)
    assert [key(f) for f in partial.findings] == [key(f) for f in run_check(repo, TODAY, use_cache=False).findings]


def test_untracked_records_and_strays_are_part_of_the_change(repo):
    (repo.root / "records/people/p-new001.yaml").write_text("name: {given: Test\n", encoding="utf-8")
    (repo.root / "records/roles/notes.txt").write_text("not a record\n", encoding="utf-8")
    rules = {(f.path, f.rule) for f in assert_agrees_with_full(repo)}
    assert ("records/people/p-new001.yaml", "Y001") in rules
    assert ("records/roles/notes.txt", "S003") in rules


@pytest.mark.parametrize("path, old, new", [
    (PERSON, "kind: work", "kind: private"),
    (PERSON, "public-register", "scraped-linkedin"),
    ("records/organisations/gemeente-almere.yaml", "name:", "# renamed\nname:"),
    (FORMER_ROLE, "closed:", "closed: 2026-11-24\nold_closed:"),
])
def test_partial_agrees_with_full(repo, path, old, new):
    edit(repo, path, old, new)
    assert_agrees_with_full(repo)
    assert_agrees_with_full(repo, AFTER_RETENTION)


def test_the_commit_message_rule_reads_the_branch_since_the_base(repo):
    edit(repo, PERSON, "owner: public-affairs", "owner: public-affairs\n# phone checked")
    git(repo.root, "commit", "-q", "-am", "Kees Ploeger has a new phone")
    findings = run_changed(repo, TODAY, "HEAD~1", use_cache=False).findings
    assert any(f.rule == "P021" and f.path == PERSON for f in findings)
    assert all("Ploeger" not in f.message for f in findings if f.rule == "P021")


def test_an_unknown_revision_is_a_usage_error(repo):
    with pytest.raises(UsageError, match="no such revision"):
        changes_since(repo.root, "no-such-branch")
    with pytest.raises(UsageError):
        changes_since(repo.root, "--output=/tmp/x")
    done = subprocess.run([sys.executable, "-m", "crmtool", "check", "--root", str(repo.root),
                           "--changed-since", "nope", "--today", TODAY.isoformat()],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "no such revision" in done.stderr and "Traceback" not in done.stderr


def test_through_the_cli_as_json(repo):
    edit(repo, PERSON, "owner: public-affairs", "owner: public-affairs\nshoe_size: 44")
    result = CliRunner().invoke(cli, ["check", "--root", str(repo.root), "--changed-since", "HEAD",
                                      "--today", TODAY.isoformat(), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert {f["path"] for f in report["findings"]} == {PERSON}
    assert report["summary"]["errors"] >= 1
