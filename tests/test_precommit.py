"""pre-commit: the hooks other repositories use (.pre-commit-hooks.yaml) and this repository's
own configuration (.pre-commit-config.yaml), run by the real `pre-commit` on real commits."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crmtool.cli import cli

from .conftest import PROJECT, git

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
BAD_PERSON = """\
# yaml-language-server: $schema=../../schemas/person.schema.json
name: {given: Test, family: Fictief}
owner: public-affairs
"""  # no purpose: P001, an error


def hook_env(home: Path) -> dict:
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "CRMTOOL_TODAY": "2026-11-24",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
            # the hooks of .pre-commit-config.yaml run the crmtool installed next to this Python
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def pre_commit(root: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*PRE_COMMIT, *args], cwd=root, env=hook_env(home), capture_output=True, text=True)


def commit(root: Path, message: str, home: Path) -> subprocess.CompletedProcess:
    """A real `git commit`, which runs the installed hook."""
    return subprocess.run(["git", "commit", "-q", "-m", message], cwd=root, env=hook_env(home),
                          capture_output=True, text=True)


@pytest.fixture
def records_repo(example_git_repo) -> Path:
    """The examples as a git repository, with their .github/CODEOWNERS."""
    root = example_git_repo.root
    shutil.copytree(PROJECT / ".github", root / ".github")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "CODEOWNERS")
    return root


def test_manifest_and_config_are_valid_and_name_real_commands(tmp_path):
    for command, path in (("validate-manifest", ".pre-commit-hooks.yaml"),
                          ("validate-config", ".pre-commit-config.yaml")):
        done = subprocess.run([*PRE_COMMIT, command, str(PROJECT / path)], capture_output=True, text=True,
                              env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path)})
        assert done.returncode == 0, done.stdout + done.stderr
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = yaml.safe_load((PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == [h["id"] for h in local]
    for hook in hooks + local:
        program, name, *options = hook["entry"].split()
        assert program == "crmtool" and name in cli.commands, hook["entry"]
        assert all(any(o in p.opts for p in cli.commands[name].params) for o in options), hook["entry"]


def test_a_commit_of_a_bad_record_is_refused_with_the_finding(records_repo, tmp_path):
    root = records_repo
    shutil.copy(PROJECT / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-q", "-m", "pre-commit")
    assert pre_commit(root, "install", home=tmp_path / "home").returncode == 0
    (root / "records/people/p-zz99zz.yaml").write_text(BAD_PERSON, encoding="utf-8")
    git(root, "add", "records/people/p-zz99zz.yaml")
    refused = pre_commit(root, "run", home=tmp_path / "home")
    assert refused.returncode == 1
    assert "crmtool check" in refused.stdout and "Failed" in refused.stdout
    assert "records/people/p-zz99zz.yaml:2:1: ERROR P001" in refused.stdout
    # a real `git commit` runs the installed hook and is refused too
    refused_commit = commit(root, "A new contact", tmp_path / "home")
    assert refused_commit.returncode == 1
    assert "records/people/p-zz99zz.yaml:2:1: ERROR P001" in refused_commit.stdout + refused_commit.stderr
    assert git(root, "log", "--format=%s").splitlines() == ["pre-commit", "CODEOWNERS", "Example records"]
    # with a purpose the same commit passes every hook
    (root / "records/people/p-zz99zz.yaml").write_text(
        BAD_PERSON + "purposes:\n"
                     "- {purpose: office-holders, since: 2026-11-24, source: public-register, notified: 2026-11-24}\n",
        encoding="utf-8")
    git(root, "add", "records/people/p-zz99zz.yaml")
    formatted = pre_commit(root, "run", home=tmp_path / "home")  # the fmt hook puts `owner` last
    assert formatted.returncode == 1 and "crmtool fmt" in formatted.stdout
    assert (root / "records/people/p-zz99zz.yaml").read_text(encoding="utf-8").endswith("owner: public-affairs\n")
    git(root, "add", "records/people/p-zz99zz.yaml")
    done = commit(root, "A new contact", tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(root, "log", "--format=%s").splitlines()[0] == "A new contact"


def test_other_repositories_install_the_hook_from_this_one(records_repo, tmp_path):
    """`pre-commit try-repo` installs crmtool from this project into a fresh environment, as a
    repository that lists it under `repos:` would (it needs the package index)."""
    root = records_repo
    (root / "records/people/p-zz99zz.yaml").write_text(BAD_PERSON, encoding="utf-8")
    git(root, "add", "-A")
    done = pre_commit(root, "try-repo", str(PROJECT), "crmtool-check", "--files", "records/people/p-zz99zz.yaml",
                      home=tmp_path / "home")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "records/people/p-zz99zz.yaml:2:1: ERROR P001" in done.stdout
    assert "Traceback" not in done.stdout
