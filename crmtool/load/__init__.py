"""Files to a model: the one door through which every command gets its records.

The check, the index, the register, the subject commands, import and export and every
command that writes records get their model here: `load_model` (or, for the check, which
runs rules while it reads, the same pieces: `load_schemas`, `read_config`, `read_records`).
Nothing here runs a rule; what is wrong with a file is the check's to say.

The modules: `document` (libyaml's C loader, safely), `schema` (the JSON Schemas),
`repo` (where the repository is and which files are records), `model` (the loaded records)
and `pool` (the one process pool).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from .. import i18n
from .cache import CACHE_FILE, open_cache, unchanged
from .document import Document, load_document
from .model import Model, Record
from .pool import map_each, without_gc
from .repo import CONFIG_FILE, NotRegularFile, RecordFile, Repository, UsageError, read_regular
from .schema import SchemaFileError, SchemaSet


def load_schemas(repo: Repository) -> SchemaSet:
    """The repository's schemas (or crmtool's own); a broken schema is a usage error."""
    try:
        schemas = SchemaSet(repo.schema_dir)
    except SchemaFileError as error:
        raise UsageError(f"a schema cannot be read: {error}") from error
    if not schemas.documents:
        raise UsageError(f"no schemas found in {repo.schema_dir}")
    return schemas


def read_config(repo: Repository) -> Document:
    """crmtool.yaml as a loaded document (empty when there is none). Read as a regular file
    only: a link or a pipe is refused, never followed."""
    try:
        raw = read_regular(repo.root, CONFIG_FILE)
    except FileNotFoundError:
        return Document(path=CONFIG_FILE, data={}, loaded=True)
    except NotRegularFile as error:
        raise UsageError(i18n._("{path} is not a regular file ({kind}); replace it by the file itself.").format(
            path=CONFIG_FILE, kind=error.kind)) from error
    except OSError as error:
        raise UsageError(f"{CONFIG_FILE} cannot be read: {error.strerror}") from error
    return load_document(CONFIG_FILE, raw)


def config_of(doc: Document) -> dict:
    return doc.data if isinstance(doc.data, dict) else {}


def repository_language(repo: Repository) -> str:
    """The language the repository's people read (`language:` in crmtool.yaml; English when
    there is none, it names a language crmtool does not speak, or the file cannot be read:
    the check then says what is wrong, in English). What the command line speaks in."""
    try:
        doc = read_config(repo)
    except UsageError:
        return "en"
    return i18n.known(config_of(doc).get("language"))


def config_errors_refused() -> UsageError:
    """What a command that needs valid settings says about a crmtool.yaml with errors."""
    return UsageError(i18n._("{file} has errors; run `crmtool check {file}` to see them.").format(file=CONFIG_FILE))


class Loaded(NamedTuple):
    """One record file as read: its data when it loaded as a mapping."""

    path: str
    loaded: bool
    data: dict | None


class LoadJob:
    """Reading one record file, as the pool's job: its data, or that it did not load."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def start(self) -> None:
        pass

    def __call__(self, file: RecordFile) -> Loaded:
        try:
            raw = read_regular(self.root, file.path)
        except OSError:  # NotRegularFile too: a link or a pipe is never read
            return Loaded(file.path, False, None)
        doc = load_document(file.path, raw)
        loaded = doc.loaded and isinstance(doc.data, dict)
        return Loaded(file.path, loaded, doc.data if loaded else None)


def read_records(root: Path, files: list[RecordFile],
                 progress: Callable[[int], None] | None = None) -> Iterator[Loaded]:
    """Every file as read, in order, across the cores for many files."""
    return map_each(files, LoadJob(root), progress)


def read_settings(repo: Repository) -> dict:
    """crmtool.yaml as data, for a command that works with the records: a usage error (exit 2)
    when it has errors, which `crmtool check` explains."""
    schemas = load_schemas(repo)
    doc = read_config(repo)
    if not isinstance(doc.data, dict) or doc.problems or schemas.errors("config", doc.data):
        raise config_errors_refused()
    return config_of(doc)


def read_known(repo: Repository, files: list[RecordFile], hashes: dict[str, str] | None = None,
               progress: Callable[[int], None] | None = None) -> Iterator[Loaded]:
    """Every file as read, in order, taken from the check cache when the cache holds the
    same bytes (a file's blob hash, in `hashes` or found as the check finds it): after
    `crmtool check`, or a previous run of any reader, nothing unchanged is parsed again.
    Without `hashes`, a file is taken from the cache when its size, inode and times are the
    ones the check last saw (`cache.unchanged`); git's index, which the check also asks after
    a fresh clone, is not needed by a reader that follows a check. The cache can only save
    work (see `cache.py`): what it does not hold is read here. It is
    opened to read only, under the key of the check as the command line runs it (in the
    repository's language), or else of the language spoken now: a reader never empties or
    rewrites the check's cache, whatever language it speaks."""
    cached: dict[str, Loaded] = {}
    if files and (repo.root / CACHE_FILE).is_file():
        cache = None
        for language in dict.fromkeys([repository_language(repo), i18n.language()]):
            cache = open_cache(repo, language=language, readonly=True)
            if cache.db is not None:
                break
        assert cache is not None
        try:
            if hashes is None and cache.db is not None:
                hashes = unchanged(repo.root, [f.path for f in files], cache.stats())
            for path, loaded, data in cache.loaded({f.path: hashes[f.path] for f in files if f.path in hashes}
                                                   if hashes else {}):
                cached[path] = Loaded(path, loaded, data if loaded and isinstance(data, dict) else None)
        finally:
            cache.close()
        if progress and cached:
            progress(len(cached))
    todo = [f for f in files if f.path not in cached]
    read = read_records(repo.root, todo, progress)
    for file in files:
        found = cached.pop(file.path, None)
        yield found if found is not None else next(read)


def load_model(repo: Repository, today: dt.date) -> Model:
    """The records as the review, the questions, the register, the subject commands, import,
    export and the writers read them, without running the check (from the check cache where
    it holds the same bytes: `read_known`).

    A broken crmtool.yaml is a usage error here (exit 2): `crmtool check` explains it.
    """
    model = Model(config=read_settings(repo), today=today)
    files, _ = repo.scan()
    for file in files:
        model.ids[file.folder].add(file.id)
    with without_gc():
        for file, entry in zip(files, read_known(repo, files)):
            if entry.loaded and isinstance(entry.data, dict):
                model.add(Record(file.folder, file.id, file.path, entry.data))
    return model
