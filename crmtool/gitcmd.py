"""Running git in a records repository, through GitPython's `Repo.git`.

Only git's own commands are used (never GitPython's object model, which is many times slower
for listings and diffs). A folder outside any git repository, a missing git executable or a
failing command all give None: callers decide whether that is an error or a slower path.
"""
from __future__ import annotations

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
