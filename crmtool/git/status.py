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

Git does not list what it cannot track: a new named pipe, socket or empty folder among the
records. Every such entry changes the modification time of the folder it is made in, so a
view also keeps the stat key of each folder under records/ (`folders`): when one differs, the
caller looks at everything.

Those folder keys also spare git half its work: listing untracked files means reading every
folder's entries. When the last view listed none and knew every folder a walk looks into, and
none of them changed, there can be no new file anywhere a record is read, and git is asked
about tracked files only (`_none_untracked`).

Outside a git repository, or when git lists a whole folder
rather than its files, there is no answer (None) and the caller scans as before.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from ..load.cache import stat_key
from ..load.repo import FOLDERS, RECORDS
from .run import run as git

SECOND = 1_000_000_000
MOST_LISTED = 5000
"""More paths git does not vouch for than this (records never committed, a large import not yet
added) and the view is no help: each would be stat'ed and kept. Then there is no answer."""


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
    folders: dict[str, str | None] = field(default_factory=dict)
    """Folder → its stat key (None: not there), records/ and every folder below it known."""

    hashed: bool = False
    """Whether `listed` is keyed by the paths' hashes (a view read back from where it was kept)."""
    untracked: int = -1
    """How many of the paths listed git does not track (untracked or ignored); -1: not known."""
    complete: bool = False
    """Whether `folders` holds every folder a walk of records/ looks into, empty ones too (so
    that a file made anywhere it would be read changes the key of a folder known here)."""

    def text(self) -> str:
        """As remembered between runs (in the index's meta table, in the check cache). The paths
        git listed are kept as hashes: a path names a record, and an erased person's file is
        listed as deleted until the erasure is committed; their id must not stay behind in the
        index or the cache (`crmtool subject verify-erased` looks there)."""
        listed = self.listed if self.hashed else {_hash(path): key for path, key in self.listed.items()}
        return json.dumps({"index": self.index, "index_written": self.index_written, "taken": self.taken,
                           "listed": listed, "folders": self.folders, "untracked": self.untracked,
                           "complete": self.complete}, sort_keys=True)

    def with_folders(self, root: Path, walked: Iterable[str]) -> "Worktree":
        """This view, knowing every folder a walk made after it was taken looked into
        (`Repository.scan(walked)`): its folders are then complete."""
        known = dict(self.folders)
        for folder in walked:
            known.setdefault(folder, _identity_l(root / folder))
        return replace(self, folders=known, complete=True)

    @classmethod
    def from_text(cls, text: str | None) -> "Worktree | None":
        try:
            data = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("index"), str) or not all(
                isinstance(data.get(k), dict) for k in ("listed", "folders")) or not all(
                isinstance(data.get(k), int) for k in ("index_written", "taken")):
            return None
        untracked, complete = data.get("untracked", -1), data.get("complete", False)
        return cls(data["index"], data["index_written"], data["taken"], data["listed"], data["folders"], hashed=True,
                   untracked=untracked if isinstance(untracked, int) else -1, complete=complete is True)

    def changed_since(self, before: "Worktree | None", *, strays: bool = True) -> set[str] | None:
        """The paths that may differ from when `before` was taken; None when that cannot be
        known from git (no earlier view, or git's index itself changed). With `strays`, also
        None when a folder changed (an entry git does not list may have come or gone); a
        caller to whom only record files matter passes False: a file saved by renaming a new
        one over it, as editors and crmtool's own writers do, changes its folder too."""
        if before is None or before.index != self.index or before.taken // SECOND <= self.index_written // SECOND:
            return None  # no base, git's index changed, or the base was taken in a second git may not tell apart
        if strays and any(self.folders.get(folder, "unknown") != key for folder, key in before.folders.items()):
            return None  # an entry was made, removed or renamed in a folder: maybe one git does not list
        now = {_hash(path): path for path in self.listed} if before.hashed else {path: path for path in self.listed}
        if not before.listed.keys() <= now.keys():
            return None  # a path git no longer lists (an untracked file removed, an edit undone): which one is not kept
        return {path for key, path in now.items() if self.listed[path] != before.listed.get(key, "clean")}


