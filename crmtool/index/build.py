"""Building `build/index.sqlite`, incrementally.

The index remembers, per record file, git's hash of the bytes it read (found the way the
check cache finds them: `git/blobs.py`, mostly without reading a file). A build compares those
with the files now present and re-reads only the changed ones: the rows a changed or
removed record owns are deleted and the new ones inserted, all in one transaction, so a
reader never sees half a build. A new index, or one written by a different version of the
index code or in another language, is built whole into a temporary file that then takes
the place of the old one.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Iterator

from ..git.blobs import file_hashes
from ..git.status import Worktree, worktree
from ..load import read_known, repository_language
from ..load.pool import without_gc
from ..i18n import N_, _
from ..load.document import load_document
from ..load.repo import CONFIG_FILE, SPECIAL, Repository, Stray, UsageError, kind_of, read_regular, record_of
from . import rows as rowmaker
from .tables import SHARED, TABLES, by_folder, ddl

INDEX_FILE = "build/index.sqlite"
SCHEMA_VERSION = 1
DUPLICATE, UNREADABLE = N_("duplicate id"), N_("could not be read")
NOT_REGULAR = N_("not a regular file: a link, a pipe or a folder; never read")
"""Why a record file is left out of the tables (message ids: the CLI translates them)."""
APPLICATION_ID = 0x63726D69  # "crmi": SQLite's header field that says which program's file this is
SQLITE_HEADER = b"SQLite format 3\0"
CACHE_KIB = 128 * 1024
"""SQLite's page cache while building: the tables' B-trees of a large repository stay in memory."""


@dataclass
class IndexResult:
    """What a build did: the numbers `crmtool index` reports."""

    path: Path
    records: int = 0
    read: int = 0
    removed: int = 0
    whole: bool = False
    """Built anew (no index, or one of another version): every file was read."""
    changed: set[str] = field(default_factory=set)
    """The files read again or removed (paths relative to the root)."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) of files that are not in the tables: unreadable, or an id taken twice."""


def index_path(repo: Repository, out: Path | None = None) -> Path:
    return out if out is not None else repo.root / INDEX_FILE


def repository_config(repo: Repository) -> dict:
    """crmtool.yaml as data, read without the check's validation ({} when missing or broken:
    the questions then use the defaults, and `crmtool check` explains what is wrong)."""
    try:
        doc = load_document(CONFIG_FILE, read_regular(repo.root, CONFIG_FILE))
    except OSError:
        return {}
    return doc.data if doc.loaded and isinstance(doc.data, dict) else {}


def code_key(language: str) -> str:
    """What decides the shape and content of the rows: a change here rebuilds the index whole."""
    digest = hashlib.sha256(f"{SCHEMA_VERSION}:{language}".encode())
    here = Path(__file__).parent
    for name in ("tables.py", "rows.py", "build.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def build_index(repo: Repository, out: Path | None = None,
                progress: Callable[[int], Callable[[int], None]] | None = None,
                paths: Collection[str] | None = None) -> IndexResult:
    """Bring the index at `out` (default build/index.sqlite) up to date with the records.
    An `out` that names a record or another file that is not an index is refused
    (`refuse_out`): building would replace it with a database.

    With `paths` (record paths a watcher saw change), only those are looked at: each is read
    again, or removed when no record lies there any more; everything else is taken as it
    was. Without an index yet, or with one of another code, the build is whole regardless."""
    if out is not None:
        refuse_out(repo, out)
    path = index_path(repo, out)
    language = repository_language(repo)
    key = code_key(language)
    existing = _open_existing(path, key)
    result = IndexResult(path)
    if existing is None:
        result.whole = True
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.unlink(missing_ok=True)
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # a failed whole build is thrown away
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
            tables, indexes = ddl()
            for statement in tables:
                connection.execute(statement)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            connection.executemany("INSERT INTO meta VALUES (?, ?)",
                                   [("code", key), ("language", language), ("schema_version", str(SCHEMA_VERSION))])
            _update(repo, connection, language, result, progress)
            for statement in indexes:
                connection.execute(statement)
            connection.execute("ANALYZE")
            connection.commit()
            connection.close()
            os.replace(temporary, path)
        except BaseException:
            connection.close()
            temporary.unlink(missing_ok=True)
            raise
        return result
    try:
        existing.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
        existing.execute("BEGIN IMMEDIATE")
        _update(repo, existing, language, result, progress, paths)
        existing.commit()
    finally:
        existing.close()
    return result


