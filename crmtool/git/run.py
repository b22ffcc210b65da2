"""Running git in a records repository, through GitPython's `Repo.git` (and `subprocess`
where git needs input on stdin or gives bytes that need not be text).

Only git's own commands are used (never GitPython's object model, which is many times slower
for listings and diffs). A folder outside any git repository, a missing git executable or a
failing command all give None: callers decide whether that is an error or a slower path.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


def run(root: Path, *args: str) -> str | None:
    """git's output for `args`, run in `root`, or None when it cannot be had."""
    try:
        import git
    except ImportError:  # no git executable: GitPython refuses to import
        return None
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        return repo.git.execute(["git", "-C", str(root), *args], strip_newline_in_stdout=False)
    except git.GitCommandError:
        return None
    finally:
        repo.close()


def run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's raw output for `args`, run in `root` with `stdin` as its input, or None when it
    cannot be had.

    For what `run` cannot carry: input on stdin (`cat-file --batch` reads every wanted object
    in one process instead of one process per object) and output that need not be UTF-8
    (blob contents, author names written in another encoding), which the caller decodes.
    """
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except OSError:  # no git executable, or `root` is gone
        return None
    return done.stdout if done.returncode == 0 else None
