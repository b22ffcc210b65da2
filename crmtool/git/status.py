"""What changed under records/ since last time, from what git already knows.

Asking "did anything change?" of 390,000 record files by stat'ing each one from Python costs
seconds, and a question staff ask must answer in well under one. Git keeps the stat data of
every tracked file in its index and compares it in C, on several threads: `git status` names
the few paths git cannot vouch for — modified, deleted, untracked, ignored, in a merge — and
vouches for every other tracked file being byte for byte what its index holds.

So a reader that remembers (1) which git index it last saw (its inode, size and nanosecond
times: any `add`, commit, checkout or merge writes a new one) and (2) the stat key of each path
git listed then, knows that nothing changed when both are the same now, and otherwise exactly
which paths to look at: those whose listed stat key differs, those listed only then or only
now. A different git index means a commit or a checkout: the caller looks at everything.

The stat key includes the change time, which no program can set back, so an edit that keeps a
file's size and modification time is still seen (by git, which compares the change time too —
forced on here with `core.trustctime` — and by our own key for the paths git lists).
`--no-optional-locks` keeps git from rewriting its index while answering (that would make the
next reader look at everything).

Git compares times in whole seconds unless it was built otherwise (Debian's is not), so an
edit that keeps size and modification time and falls in the same second as the file's last
recorded change time goes unseen by git ("racy git"). Such an edit happens no later than the
second git last wrote its index. So a view is only a base for the next one when it was taken
in a later second than that (`Worktree.taken`, from a file the caller touches: the file
system's clock, not the wall clock); otherwise the caller looks at everything once more.

Outside a git repository, or when git lists a whole folder
rather than its files, there is no answer (None) and the caller scans as before.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..load.cache import stat_key
from ..load.repo import RECORDS
from .run import run as git

SECOND = 1_000_000_000


@dataclass(frozen=True)
class Worktree:
    """git's view of records/: the index it compares with, and the paths it does not vouch for."""

    index: str
    """The git index file's identity (inode, size, nanosecond times)."""
    index_written: int
    """When git last wrote its index (nanoseconds, the file system's clock)."""
    taken: int
    """When this view was taken, before git was asked (nanoseconds, the file system's clock)."""
    listed: dict[str, str | None]
    """Path → its stat key now (None: no file there) for every path git listed."""

    def text(self) -> str:
        """As remembered between runs (in the index's meta table)."""
        return json.dumps({"index": self.index, "index_written": self.index_written, "taken": self.taken,
                           "listed": self.listed}, sort_keys=True)

    @classmethod
    def from_text(cls, text: str | None) -> "Worktree | None":
        try:
            data = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("index"), str) or not isinstance(
                data.get("listed"), dict) or not all(isinstance(data.get(k), int) for k in ("index_written", "taken")):
            return None
        return cls(data["index"], data["index_written"], data["taken"], data["listed"])

    def changed_since(self, before: "Worktree | None") -> set[str] | None:
        """The paths that may differ from when `before` was taken; None when that cannot be
        known from git (no earlier view, or git's index itself changed)."""
        if before is None or before.index != self.index or before.taken // SECOND <= self.index_written // SECOND:
            return None  # no base, git's index changed, or the base was taken in a second git may not tell apart
        return {path for path in self.listed.keys() | before.listed.keys()
                if self.listed.get(path, "clean") != before.listed.get(path, "clean")}


def worktree(root: Path, stamp: Path) -> Worktree | None:
    """git's view of records/ in `root` now, or None when git cannot give one. `stamp` is a
    file the caller may touch (under build/): its new modification time says when."""
    found = git(root, "rev-parse", "--git-path", "index", "--show-prefix")
    if found is None or len(found.split("\n")) < 2:
        return None
    where, prefix = found.split("\n")[:2]  # status names paths from the repository's top, not from `root`
    index = _identity(root / where)
    taken = _touched(stamp)
    if index is None or taken is None:
        return None
    output = git(root, "--no-optional-locks", "-c", "core.trustctime=true", "-c", "core.checkStat=default",
                 "-c", "core.quotePath=false", "status", "--porcelain=v2", "-z", "--untracked-files=all",
                 "--ignored=matching", "--no-renames", "--", RECORDS)
    if output is None:
        return None
    listed: dict[str, str | None] = {}
    base = os.path.join(root, "")
    for entry in output.split("\0"):
        if not entry or entry.startswith("#"):
            continue
        kind = entry[0]
        fields = {"1": 8, "u": 10}.get(kind)
        if fields is not None:
            path = entry.split(" ", fields)[-1]
        elif kind in "?!":
            path = entry[2:]
        else:
            return None  # a shape this reader does not know: no answer, not a wrong one
        if not path.startswith(prefix):
            return None
        path = path[len(prefix):]
        if path.endswith("/"):
            return None  # a folder git does not look into (another repository, an ignored folder)
        try:
            listed[path] = stat_key(os.lstat(base + path))
        except OSError:
            listed[path] = None
    if _identity(root / where) != index:
        return None  # git's index changed while git answered
    return Worktree(index, int(index.split(":")[1]), taken, listed)


def _identity(path: Path) -> str | None:
    try:
        return stat_key(os.stat(path))
    except OSError:
        return None


def _touched(stamp: Path) -> int | None:
    """The file system's time now: `stamp`'s modification time after touching it."""
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp)
        return os.stat(stamp).st_mtime_ns
    except OSError:
        return None
