"""Helpers for the workspace's tests: a signed-in client on a copy of a repository.

`signed_in(root)` gives a Starlette TestClient (no network) that has exchanged the token for
the cookie, over a Workspace that refreshes its index on every page (no watcher: the tests
that need one start it themselves). Today is pinned (tests/conftest.py's TODAY).
"""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from starlette.testclient import TestClient

from crmtool.load.repo import Repository
from crmtool.serve.app import create_app
from crmtool.serve.security import Keys
from crmtool.serve.workspace import Workspace

from .conftest import PROJECT, TODAY, git

TOKEN = "test-token-0123456789"
HOST = "testserver"


def association_copy(tmp_path: Path) -> Path:
    """The shipped association example (the repository's own records/) in `tmp_path`."""
    root = tmp_path / "association"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return root


def repository(root: Path, name: str, email: str) -> Path:
    """The example in `root` as a git repository on `main`, with the colleague's git identity."""
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", name)
    git(root, "config", "user.email", email)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    return root


def cooperative_copy(tmp_path: Path) -> Path:
    """The shipped cooperative example in `tmp_path`."""
    root = tmp_path / "cooperative"
    shutil.copytree(PROJECT / "examples" / "cooperative", root, ignore=shutil.ignore_patterns("build"))
    return root


@contextmanager
def signed_in(root: Path, *, watch: bool = False, today=TODAY) -> Iterator[TestClient]:
    workspace = Workspace(Repository(root), lambda: today, watch=watch)
    app = create_app(workspace, Keys(TOKEN), {HOST})
    try:
        with TestClient(app, base_url=f"http://{HOST}", follow_redirects=False) as client:
            answer = client.get(f"/?token={TOKEN}")
            assert answer.status_code == 303, answer.status_code
            yield client
    finally:
        workspace.close()
