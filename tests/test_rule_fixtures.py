"""Golden fixtures: every rule has cases that pass and cases that fail, as files.

A case is a folder `tests/fixtures/<RULE>/<pass|fail>/<case>/` whose files are laid over the
small valid repository in `tests/fixtures/base/` (a file named `<name>.delete` removes
`<name>` from the base; `<name>.mkdir` makes a folder, `<name>.symlink` a symbolic link to the
path the file holds, `<name>.mkfifo` a named pipe: what git cannot carry safely as itself).
A failing case has `expected.yaml`: the exact findings of that rule (path, line, column).
A passing case must produce no finding of that rule and no error at all. Adding a case is adding a folder.

A case with `commits.yaml` (a list of commit messages) becomes a git repository, for the rules
that read git history (P021): its files are the first commit, pushed to a bare "remote", and
each message is one more commit on the branch that is not pushed yet.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from crmtool.check.run import run_check
from crmtool.load.repo import Repository
from crmtool.rules import RULES

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 24)
CASE_FILES = ("expected.yaml", "commits.yaml")  # about the case, not part of the repository


def _cases(outcome: str) -> list:
    return [pytest.param(case, id=f"{case.parent.parent.name}-{outcome}-{case.name}")
            for case in sorted(FIXTURES.glob(f"[A-Z][0-9][0-9][0-9]/{outcome}/*")) if case.is_dir()]


def _materialise(case: Path, tmp_path: Path) -> Repository:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_dir() or relative.as_posix() in CASE_FILES:
            continue
        target = root / relative
        if source.name.endswith(".delete"):
            victim = target.with_name(source.name[: -len(".delete")])
            shutil.rmtree(victim) if victim.is_dir() else victim.unlink()
            continue
        if source.name.endswith(".mkdir"):
            target.with_name(source.name[: -len(".mkdir")]).mkdir(parents=True, exist_ok=True)
            continue
        if source.name.endswith((".symlink", ".mkfifo")):
            target.parent.mkdir(parents=True, exist_ok=True)
            special = target.with_name(source.stem)
            if source.suffix == ".symlink":
                special.symlink_to(source.read_text(encoding="utf-8").strip())
            else:
                os.mkfifo(special)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    if (case / "commits.yaml").exists():
        messages = yaml.safe_load((case / "commits.yaml").read_text(encoding="utf-8")) or []
        _git_history(root, tmp_path / "remote.git", [str(m) for m in messages])
    return Repository(root)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Fixture", "-c", "user.email=fixture@example.invalid",
                    "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
                   cwd=cwd, check=True, capture_output=True)


def _git_history(root: Path, remote: Path, messages: list[str]) -> None:
    """The case's files as a commit that a bare "remote" holds, then one unpushed (empty)
    commit per message: the branch being checked."""
    _git(root.parent, "init", "-q", "--bare", str(remote))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Base of the fixture")
    _git(root, "remote", "add", "origin", str(remote))
    _git(root, "push", "-q", "origin", "main")
    for message in messages:
        _git(root, "commit", "-q", "--allow-empty", "-m", message)


def test_base_repository_is_clean(tmp_path):
    result = run_check(_materialise(FIXTURES / "base", tmp_path), TODAY, use_cache=False)
    assert result.findings == []


@pytest.mark.parametrize("case", _cases("fail"))
def test_failing_case_reports_exactly(case: Path, tmp_path):
    rule = case.parent.parent.name
    expected = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))
    result = run_check(_materialise(case, tmp_path), TODAY, use_cache=False)
    found = [{"path": f.path, "line": f.line, "column": f.column} for f in result.findings if f.rule == rule]
    assert found == [{"path": e["path"], "line": e["line"], "column": e["column"]} for e in expected]
    for finding in result.findings:
        assert finding.message and finding.hint, finding


@pytest.mark.parametrize("case", _cases("pass"))
def test_passing_case_is_clean(case: Path, tmp_path):
    rule = case.parent.parent.name
    result = run_check(_materialise(case, tmp_path), TODAY, use_cache=False)
    assert [f for f in result.findings if f.rule == rule] == []
    assert [f for f in result.findings if f.severity == "error"] == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_has_both_kinds_of_fixture(rule):
    assert list((FIXTURES / rule / "pass").glob("*/")), f"{rule} has no passing fixture"
    assert list((FIXTURES / rule / "fail").glob("*/expected.yaml")), f"{rule} has no failing fixture"
