"""Saving a record's whole new text: what the workspace's forms write (issue 18, item 4).

A form edit is not one of the commands' small, known changes: any field may change, so the
new text is judged as the check would judge it before anything is written. The file and
record rules run on the new text (`check_text`); the rules across records run on the
records as they would be, with the new one in place (`repository_errors`, as `merge` does),
so a reference to a record that does not exist is caught too. An edit may not add an error;
an error the file already had is not the form's to fix, and does not block it. Warnings the
edit adds are returned, and the text is written only once they are accepted.

The file must still be the one the form was made from (`expected`: its git hash; "" for a
new record, which must not exist yet): a change made in the meantime is never overwritten.
Read and write happen under the writers' lock, and the write is atomic. Values, never prints.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..check import check_text, repository_errors
from ..findings import Finding
from ..git.blobs import blob_hash
from ..i18n import _
from ..load import atomic, load_model
from ..load.document import load_document
from ..load.model import Model, Record
from ..load.repo import Repository, read_regular, record_of
from .base import Refused, settings

ACROSS = ("S", "R")
"""The rules across records a save must not break: schema and references (as `merge`); the
others (a retention that ran out, a duplicate) are the check's to report, not to refuse."""


class Changed(Refused):
    """The file is not the one the form was made from (edited, created or removed since)."""


class Invalid(Refused):
    """The new text adds errors: `findings`, with their lines and columns in the new text
    (those across records may name another file)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(_("The record has errors; nothing was saved."))
        self.findings = findings


@dataclass
class Saved:
    path: str
    created: bool
    written: bool
    """False when warnings wait to be accepted (nothing was written then)."""
    warnings: list[Finding] = field(default_factory=list)
    """What the edit adds that the check warns about."""


def version(repo: Repository, path: str) -> str:
    """The git hash of the file as it is ("" when there is none)."""
    try:
        return blob_hash(read_regular(repo.root, path))
    except OSError:
        return ""


@atomic.serialised(writes=lambda *args, **kwargs: True)
def save(repo: Repository, path: str, text: str, today: dt.date, *, expected: str, model: Model | None = None,
         accept_warnings: bool = False) -> Saved:
    """Write `text` as the record at `path` (relative to the root) when it is still at version
    `expected` and the text adds no error. `model`: the records as they are (the workspace's;
    loaded when not given). Changed or Invalid (both Refused) otherwise; nothing is written."""
    folder, record_id = record_of(path)
    if folder is None:
        raise Refused(_("{path} is not a record file under records/.").format(path=path))
    current = version(repo, path)
    if current != expected:
        raise Changed(_("{path} was changed since the form was made; nothing was saved.").format(path=path))
    schemas, config = settings(repo)
    new = check_text(repo.root, path, schemas, config, text.encode("utf-8")).findings
    old = check_text(repo.root, path, schemas, config).findings if current else []
    known = {(f.rule, f.message) for f in old}
    added = [f for f in new if (f.rule, f.message) not in known]
    errors = [f for f in added if f.severity == "error"]
    if not errors:
        errors = _across(repo, schemas, model or load_model(repo, today), folder, record_id, path, text)
    if errors:
        raise Invalid(errors)
    warnings = [f for f in added if f.severity == "warning"]
    if warnings and not accept_warnings:
        return Saved(path, not current, False, warnings)
    atomic.write_files(repo.root, {repo.root / path: text})
    return Saved(path, not current, True, warnings)


def _across(repo: Repository, schemas, model: Model, folder: str, record_id: str, path: str,
            text: str) -> list[Finding]:
    """The errors of the rules across records that the new text adds."""
    doc = load_document(path, text.encode("utf-8"))
    if not isinstance(doc.data, dict):
        return []  # the file rules have said why already
    after = Model(config=model.config, today=model.today)
    after.ids = {name: set(ids) for name, ids in model.ids.items()}
    after.ids[folder].add(record_id)
    after.records = {name: dict(records) for name, records in model.records.items()}
    after.records[folder][record_id] = Record(folder, record_id, path, doc.data)
    files, strays = repo.scan()
    before = repository_errors(model, schemas, repo.root, None, files, strays, ACROSS)
    if not any(f.path == path for f in files):
        files = [*files, *(f for f in [repo.file_at(path)] if f is not None)]
    later = repository_errors(after, schemas, repo.root, {path: doc}, files, strays, ACROSS)
    return [Finding(p, 1, 1, rule, "error", message) for p, rule, message in sorted(later - before)]
