"""The check cache: what the check learnt about each file, so an unchanged file is not read again.

Stored in `build/check-cache.sqlite`, a format that holds data and cannot run code (never
pickle: a cache file is as untrusted as any file in the working tree). Each row is keyed by
the record's path and its git blob hash, and keeps the loaded data (JSON) and the findings of
the per-file rules. A second table keeps whole results, keyed by everything a result depends
on, so a check of an unchanged repository reads no record at all.

Everything the per-file results depend on besides the file itself (crmtool's own code and
catalogues, the schemas, crmtool.yaml) makes up the `tool key`; a cache written under another
key is emptied on open (the file, opened fail-soft, emptied on another key, MAC'd per row, is a
`load/store.py` Store, as fmt's cache is). The cache can only ever save work: a file that is
not a database, a row that does not decode or has the wrong shape, a disk that is full or
read-only, a second check writing at the same time — each makes the check compute what it
would have read, and the result is the same. SQLite's transactions keep a half-written cache from ever being read.

Integrity is checked per row, not only in the file's header: every row carries a MAC
(keyed BLAKE2b), keyed with the tool key, over all of its columns (a file row's path, blob hash,
loaded flag, data and findings; separately its path, stat key and blob hash, which decide
whether the file is read at all; a result row's key and findings). A row whose MAC does not
match — a flipped bit, a truncated value, a row copied to another path, an edited finding, a
row of another crmtool — is not used: that file is checked again and the row rewritten.
This detects damage and rows of another tool; it does not stop someone who can write the
cache file and run this very crmtool from forging rows (the tool key is no secret): the
cache is trusted only as far as whoever wrote `build/`, which is why CI never lets the check
of the main branch restore a cache another branch's run saved (docs/decisions.md, "The
check cache's threat model").
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from sys import intern
from stat import S_ISREG
from pathlib import Path
from typing import Iterable, Iterator

from .. import i18n
from ..findings import Finding
from .document import SHARED
from .repo import CONFIG_FILE, Repository, read_regular
from .store import Store

CACHE_FILE = "build/check-cache.sqlite"
FORMAT = "4"  # bump when the layout of the stored values changes (3: a MAC on every row; 4: notes)

_TABLES = {
    "files": "path TEXT PRIMARY KEY, blob TEXT NOT NULL, stat TEXT NOT NULL, loaded INTEGER NOT NULL, "
             "data TEXT NOT NULL, findings TEXT NOT NULL, seen_mac BLOB NOT NULL, mac BLOB NOT NULL",
    "results": "key TEXT PRIMARY KEY, findings TEXT NOT NULL, mac BLOB NOT NULL",
    "notes": "name TEXT PRIMARY KEY, value TEXT NOT NULL, mac BLOB NOT NULL",
}


def stat_key(stat: os.stat_result) -> str:
    """What changes whenever a file is written: size, inode and the nanosecond modification
    and change times (no program can set the change time back)."""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}"


def unchanged(root: Path, paths: Iterable[str], seen: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Path → blob hash of the files whose stat key is the one the cache last saw (`seen`,
    from `CheckCache.stats`): what a reader may take from the cache without reading the file.
    Links and other non-regular files are never taken."""
    found: dict[str, str] = {}
    base = os.path.join(root, "")
    for path in paths:
        remembered = seen.get(path)
        if remembered is None:
            continue
        try:
            stat = os.lstat(base + path)
        except OSError:
            continue
        if S_ISREG(stat.st_mode) and stat_key(stat) == remembered[0]:
            found[path] = remembered[1]
    return found


def tool_key(*parts: bytes) -> str:
    """A hash of crmtool's code and catalogues plus the given inputs (schemas, crmtool.yaml)."""
    digest = hashlib.sha256(FORMAT.encode())
    package = Path(__file__).parent.parent  # all of crmtool, not only the check
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".mo", ".json") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def findings_to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([[f.path, f.line, f.column, f.rule, f.severity, f.message, f.hint]
                       for f in findings], ensure_ascii=False, separators=(",", ":"))


def findings_from_json(text: str) -> list[Finding] | None:
    """The findings, or None when the stored text is not what this module writes."""
    try:
        rows = json.loads(text)
        if not isinstance(rows, list) or not all(isinstance(row, list) and len(row) == 7 for row in rows):
            return None
        findings = [Finding(*row) for row in rows]
    except ValueError:
        return None
    ok = all(isinstance(f.path, str) and isinstance(f.line, int) and isinstance(f.column, int)
             and isinstance(f.rule, str) and isinstance(f.severity, str) and isinstance(f.message, str)
             and isinstance(f.hint, str) for f in findings)
    return findings if ok else None


