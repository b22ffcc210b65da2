"""The per-file phase of the check: load each record and run the rules that need only it.

This is where a large repository spends its time (parsing YAML), and the work on one file
never depends on another, so it runs as a job of the one process pool (`load/pool.py`);
results travel back in chunks, as plain values.

A file is read through a `FolderReader` (the last folder kept open), and its entry carries the
blob hash of the bytes it was checked from and the stat key of the file read, which the check
cache keys it by: the check need not hash the files it reads anyway before reading them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from .. import i18n
from ..git.blobs import blob_hash
from ..load.cache import FileEntry, stat_key
from ..load.document import load_document
from ..load.model import Model, Record
from ..load.repo import NotRegularFile, RecordFile, read_regular
from ..load.pool import map_each
from ..load.reader import FolderReader
from ..load.schema import SchemaSet


def check_file(root: Path, file: RecordFile, schemas: SchemaSet, rules: list,
               config: dict | None = None, record_rules: list | None = None, raw: bytes | None = None,
               reader: FolderReader | None = None) -> FileEntry:
    """Load one record file and run the per-file `rules` on it, then the `record_rules` on
    the record it holds (with `config`, the settings those may read).

    `raw` checks those bytes instead of the file on disk: commands that write records check
    the text they are about to write, before anything is written. A file read through
    `reader` comes back with the blob hash of the bytes read and the stat key of the file
    (else they are None and "", as for a file that could not be read)."""
    from ..rules.base import FileContext, Locator
    stat = None
    if raw is None:
        try:
            raw, stat = reader.read(file.path) if reader else (read_regular(root, file.path), None)
        except NotRegularFile as refused:  # became a link or a pipe after the listing: S011, unread
            from ..rules.s011_not_regular import finding
            return FileEntry(file.path, None, False, None, [finding(file.path, refused.kind)] if rules else [])
        except OSError:
            raw = b"\x00"  # unreadable: reported as not a text file
    doc = load_document(file.path, raw)
    findings = []
    if rules:
        ctx = FileContext(file.path, file.type, doc, schemas, file)
        for rule in rules:
            findings.extend(rule.check_file(ctx))
    loaded = doc.loaded and isinstance(doc.data, dict)
    if loaded and record_rules:
        record = Record(file.folder, file.id, file.path, doc.data)
        findings.extend(record_findings(record, schemas, config or {}, Locator(root, {file.path: doc}), record_rules))
    if stat is None:
        return FileEntry(file.path, None, loaded, doc.data if loaded else None, findings)
    return FileEntry(file.path, blob_hash(raw), loaded, doc.data if loaded else None, findings, stat_key(stat))


def record_findings(record: Record, schemas: SchemaSet, config: dict, locator, rules: list) -> list:
    """The findings of rules of scope "record" on one record, seen alone with the settings.

    The model has no "today": a rule that asked for it would fail its tests at once, which
    keeps date rules out of this scope (their findings could not be cached per file).
    """
    from ..rules.base import RepoContext
    model = Model(config=config, today=None)
    model.add(record)
    context = RepoContext(model, schemas, locator)
    return [finding for rule in rules for finding in rule.check(context)]


def check_files(root: Path, files: list[RecordFile], schemas: SchemaSet, rules: list,
                config: dict, record_rules: list,
                progress: Callable[[int], None] | None = None) -> Iterator[FileEntry]:
    """Every file's entry, in the order of `files`; `progress` hears how many files are done.
    Each entry names the bytes it was checked from (`check_file` with a reader)."""
    job = CheckJob(root, schemas, rules, config, record_rules, i18n.language(), files)
    try:
        for fields in map_each(range(len(files)), job, progress):  # a worker has the files: it is sent numbers
            yield FileEntry(*fields)
    finally:
        job.close()  # the folder this process kept open (a worker's closes when it ends)


class CheckJob:
    """The per-file phase as the pool's job, run on the number of a file in `files`: a forked
    worker inherits the list, so only numbers cross to it (pickling each chunk of file
    objects cost the main process more than the numbers do). Crossing into a spawned worker
    it travels as names (schema folder, rule ids, paths) and is rebuilt there: compiled
    schemas do not pickle."""

    def __init__(self, root: Path, schemas: SchemaSet, rules: list, config: dict, record_rules: list,
                 language: str, files: list[RecordFile]) -> None:
        self.root, self.schemas, self.rules, self.config = root, schemas, rules, config
        self.record_rules, self.language, self.files = record_rules, language, files
        self.reader: FolderReader | None = None

    def start(self) -> None:
        i18n.speak_for_life(self.language)

    def __call__(self, index: int) -> tuple:
        """The entry's fields, in FileEntry's order: a tuple crosses back from a worker in half
        the time of the object (measured: 2.1 against 4.6 us to unpickle a demo record's)."""
        if self.reader is None:
            self.reader = FolderReader(self.root)
        entry = check_file(self.root, self.files[index], self.schemas, self.rules, self.config, self.record_rules,
                           reader=self.reader)
        return entry.path, entry.blob, entry.loaded, entry.data, entry.findings, entry.stat

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()

    def __getstate__(self) -> dict:
        return {"root": str(self.root), "schemas": str(self.schemas.directory), "config": self.config,
                "rules": [rule.RULE.id for rule in self.rules], "language": self.language,
                "record_rules": [rule.RULE.id for rule in self.record_rules],
                "files": [(f.path, f.folder, f.id) for f in self.files]}

    def __setstate__(self, state: dict) -> None:
        from ..rules import RULES
        self.root, self.schemas = Path(state["root"]), SchemaSet(Path(state["schemas"]))
        self.config, self.language = state["config"], state["language"]
        self.rules = [RULES[rule_id] for rule_id in state["rules"]]
        self.record_rules = [RULES[rule_id] for rule_id in state["record_rules"]]
        self.files = [RecordFile(*file) for file in state["files"]]
        self.reader = None