def worktree(root: Path, stamp: Path, base: Worktree | None = None) -> Worktree | None:
    """git's view of records/ in `root` now, or None when git cannot give one. `stamp` is a
    file the caller may touch (under build/): its new modification time says when. The
    folders `base` (an earlier view) knew are looked at before git is asked, with records/
    itself and each record type's folder.

    Listing untracked files is half of what `git status` costs (it reads every folder's
    entries: 0.4 s at 100,000 people). It is left out when `base` vouches that there are none
    (`_none_untracked`), and the view then says so in turn."""
    found = git(root, "rev-parse", "--git-path", "index", "--show-prefix")
    if found is None or len(found.split("\n")) < 2:
        return None
    where, prefix = found.split("\n")[:2]  # status names paths from the repository's top, not from `root`
    index = _identity(root / where)
    taken = _touched(stamp)
    if index is None or taken is None:
        return None
    wanted = {RECORDS, *(f"{RECORDS}/{folder}" for folder in FOLDERS), *(base.folders if base else ())}
    known = {folder: _identity_l(root / folder) for folder in sorted(wanted)}
    complete = base is not None and base.complete and all(known.get(f) == key for f, key in base.folders.items())
    quick = complete and _none_untracked(base, index)
    output = git(root, "--no-optional-locks", "-c", "core.trustctime=true", "-c", "core.checkStat=default",
                 "-c", "core.quotePath=false", "status", "--porcelain=v2", "-z",
                 *(("--untracked-files=no",) if quick else ("--untracked-files=all", "--ignored=matching")),
                 "--no-renames", "--", RECORDS)
    if output is None:
        return None
    listed: dict[str, str | None] = {}
    untracked = 0
    top = os.path.join(root, "")
    for entry in output.split("\0"):
        if not entry or entry.startswith("#"):
            continue
        kind = entry[0]
        fields = {"1": 8, "u": 10}.get(kind)
        if fields is not None:
            path = entry.split(" ", fields)[-1]
        elif kind in "?!":
            path = entry[2:]
            untracked += 1
        else:
            return None  # a shape this reader does not know: no answer, not a wrong one
        if not path.startswith(prefix):
            return None
        path = path[len(prefix):]
        if path.endswith("/"):
            return None  # a folder git does not look into (another repository, an ignored folder)
        if len(listed) >= MOST_LISTED:
            return None
        try:
            listed[path] = stat_key(os.lstat(top + path))
        except OSError:
            listed[path] = None
    if _identity(root / where) != index:
        return None  # git's index changed while git answered
    return Worktree(index, int(index.split(":")[1]), taken, listed, known, untracked=untracked, complete=complete)


def _none_untracked(base: Worktree | None, index: str) -> bool:
    """Whether `base` vouches that git would list no untracked or ignored file under records/
    now, given that no folder it knows changed (the caller's `complete`): it listed none, and
    knew every folder a file could be made in; making, removing or renaming an entry changes
    its folder's modification and change times. Those times are trusted only for a folder
    last changed in an earlier second than `base` was taken, as git trusts its own (a second
    change in the tick of the first could keep them); and `base` must be a base at all: the
    same git index, and taken in a later second than git wrote it."""
    if base is None or base.untracked != 0 or base.index != index:
        return False
    if base.taken // SECOND <= base.index_written // SECOND:
        return False
    for key in base.folders.values():
        if key is None:
            continue
        try:
            changed = int(key.split(":")[2])
        except (IndexError, ValueError):
            return False
        if changed // SECOND >= base.taken // SECOND:
            return False
    return True


def _hash(path: str) -> str:
    return hashlib.sha256(path.encode("utf-8")).hexdigest()


def _identity(path: Path) -> str | None:
    try:
        return stat_key(os.stat(path))
    except OSError:
        return None


def _identity_l(path: Path) -> str | None:
    """A folder's stat key, the folder itself (not a link's target); None when not there."""
    try:
        return stat_key(os.lstat(path))
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
