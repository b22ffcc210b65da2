"""Shared fixtures: a fresh copy of the clean base repository, and the project's root."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from crmtool.repo import Repository

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def base_repo(tmp_path: Path) -> Repository:
    """A small valid repository in a temporary folder, free to break."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    return Repository(root)
