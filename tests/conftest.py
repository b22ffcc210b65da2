"""Shared fixtures: a fresh copy of the clean base repository, and the project's root."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from crmtool.load.repo import Repository

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """The one way "today" is pinned: every command a test runs, in this process (CliRunner)
    or as a child process (which inherits the environment), takes TODAY as today unless the
    test passes --today itself. No test depends on the day it runs."""
    monkeypatch.setenv("CRMTOOL_TODAY", TODAY.isoformat())


@pytest.fixture
def base_repo(tmp_path: Path) -> Repository:
    """A small valid repository in a temporary folder, free to break."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    return Repository(root)


def git(root: Path, *args: str) -> str:
    """Run git in `root` with a fixed identity, independent of the machine's configuration."""
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
                               "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
                               "HOME": str(root), "PATH": "/usr/bin:/bin"}).stdout


@pytest.fixture
def example_git_repo(tmp_path: Path) -> Repository:
    """The shipped example records as a git repository with one commit on `main`."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    return Repository(root)


# Hypothesis profiles for tests/test_fuzz.py, chosen with HYPOTHESIS_PROFILE (default "ci"):
# "ci" is small and derandomized, so every CI run tries the same examples; "long" is the
# occasional deep run (docs/check.md, "Fuzzing"): 100,000 examples of the load property; the
# costlier properties cap their own count (tests/test_fuzz.py).
from hypothesis import Phase, settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", max_examples=25, derandomize=True, deadline=None, print_blob=True)
_hypothesis_settings.register_profile("long", max_examples=100_000, deadline=None, print_blob=True)
_hypothesis_settings.register_profile("dev", max_examples=300, deadline=None, phases=[
    Phase.explicit, Phase.reuse, Phase.generate])  # finds without shrinking: for a quick look
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


SCREENSHOTS = PROJECT / "docs" / "screenshots"
"""Where the browser tests write their screenshots with CRMTOOL_REGENERATE_DOCS=1."""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium for one test module (tests/browser.py; skipped without one)."""
    from .browser import chrome
    driver = chrome(tmp_path_factory.mktemp("chromium-profile"), console=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: docs/screenshots/ with CRMTOOL_REGENERATE_DOCS=1, else a temporary folder."""
    if os.environ.get("CRMTOOL_REGENERATE_DOCS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def scans(monkeypatch) -> list[int]:
    """How often a command walked every folder under records/ (`Repository.scan`, the slow
    path that git's view lets a warm check and a question skip)."""
    from crmtool.load.repo import Repository

    counted: list[int] = []
    original = Repository.scan

    def scan(self, walked=None):
        counted.append(1)
        return original(self, walked)
    monkeypatch.setattr(Repository, "scan", scan)
    return counted


@pytest.fixture
def asked(monkeypatch) -> list[tuple[str, ...]]:
    """The arguments of every `git status` the views ran."""
    from crmtool.git import status

    calls: list[tuple[str, ...]] = []
    original = status.git

    def recording(root, *args):
        if "status" in args:
            calls.append(args)
        return original(root, *args)
    monkeypatch.setattr(status, "git", recording)
    return calls
