"""A cache file of crmtool's own: one SQLite database under `build/`, keyed by a tool key.

The check (`load/cache.py`, `build/check-cache.sqlite`) and `fmt` (`edit/fmt.py`,
`build/fmt-cache.sqlite`) each remember what they worked out about a file so an unchanged
file is not worked on again. Both answers depend on the file and on crmtool itself (its code,
the schemas, the settings): that dependency is the *tool key*. Written once here, so both
caches behave alike:

- a database, never pickle: a cache file is as untrusted as any file in the working tree, and
  SQLite data cannot run code;
- opened fail-soft: a file that is not a database, or a folder that cannot be written, is
  discarded once and made anew, and when that fails too the store has no database (`db` is
  None) and every user works as if nothing were cached;
- emptied when the key changes: a file written under another key (another crmtool, other
  schemas or settings, another layout of the tables) is dropped table by table and made anew;
  a *reader* (a command that only takes what the cache holds, `readonly=True`) never empties
  or makes one: under another key it simply finds nothing, so a reader in another language or
  of another version cannot throw away the check's work;
- WAL, so a reader is not blocked by a second run writing; SQLite's transactions keep a
  half-written cache from ever being read;
- every row MAC'd with the key (keyed BLAKE2b), so a flipped bit, a row of another crmtool or
  a row copied or edited by hand is noticed and not used (`intact`). The key is no secret:
  this finds damage and foreign rows, it does not stop someone who can run this very crmtool
  from forging rows (docs/decisions.md, "The check cache's threat model").

What a cache holds is its own business (its tables); this module only promises that a cache
can save work and never change an answer.
"""
from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path
from typing import Callable, Mapping


class Store:
    """One cache database. `tables` maps each table's name to its column definitions; the
    tables are made on open and dropped and made anew when the file's tool key is not `key`.
    `purpose` names the cache in its MAC key, so a row of one cache is never taken as a row of
    another. Every failure means "not cached": `db` is None when the file cannot be used."""

    def __init__(self, root: Path, file: str, key: str, tables: Mapping[str, str], purpose: str,
                 *, readonly: bool = False) -> None:
        self.path = root / file
        self.key = key
        self.secret = hashlib.sha256(purpose.encode() + b"\0" + key.encode()).digest()
        self._keyed = hashlib.blake2b(key=self.secret, digest_size=32)  # copied per row: a third cheaper
        self.rejected = 0
        """Rows read and refused because their MAC did not match (damaged or forged)."""
        self._create = "".join(f"CREATE TABLE IF NOT EXISTS {name} ({columns});" for name, columns in tables.items())
        self._drop = "".join(f"DROP TABLE IF EXISTS {name};" for name in tables)
        self.db: sqlite3.Connection | None = None
        if readonly:
            self.db = self._open_to_read()
            return
        try:
            self.db = self._open()
        except (sqlite3.Error, OSError):
            self._discard()
            try:
                self.db = self._open()
            except (sqlite3.Error, OSError):
                self.db = None  # unwritable: work without a cache

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                             + self._create)
            row = db.execute("SELECT value FROM meta WHERE key = 'tool'").fetchone()
            if row is None or row[0] != self.key:
                # another crmtool (perhaps with other tables), other schemas or settings: start empty
                db.executescript("BEGIN;" + self._drop + self._create)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('tool', ?)", (self.key,))
                db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def _open_to_read(self) -> sqlite3.Connection | None:
        """The file as it is, opened read-only, when it is a cache under this very key."""
        try:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5,
                                 isolation_level=None)
        except (sqlite3.Error, OSError, ValueError):
            return None
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'tool'").fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != self.key:
            db.close()
            return None
        return db

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            except OSError:
                pass

    def mac(self, *parts) -> bytes:
        """The MAC a row with these values carries: keyed BLAKE2b (a MAC by design, as
        HMAC-SHA256 is, at a third of its cost here: it is computed for every row of a large
        repository on every run) over the parts, NUL-separated (no part holds a NUL: paths
        cannot; hashes, numbers and JSON text do not)."""
        state = self._keyed.copy()
        state.update("\0".join(map(str, parts)).encode("utf-8", "surrogatepass"))
        return state.digest()

    def macs_after(self, *parts) -> Callable[[str], bytes]:
        """`mac(*parts, last)` as a function of `last`, for a table read whole: the parts
        before are hashed once, not once per row."""
        prefix = self._keyed.copy()
        prefix.update("".join(f"{part}\0" for part in parts).encode("utf-8", "surrogatepass"))

        def mac_of(last: str) -> bytes:
            state = prefix.copy()
            state.update(last.encode("utf-8", "surrogatepass"))
            return state.digest()
        return mac_of

    def intact(self, stored: object, *parts) -> bool:
        """Whether `stored` is the MAC of these values under this key; counts a refusal."""
        if isinstance(stored, bytes) and hmac.compare_digest(stored, self.mac(*parts)):
            return True
        self.rejected += 1
        return False

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