def refuse_out(repo: Repository, out: Path) -> None:
    """UsageError (exit 2) for an `--out` that lies under records/ (a database among the
    records would be a stray file, and committed personal data) or that names an existing
    file which is not a crmtool index: a record, crmtool.yaml, the check cache, anything
    else a typo can name. An index (of any version) may be updated or replaced."""
    given = Path(out)
    target = given.parent.resolve() / given.name
    if target.is_relative_to((repo.root / "records").resolve()):
        raise UsageError(_("--out {path}: lies under records/; the index holds everyone's data and is never "
                           "written among the records. Use a path under build/.").format(path=out))
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_file() or not is_index(target):
        raise UsageError(_("--out {path}: this file exists and is not a crmtool index, so it is left alone. "
                           "Name a new file, or remove this one first if it really is to go.").format(path=out))


def is_index(path: Path) -> bool:
    """Whether `path` is an index crmtool wrote: an SQLite file with crmtool's application id,
    or (written before the id was set) with the `meta` table and its code and schema rows."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(100)
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return False
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return True
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        keys = {row[0] for row in connection.execute("SELECT key FROM meta")}
    except sqlite3.Error:
        return False
    finally:
        connection.close()
    return {"code", "language", "schema_version"} <= keys


def _open_existing(path: Path, key: str) -> sqlite3.Connection | None:
    """The index at `path` when it was written by this code; None when it must be built anew
    (missing, another version, or not an index at all)."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        found = connection.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
    except sqlite3.DatabaseError:
        return None
    if found is None or found[0] != key:
        connection.close()
        return None
    return connection


def _update(repo: Repository, db: sqlite3.Connection, language: str, result: IndexResult,
            progress: Callable[[int], Callable[[int], None]] | None, only: Collection[str] | None = None) -> None:
    view, kept_strays = None, set()
    if only is None:  # not a watcher's list: ask git what changed since the last build (`git/status.py`)
        before = None if result.whole else _remembered(db)
        view = worktree(repo.root, result.path.with_name(f".{result.path.name}.stamp"), before[0] if before else None)
        if view is not None and before is not None:
            only = view.changed_since(before[0], strays=False)  # a new pipe changes no answer: see _strays_at
            kept_strays = before[1]
    if only is None:
        walked: list[str] = []
        files, strays = repo.scan(walked)  # links, pipes and the like are strays: never read (S011)
        if view is not None:
            view = view.with_folders(repo.root, walked)
        stored = {path: (rowid, blob, stat) for rowid, path, blob, stat
                  in db.execute("SELECT rowid, path, blob, stat FROM records")}
    else:
        files = [file for path in sorted(set(only)) if (file := repo.file_at(path)) is not None]
        strays = _strays_at(repo, kept_strays | set(only)) if view is not None else []
        stored = {}
        for path in sorted(set(only)):
            row = db.execute("SELECT rowid, path, blob, stat FROM records WHERE path = ?", (path,)).fetchone()
            if row is not None:
                stored[row[1]] = (row[0], row[2], row[3])
    hashes, stats = file_hashes(repo.root, [f.path for f in files],
                                {p: (stat, blob) for p, (_r, blob, stat) in stored.items() if blob})
    current = {f.path for f in files}
    changed = [f for f in files if hashes.get(f.path) is None or stored.get(f.path, (0, None))[1] != hashes[f.path]]
    gone = [p for p in stored if p not in current]
    freed = _forget(db, gone + [f.path for f in changed if f.path in stored])
    result.removed, result.read = len(gone), len(changed)
    result.changed = set(gone) | {f.path for f in changed}
    writer = _Writer(db, language, whole=result.whole)
    by_path = {f.path: f for f in changed}
    done = progress(len(changed)) if progress and changed else None
    with without_gc():
        for path, loaded, data in _loaded(repo, changed, hashes, done):
            file = by_path[path]
            writer.add(file.folder, file.id, path, hashes.get(path), stats.get(path), data if loaded else None)
    for folder, rid in sorted(freed):  # a record that waited behind a duplicate id now gone
        waiting = db.execute("SELECT rowid, path, data FROM records WHERE folder = ? AND id = ? AND indexed = 0 "
                             "AND data IS NOT NULL ORDER BY path LIMIT 1", (folder, rid)).fetchone()
        if waiting and writer.free(folder, rid):
            writer.fill(waiting[0], folder, rid, waiting[1], json.loads(waiting[2]))
            db.execute("UPDATE records SET indexed = 1 WHERE rowid = ?", (waiting[0],))
    writer.flush()
    if result.whole or any(f.folder == "organisations" for f in changed) or any("/organisations/" in p for p in gone):
        _organisation_context(db)
    result.records = db.execute("SELECT count(*) FROM records WHERE indexed = 1").fetchone()[0]
    result.skipped = [(path, DUPLICATE if has_data else UNREADABLE) for path, has_data in
                      db.execute("SELECT path, data IS NOT NULL FROM records WHERE indexed = 0 ORDER BY path")]
    result.skipped = sorted(result.skipped + [(s.path, NOT_REGULAR) for s in strays if s.reason in SPECIAL])
    if view is not None:
        _remember(db, view, [s.path for s in strays if s.reason in SPECIAL])