class FileEntry:
    """What the per-file phase learnt about one file (also what it sends between processes)."""

    __slots__ = ("path", "blob", "stat", "loaded", "data", "findings")

    def __init__(self, path: str, blob: str | None, loaded: bool, data, findings: list[Finding],
                 stat: str = "") -> None:
        self.path, self.blob, self.loaded, self.data, self.findings = path, blob, loaded, data, findings
        self.stat = stat


LOOKUP_AT_MOST = 5000
"""Up to this many wanted files are looked up one by one; more, and one pass over the table is
cheaper (measured at 100,000 people: the pass costs about 1.5 s, a lookup some microseconds)."""


class CheckCache(Store):
    """The cache of one repository. Every method fails soft: an error means "not cached"."""

    def __init__(self, root: Path, key: str, *, readonly: bool = False) -> None:
        super().__init__(root, CACHE_FILE, key, _TABLES, "crmtool check cache", readonly=readonly)

    def stats(self) -> dict[str, tuple[str, str]]:
        """Path → (stat key, blob hash) as last seen: lets unchanged files go unread (blobs.py)."""
        if self.db is None:
            return {}
        found: dict[str, tuple[str, str]] = {}
        try:
            for path, stat, blob, seen_mac in self.db.execute("SELECT path, stat, blob, seen_mac FROM files"):
                if not (isinstance(path, str) and isinstance(stat, str) and isinstance(blob, str)):
                    self.rejected += 1
                elif self.intact(seen_mac, "seen", path, stat, blob):
                    found[path] = (stat, blob)
        except sqlite3.Error:
            return found
        return found

    def files(self, blobs: dict[str, str]) -> dict[str, FileEntry]:
        """The cached entries whose path and blob hash both match `blobs`."""
        if self.db is None or not blobs:
            return {}
        found: dict[str, FileEntry] = {}
        try:
            for batch in _batches(row for row in self.db.execute(
                    "SELECT path, blob, loaded, data, findings, mac FROM files")
                    if blobs.get(row[0]) == row[1] and self._intact(*row)):
                for (path, blob, loaded, _data, findings, _mac), value in zip(batch, _decoded_many(batch)):
                    decoded = findings_from_json(findings)
                    if value is not None and decoded is not None:
                        found[path] = FileEntry(path, blob, bool(loaded), value[0], decoded)
        except sqlite3.Error:
            return found
        return found

    def loaded(self, blobs: dict[str, str]) -> Iterator[tuple[str, bool, object]]:
        """(path, loaded, data) of the cached files whose path and blob hash match `blobs`,
        a batch at a time: the index reads a large repository's records from here without
        holding them all."""
        if self.db is None or not blobs:
            return
        try:
            columns = "SELECT path, blob, loaded, data, findings, mac FROM files"
            rows: Iterable[tuple]
            if len(blobs) <= LOOKUP_AT_MOST:  # a few changed files: look them up, do not read them all
                rows = (row for path in sorted(blobs) for row in self.db.execute(columns + " WHERE path = ?", (path,)))
            else:
                rows = self.db.execute(columns)
            for batch in _batches(row for row in rows if blobs.get(row[0]) == row[1] and self._intact(*row)):
                for row, value in zip(batch, _decoded_many(batch)):
                    if value is not None:
                        yield row[0], bool(row[2]), value[0]
        except sqlite3.Error:
            return

    def _intact(self, path, blob, loaded, data, findings, mac) -> bool:
        """Whether a file row is exactly as this crmtool wrote it (its MAC matches)."""
        if (isinstance(path, str) and isinstance(blob, str) and loaded in (0, 1) and isinstance(data, str)
                and isinstance(findings, str)):
            return self.intact(mac, "file", path, blob, loaded, data, findings)
        self.rejected += 1
        return False

    def _file_row(self, entry: FileEntry) -> tuple:
        loaded = int(entry.loaded)
        data = json.dumps(entry.data, ensure_ascii=False, separators=(",", ":"))
        findings = findings_to_json(entry.findings)
        return (entry.path, entry.blob, entry.stat, loaded, data, findings,
                self.mac("seen", entry.path, entry.stat, entry.blob),
                self.mac("file", entry.path, entry.blob, loaded, data, findings))

    def store_files(self, entries: Iterable[FileEntry], keep: set[str]) -> None:
        """Write new entries and forget files that are gone (not in `keep`)."""
        if self.db is None:
            return
        rows = (self._file_row(e) for e in entries if e.blob is not None)  # streamed, not held
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                gone = [(p,) for (p,) in self.db.execute("SELECT path FROM files") if p not in keep]
                self.db.executemany("DELETE FROM files WHERE path = ?", gone)
        except (sqlite3.Error, ValueError):
            pass

    def result(self, key: str) -> list[Finding] | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT findings, mac FROM results WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        findings, mac = row
        if not isinstance(findings, str):
            self.rejected += 1
            return None
        if not self.intact(mac, "result", key, findings):
            return None
        return findings_from_json(findings)

    def store_result(self, key: str, findings: list[Finding]) -> None:
        """Keep the latest few results (one per day and branch is the common case)."""
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("BEGIN")
                text = findings_to_json(findings)
                self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                                (key, text, self.mac("result", key, text)))
                self.db.execute("DELETE FROM results WHERE rowid NOT IN "
                                "(SELECT rowid FROM results ORDER BY rowid DESC LIMIT 8)")
        except sqlite3.Error:
            pass

    def noted(self, name: str) -> str | None:
        """A note the check keeps besides its results (git's view of the records when it last
        ran: `check/run.py`); None when missing or not intact."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value, mac FROM notes WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not isinstance(row[0], str) or not self.intact(row[1], "note", name, row[0]):
            return None
        return row[0]

    def note(self, name: str, value: str) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO notes VALUES (?, ?, ?)",
                                (name, value, self.mac("note", name, value)))
        except sqlite3.Error:
            pass


def _decoded(loaded, data) -> tuple[object] | None:
    """A stored record's data, wrapped in a tuple; None when the row is not what we write (a
    loaded record is a JSON object; anything else means a tampered or foreign row)."""
    if loaded not in (0, 1) or not isinstance(data, str):
        return None
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return None if loaded and not isinstance(value, dict) else (_shared(value),)


BATCH = 1000
"""Rows decoded together (`_decoded_many`)."""


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _decoded_many(rows: list[tuple]) -> list[tuple[object] | None]:
    """`_decoded` of each file row's data (its 3rd and 4th columns), decoded together
    (`decoded_together`). Rows reach here intact (their MAC matched), so each is one JSON
    value as written; rows forged by someone who can write build/ (which the cache never
    stops: see the module's docstring) are as any forged row."""
    values = decoded_together([row[3] for row in rows])
    if values is None:
        return [_decoded(row[2], row[3]) for row in rows]
    return [None if row[2] not in (0, 1) or (row[2] and not isinstance(value, dict)) else (value,)
            for row, value in zip(rows, values)]


def decoded_together(texts: list) -> list | None:
    """The records stored as these JSON texts (by the check cache, by the index), in one
    `json.loads` of the lot, with their short texts shared (`_shared`); None when the lot
    does not decode to exactly one value per text (a text that is no JSON value alone:
    the caller then decodes each alone).

    JSON's decoder keeps one copy of each key per call, so a thousand people share one
    "name" instead of holding a thousand; with the short texts shared as the loader shares
    them, the records of a warm reader take the memory of freshly parsed ones (at 100,000
    people, hundreds of MiB less), and decoding the lot is quicker than one by one."""
    if not all(isinstance(text, str) for text in texts):
        return None
    try:
        values = json.loads("[" + ",".join(texts) + "]")
    except ValueError:
        return None
    if not isinstance(values, list) or len(values) != len(texts):
        return None
    return [_shared(value) for value in values]


def _shared(value):
    """`value` with its short texts (ids, dates, kinds) replaced by the one shared copy of each,
    as the loader makes them (`document.SHARED`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if len(item) <= SHARED:
                    value[key] = intern(item)
            elif isinstance(item, (dict, list)):
                _shared(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                if len(item) <= SHARED:
                    value[index] = intern(item)
            elif isinstance(item, (dict, list)):
                _shared(item)
    return value


def open_cache(repo: Repository, *, language: str | None = None, readonly: bool = False) -> CheckCache:
    """The cache under the tool key: crmtool's code, the schemas, crmtool.yaml and the
    language of the messages (a finding is stored as it reads; the language spoken now
    unless `language` names another). A `readonly` cache is only read: see `Store`."""
    inputs = [p.name.encode() + b"\0" + p.read_bytes() for p in sorted(repo.schema_dir.glob("*.schema.json"))]
    inputs.append(b"language\0" + (language or i18n.language()).encode())
    try:
        inputs.append(read_regular(repo.root, CONFIG_FILE))
    except OSError:
        inputs.append(b"")
    return CheckCache(repo.root, tool_key(*inputs), readonly=readonly)
