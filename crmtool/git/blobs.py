"""The content hash of every record file, as git names it, read without reading the files.

The check cache is keyed by these hashes, so how they are found decides whether a stale cache
entry can ever be used. A file's hash is taken, in this order, from:

1. the check cache's own record of the file's size, inode and nanosecond modification and
   change times, when all four are unchanged (any write changes the change time, and no
   program can set it back);
2. git's index (`git ls-files -s`), when more than a few files are unknown (a fresh clone with
   a restored cache) and git reports the file unmodified (`git diff-files`)
   and the file last changed more than a second before git last wrote its index (git
   compares times to the second; a file written since is hashed here). This trusts git as
   far as `git status` does, and serves a fresh clone with a restored cache;
3. the file's bytes, hashed the way git hashes a blob (`sha1("blob <size>\\0" + bytes)`).

A warm check in a repository it has seen takes (1) for every file, so an edit that kept the
size and even the modification time is still seen (tests/test_cache.py does exactly that);
outside git, (3) is always right, only slower.
"""
from __future__ import annotations

import hashlib
import os
from stat import S_ISREG
from pathlib import Path

from .run import run as git
from ..load.cache import stat_key
from ..load.repo import RECORDS, read_regular


ASK_GIT_FROM = 1000
"""Fewer unknown files than this are hashed from their bytes: git lists every file of the
repository to answer (about a second at 100,000 people), a few hundred files hash faster."""


def blob_hash(data: bytes) -> str:
    """The git object name of a blob with these bytes."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


def file_hashes(root: Path, paths: list[str], remembered: dict[str, tuple[str, str]] | None = None
                ) -> tuple[dict[str, str], dict[str, str]]:
    """Path → blob hash, and path → stat key, for each readable file of `paths` (relative to
    `root`). `remembered` is what the cache saw last time: path → (stat key, blob hash)."""
    remembered = remembered or {}
    hashes: dict[str, str] = {}
    stats: dict[str, str] = {}
    unknown: list[tuple[str, int]] = []  # path and change time: a whole stat would cost 0.2 GiB at 100,000 people
    base = os.path.join(root, "")  # string joins: pathlib costs more than the stat itself here
    for path in paths:
        try:
            stat = os.lstat(base + path)  # a link is not followed (S011), and has no hash here
        except OSError:
            continue
        if not S_ISREG(stat.st_mode):
            continue
        key = stat_key(stat)
        stats[path] = key
        seen = remembered.get(path)
        if seen is not None and seen[0] == key:
            hashes[path] = seen[1]
        else:
            unknown.append((path, stat.st_ctime_ns))
    from_git, written = _from_git(root) if len(unknown) > ASK_GIT_FROM else ({}, 0)
    for path, changed in unknown:
        sha = from_git.get(path)
        if sha is not None and changed < written - 1_000_000_000:
            hashes[path] = sha
            continue
        try:
            hashes[path] = blob_hash(read_regular(root, path))
        except OSError:
            del stats[path]
    return hashes, stats


def _from_git(root: Path) -> tuple[dict[str, str], int]:
    """Hashes of the tracked files under records/ whose working copy git considers unchanged,
    and the time (ns) git last wrote its index; ({}, 0) outside git.

    Both git commands run in `root` print paths relative to it, also when the git repository
    starts higher up.
    """
    index = git(root, "rev-parse", "--git-path", "index")
    staged = git(root, "ls-files", "-s", "-z", "--", RECORDS)
    modified = git(root, "diff-files", "--name-only", "-z", "--relative", "--", RECORDS)
    if index is None or staged is None or modified is None:
        return {}, 0
    try:
        written = os.stat(root / index.strip()).st_mtime_ns
    except OSError:
        return {}, 0
    hashes: dict[str, str] = {}
    for entry in staged.split("\0"):
        if not entry:
            continue
        meta, _tab, name = entry.partition("\t")
        mode, sha, stage = meta.split(" ")
        if stage != "0" or not mode.startswith("100"):
            continue  # a conflict being merged, a symlink or a submodule: hash it ourselves
        hashes[name] = sha
    for name in modified.split("\0"):
        hashes.pop(name, None)
    return hashes, written


def git_state(root: Path) -> bytes:
    """HEAD and the remote-tracking branches: what decides which commits are the branch's own
    (the commit-message rule reads those). Empty outside a git repository."""
    head = git(root, "rev-parse", "--verify", "-q", "HEAD") or ""
    remotes = git(root, "for-each-ref", "--format=%(objectname) %(refname)", "refs/remotes") or ""
    return (head + "\0" + remotes).encode()