def _remembered(db: sqlite3.Connection) -> tuple[Worktree | None, set[str]] | None:
    """git's view of the records when the index was last brought up to date, and the files
    then left out as not regular; None when not remembered."""
    row = db.execute("SELECT value FROM meta WHERE key = 'worktree'").fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
        return Worktree.from_text(data["view"]), set(data["strays"])
    except (ValueError, TypeError, KeyError):
        return None


def _remember(db: sqlite3.Connection, view: Worktree, strays: list[str]) -> None:
    db.execute("INSERT OR REPLACE INTO meta VALUES ('worktree', ?)",
               (json.dumps({"view": view.text(), "strays": sorted(strays)}),))


def _strays_at(repo: Repository, paths: Collection[str]) -> list[Stray]:
    """The paths that are links, pipes or other files that are not regular, judged now: what a
    build that looks only at some paths reports as left out (the rest were judged before)."""
    found = []
    for path in sorted(paths):
        try:
            kind = kind_of(os.lstat(repo.root / path).st_mode)
        except OSError:
            continue
        if kind is not None and record_of(path)[0] is not None:
            found.append(Stray(path, kind))
    return found


def _loaded(repo: Repository, changed: list, hashes: dict[str, str], done) -> Iterator[tuple[str, bool, Any]]:
    """(path, loaded, data) of each changed file: from the check cache when it holds the same
    bytes (after `crmtool check`, nothing needs parsing again), else read and parsed here."""
    for entry in read_known(repo, changed, hashes, done):
        yield entry.path, entry.loaded, entry.data


class _Writer:
    """Rows of records on their way into the tables, written in batches so that a whole build
    of a large repository never holds more than a batch in memory."""

    BATCH = 5000

    def __init__(self, db: sqlite3.Connection, language: str, whole: bool) -> None:
        self.db, self.language = db, language
        self.columns = {table.name: len(table.columns) for table in TABLES if table.name != "records"}
        self.rows: dict[str, list[tuple]] = {name: [] for name in self.columns}
        self.records: list[tuple] = []
        self.search: list[tuple] = []
        self.whole = whole
        self.taken: set[tuple[str, str]] = set()
        """Ids taken during this build; an incremental build also asks the index."""
        self.next_rowid = db.execute("SELECT coalesce(max(rowid), 0) FROM records").fetchone()[0] + 1

    def free(self, folder: str, rid: str) -> bool:
        """Whether no record has this id in the index yet; if so, the caller takes it."""
        if (folder, rid) in self.taken or (not self.whole and self.db.execute(
                "SELECT 1 FROM records WHERE folder = ? AND id = ? AND indexed = 1", (folder, rid)).fetchone()):
            return False
        self.taken.add((folder, rid))
        return True

    def add(self, folder: str, rid: str, path: str, blob: str | None, stat: str | None, data: Any) -> None:
        rowid, self.next_rowid = self.next_rowid, self.next_rowid + 1
        indexed = isinstance(data, dict) and self.free(folder, rid)
        text = json.dumps(data, ensure_ascii=False) if data is not None else None  # in the file's order, as loaded
        self.records.append((rowid, folder, rid, path, blob, stat, text, int(indexed)))
        if indexed:
            self.fill(rowid, folder, rid, path, data)
        if len(self.records) >= self.BATCH:
            self.flush()

    def fill(self, rowid: int, folder: str, rid: str, path: str, data: dict) -> None:
        maker = rowmaker.ROWS.get(folder)
        if maker:
            maker(rid, path, data, self.language, self.rows)
        found = rowmaker.searchable(folder, data, self.language)
        if found:
            self.search.append((rowid, folder, rid, *found))

    def flush(self) -> None:
        self.db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.records)
        for name, rows in self.rows.items():
            if rows:
                marks = ", ".join("?" * self.columns[name])
                self.db.executemany(f"INSERT OR IGNORE INTO {name} VALUES ({marks})", rows)
                rows.clear()
        self.db.executemany("INSERT INTO search (rowid, folder, record, name, text) VALUES (?, ?, ?, ?, ?)",
                            self.search)
        self.records.clear()
        self.search.clear()


