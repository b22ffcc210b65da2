"""Building `build/index.sqlite`, incrementally.

The index remembers, per record file, git's hash of the bytes it read (found the way the
check cache finds them: `blobs.py`, mostly without reading a file). A build compares those
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
from typing import Callable

from ..blobs import file_hashes
from ..filecheck import check_files, without_gc
from ..load import load_document
from ..repo import CONFIG_FILE, Repository, UsageError
from ..schema import SchemaSet
from . import rows as rowmaker
from .tables import SHARED, TABLES, by_folder, ddl

INDEX_FILE = "build/index.sqlite"
SCHEMA_VERSION = 1


@dataclass
class IndexResult:
    """What a build did: the numbers `crmtool index` reports."""

    path: Path
    records: int = 0
    read: int = 0
    removed: int = 0
    whole: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) of files that are not in the tables: unreadable, or an id taken twice."""


def index_path(repo: Repository, out: Path | None = None) -> Path:
    return out if out is not None else repo.root / INDEX_FILE


def repository_config(repo: Repository) -> dict:
    """crmtool.yaml as data, read without the check's validation ({} when missing or broken:
    the questions then use the defaults, and `crmtool check` explains what is wrong)."""
    try:
        doc = load_document(CONFIG_FILE, repo.config_path.read_bytes())
    except OSError:
        return {}
    return doc.data if doc.loaded and isinstance(doc.data, dict) else {}


def repository_language(repo: Repository) -> str:
    """The language of crmtool.yaml (texts in the index are in it); English without one."""
    language = repository_config(repo).get("language")
    return language if isinstance(language, str) and language in ("nl", "en") else "en"


def code_key(language: str) -> str:
    """What decides the shape and content of the rows: a change here rebuilds the index whole."""
    digest = hashlib.sha256(f"{SCHEMA_VERSION}:{language}".encode())
    here = Path(__file__).parent
    for name in ("tables.py", "rows.py", "build.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def build_index(repo: Repository, out: Path | None = None,
                progress: Callable[[int], Callable[[int], None]] | None = None) -> IndexResult:
    """Bring the index at `out` (default build/index.sqlite) up to date with the records."""
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
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            for statement in ddl():
                connection.execute(statement)
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            connection.executemany("INSERT INTO meta VALUES (?, ?)",
                                   [("code", key), ("language", language), ("schema_version", str(SCHEMA_VERSION))])
            _update(repo, connection, language, result, progress)
            connection.commit()
            connection.close()
            os.replace(temporary, path)
        except BaseException:
            connection.close()
            temporary.unlink(missing_ok=True)
            raise
        return result
    try:
        existing.execute("BEGIN IMMEDIATE")
        _update(repo, existing, language, result, progress)
        existing.commit()
    finally:
        existing.close()
    return result


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
            progress: Callable[[int], Callable[[int], None]] | None) -> None:
    files, _strays = repo.scan()
    stored = {path: (rowid, blob, stat) for rowid, path, blob, stat
              in db.execute("SELECT rowid, path, blob, stat FROM records")}
    hashes, stats = file_hashes(repo.root, [f.path for f in files],
                                {p: (stat, blob) for p, (_r, blob, stat) in stored.items() if blob})
    current = {f.path for f in files}
    changed = [f for f in files if f.path not in stored or stored[f.path][1] != hashes.get(f.path)
               or hashes.get(f.path) is None]
    gone = [p for p in stored if p not in current]
    _forget(db, [p for p in gone] + [f.path for f in changed if f.path in stored])
    result.removed = len(gone)
    result.read = len(changed)
    done = progress(len(changed)) if progress and changed else None
    next_rowid = (db.execute("SELECT coalesce(max(rowid), 0) FROM records").fetchone()[0]) + 1
    entries: list[tuple] = []
    with without_gc():
        for entry in check_files(repo.root, changed, SchemaSet(repo.schema_dir), [], {}, [], done):
            entries.append(entry)
    by_path = {f.path: f for f in files}
    new_rows = []
    for entry in entries:
        file = by_path[entry.path]
        data = json.dumps(entry.data, ensure_ascii=False, sort_keys=True) if entry.loaded else None
        new_rows.append((next_rowid, file.folder, file.id, file.path, hashes.get(file.path),
                         stats.get(file.path), data, 0))
        next_rowid += 1
    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", new_rows)
    folders = {file.folder for file in changed} | {p.split("/")[1] for p in gone}
    _index_pending(db, language)
    if "organisations" in folders or result.whole:
        _organisation_context(db)
    result.records = db.execute("SELECT count(*) FROM records WHERE indexed = 1").fetchone()[0]
    result.skipped = [(path, "duplicate id" if data is not None else "could not be read")
                      for path, data in db.execute("SELECT path, data FROM records WHERE indexed = 0 ORDER BY path")]


def _forget(db: sqlite3.Connection, paths: list[str]) -> None:
    """Delete the rows that the records at `paths` own, and their bookkeeping."""
    if not paths:
        return
    owned = by_folder()
    doomed = [row for path in paths for row in
              db.execute("SELECT rowid, folder, id, indexed FROM records WHERE path = ?", (path,))]
    for rowid, folder, rid, indexed in doomed:
        if indexed:
            for table in owned.get(folder, []):
                db.execute(f"DELETE FROM {table.name} WHERE \"{table.owner[0]}\" = ?", (rid,))
            for table in SHARED:
                db.execute(f"DELETE FROM {table.name} WHERE folder = ? AND record = ?", (folder, rid))
            db.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM records WHERE rowid = ?", (rowid,))


def _index_pending(db: sqlite3.Connection, language: str) -> None:
    """Fill the tables from every readable record not yet in them whose id is free: the new
    ones, and one that waited behind a duplicate id that is now gone."""
    taken = {(folder, rid) for folder, rid in db.execute("SELECT folder, id FROM records WHERE indexed = 1")}
    pending = db.execute("SELECT rowid, folder, id, path, data FROM records "
                         "WHERE indexed = 0 AND data IS NOT NULL ORDER BY path").fetchall()
    columns = {table.name: len(table.columns) for table in TABLES}
    rows: dict[str, list[tuple]] = {name: [] for name in columns}
    search: list[tuple] = []
    indexed: list[tuple[int]] = []
    for rowid, folder, rid, path, text in pending:
        if (folder, rid) in taken:
            continue
        data = json.loads(text)
        if not isinstance(data, dict):
            continue
        taken.add((folder, rid))
        indexed.append((rowid,))
        maker = rowmaker.ROWS.get(folder)
        if maker:
            maker(rid, path, data, language, rows)
        found = rowmaker.searchable(folder, data, language)
        if found:
            search.append((rowid, folder, rid, *found))
    for name, table_rows in rows.items():
        if table_rows:
            marks = ", ".join("?" * columns[name])
            db.executemany(f"INSERT OR IGNORE INTO {name} VALUES ({marks})", table_rows)
    db.executemany("INSERT INTO search (rowid, folder, record, name, text) VALUES (?, ?, ?, ?, ?)", search)
    db.executemany("UPDATE records SET indexed = 1 WHERE rowid = ?", indexed)


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


_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, getattr(sqlite3, "SQLITE_RECURSIVE", 33)}
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
