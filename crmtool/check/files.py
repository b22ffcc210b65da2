"""The per-file phase of the check: load each record and run the rules that need only it.

This is where a large repository spends its time (parsing YAML), and the work on one file
never depends on another, so it is spread over the machine's cores with a process pool.
Processes, not threads: the YAML walk and the rules are Python and hold the GIL. Each worker
compiles the schemas once; results travel back in chunks, as plain values. A small
repository is done in this process, because starting workers costs more than it saves.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .. import i18n
from .cache import FileEntry
from ..load.document import load_document
from ..load.model import Model, Record
from ..load.repo import NotRegularFile, RecordFile, read_regular
from ..load.schema import SchemaSet

PARALLEL_FROM = 2000
"""Fewer files than this are checked in one process (measured: a pool costs ~0.1 s to start)."""

CHUNK = 1024

_worker: dict = {}


def check_file(root: Path, file: RecordFile, schemas: SchemaSet, rules: list,
               config: dict | None = None, record_rules: list = (), raw: bytes | None = None) -> FileEntry:
    """Load one record file and run the per-file `rules` on it, then the `record_rules` on
    the record it holds (with `config`, the settings those may read).

    `raw` checks those bytes instead of the file on disk: commands that write records check
    the text they are about to write, before anything is written."""
    from ..rules.base import FileContext, Locator
    if raw is None:
        try:
            raw = read_regular(root, file.path)
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
    return FileEntry(file.path, None, loaded, doc.data if loaded else None, findings)


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


@contextmanager
def without_gc():
    """Python's cycle collector off for the duration.

    Loaded records are plain dicts, lists and strings without reference cycles, so the
    collector finds nothing in them, yet it walks the whole growing model again and again
    while a large repository loads: measured at 100,000 people, a quarter of the time of the
    loading phase. Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def workers() -> int:
    """How many processes to use: the cores this process may run on (CRMTOOL_JOBS overrides)."""
    wanted = os.environ.get("CRMTOOL_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_files(root: Path, files: list[RecordFile], schemas: SchemaSet, rules: list,
                config: dict, record_rules: list,
                progress: Callable[[int], None] | None = None) -> Iterator[FileEntry]:
    """Every file's entry, in the order of `files`; `progress` hears how many files are done."""
    jobs = workers()
    if jobs < 2 or len(files) < PARALLEL_FROM:
        for file in files:
            yield check_file(root, file, schemas, rules, config, record_rules)
            if progress:
                progress(1)
        return
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    with context.Pool(jobs, initializer=_start_worker,
                      initargs=(str(root), str(schemas.directory), i18n.language(), config,
                                [rule.RULE.id for rule in rules],
                                [rule.RULE.id for rule in record_rules])) as pool:
        for entries in pool.imap(_check_chunk, chunks):
            yield from entries
            if progress:
                progress(len(entries))


def _start_worker(root: str, schema_dir: str, language: str, config: dict, rule_ids: list[str],
                  record_rule_ids: list[str]) -> None:
    from ..rules import RULES
    gc.disable()  # see `without_gc`: a worker's garbage is acyclic and freed by reference counting
    i18n.use(language)
    _worker.update(root=Path(root), schemas=SchemaSet(Path(schema_dir)), config=config,
                   rules=[RULES[rule_id] for rule_id in rule_ids],
                   record_rules=[RULES[rule_id] for rule_id in record_rule_ids])


def _check_chunk(files: list[RecordFile]) -> list[FileEntry]:
    w = _worker
    return [check_file(w["root"], file, w["schemas"], w["rules"], w["config"], w["record_rules"]) for file in files]