def _forget(db: sqlite3.Connection, paths: list[str]) -> set[tuple[str, str]]:
    """Delete the rows that the records at `paths` own, and their bookkeeping; return the
    (folder, id) pairs whose indexed record went, so a waiting duplicate can take its place."""
    owned = by_folder()
    freed: set[tuple[str, str]] = set()
    for path in paths:
        found = db.execute("SELECT rowid, folder, id, indexed FROM records WHERE path = ?", (path,)).fetchone()
        if found is None:
            continue
        rowid, folder, rid, indexed = found
        if indexed:
            freed.add((folder, rid))
            for table in owned.get(folder, []):
                db.execute(f"DELETE FROM {table.name} WHERE \"{table.owner[0]}\" = ?", (rid,))
            for table in SHARED:
                db.execute(f"DELETE FROM {table.name} WHERE folder = ? AND record = ?", (folder, rid))
            db.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM records WHERE rowid = ?", (rowid,))
    return freed


def _organisation_context(db: sqlite3.Connection) -> None:
    """Recompute every organisation's municipality, province, region and top: a few thousand
    rows at most, so the whole table is cheaper to redo than to track."""
    organisations = {rid: (parent, kind, province, region) for rid, parent, kind, province, region
                     in db.execute("SELECT id, parent, kind, province, region FROM organisations")}
    context = []
    for rid in organisations:
        municipality = province = region = None
        top, seen, current = rid, set(), rid
        while current in organisations and current not in seen:  # a cycle (R rule) stops the walk
            seen.add(current)
            parent, kind, own_province, own_region = organisations[current]
            municipality = municipality or (current if kind == "municipality" else None)
            province, region = province or own_province, region or own_region
            top = current
            current = parent
        context.append((rid, municipality, province, region, top))
    db.execute("DELETE FROM organisation_context")
    db.executemany("INSERT INTO organisation_context VALUES (?, ?, ?, ?, ?)", context)


def open_index(path: Path) -> sqlite3.Connection:
    """A read-only connection: `crmtool sql` and the questions can read but never write."""
    if not path.is_file():
        raise UsageError(f"no index at {path}; run `crmtool index` first")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.set_authorizer(_read_only)
    return connection


_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
            getattr(sqlite3, "SQLITE_RECURSIVE", 33)}
_READING_PRAGMAS = {"data_version", "table_info", "table_xinfo", "table_list", "index_list", "index_info",
                    "index_xinfo", "foreign_key_list"}
"""Pragmas that only read: FTS5 asks for data_version, and people ask what a table holds."""


def _read_only(action: int, first, second, *_rest) -> int:
    if action in _ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and first == "sqlite_master":
        return sqlite3.SQLITE_OK  # FTS5 prepares such a statement when it opens; mode=ro keeps it from running
    if action == sqlite3.SQLITE_PRAGMA and str(first).lower() in _READING_PRAGMAS and (
            second is None or str(first).lower() != "data_version"):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY
