"""Merging two records of one person (or one organisation) into one, in one change of the files.

Q005 and Q006 find probable duplicates; left alone, a duplicate splits what is held about
someone: an access request finds half, an erasure leaves a copy, a consent withdrawn on one
record still seems given on the other. `crmtool merge KEEP DUPLICATE` makes them one:

- the fields are combined into KEEP (`merge_fields.py`: lists united, conflicts shown, the
  kept record's value wins unless the user says otherwise);
- every reference to DUPLICATE in every record is re-pointed to KEEP. Which fields are
  references is read from the schemas (`x-ref: people` / `x-ref: organisations`), never
  listed here, so a reference field added to a schema later is re-pointed too;
- DUPLICATE's id (and the ids it had absorbed before) go into KEEP's `aliases`, so a
  reference written elsewhere with the old id (a pull request opened before the merge and
  merged after it) still resolves: the model, and with it R001, reads aliases;
- DUPLICATE's file is deleted.

Before anything is written the result is checked with the file and record rules and the
schema and reference rules across records: a merge that would add an error (a cycle of
parents when one organisation was the other's part, say) is refused and nothing changes.
Every file is then written by one `atomic.write_files` call, so the repository holds the
whole merge or none of it. Records are edited through `roundtrip.py`: comments stay.

The core returns values and never prints; `cli/merge.py` shows them.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import roundtrip
from ..load import atomic
from .. import i18n
from ..load import load_model, load_schemas
from .base import Refused, errors
from ..i18n import _
from ..load.document import load_document
from .merge_fields import DUPLICATE, KEEP, Conflict, combine, plain, same_entry
from ..load.model import Model, Record
from ..load.repo import FOLDERS, Repository, UsageError
from ..check import repository_errors
from ..domain.phones import default_country
from ..load.schema import SchemaSet, values_at
from ..domain.texts import full_name, localised

MERGEABLE = ("people", "organisations")
VERIFIED = ("S", "R")
"""The rules across records run on the result: schema and references. Others (a retention
that ran out, a duplicate warning) are the check's to report, not a reason to refuse."""


@dataclass
class Change:
    """One file the merge changes or deletes."""

    path: str
    action: str  # "changed" or "deleted"
    what: str  # "merged record", "duplicate", "references"
    references: int = 0  # references re-pointed in this file


@dataclass
class Outcome:
    folder: str
    keep: str
    keep_name: str
    duplicate: str
    duplicate_name: str
    dry_run: bool
    added: dict[str, list[Any]] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    texts: dict[str, str | None] = field(default_factory=dict, repr=False)

    @property
    def references(self) -> int:
        return sum(change.references for change in self.changes)

    def as_dict(self) -> dict:
        return {"type": FOLDERS[self.folder], "keep": self.keep, "keep_name": self.keep_name,
                "duplicate": self.duplicate, "duplicate_name": self.duplicate_name, "dry_run": self.dry_run,
                "added": {k: plain(v) for k, v in self.added.items()},
                "conflicts": [c.as_dict() for c in self.conflicts], "aliases": self.aliases,
                "references": self.references, "changes": [asdict(c) for c in self.changes],
                "written": self.written, "recovered": self.recovered, "pending": self.pending}


@atomic.serialised()
def merge(repo: Repository, keep: str, duplicate: str, today: dt.date, *, prefer: str = KEEP,
          take: tuple[str, ...] = (), dry_run: bool = False) -> Outcome:
    """Merge the record `duplicate` into `keep` (two people or two organisations).

    Conflicts take the duplicate's value with `prefer="duplicate"`, or for the fields named
    in `take` ("owner", "fields", "fields.inwoners"). Raises UsageError (exit 2) for ids that
    are unknown, the same, or of different types and for unknown fields, Refused (exit 1)
    when the records do not allow the merge, atomic.AtomicError (exit 1) when the files
    cannot be written; in each case nothing has changed.
    """
    keep, duplicate = _bare(keep), _bare(duplicate)
    if keep == duplicate:
        raise UsageError(_("KEEP and DUPLICATE are the same id '{id}'; name two different records.").format(id=keep))
    recovered = [] if dry_run else atomic.recover(repo.root)
    schemas = load_schemas(repo)
    model = load_model(repo, today)
    folder = _folder(model, keep, duplicate)
    record_type = FOLDERS[folder]
    properties = (schemas.documents.get(f"{record_type}.schema.json") or {}).get("properties", {})
    fields = list(properties)
    defaults = {name: schema["default"] for name, schema in properties.items() if "default" in schema}
    _check_take(take, fields, record_type)
    kept, gone = _record(model, folder, keep), _record(model, folder, duplicate)
    outcome = Outcome(folder, keep, _name(folder, kept), duplicate, _name(folder, gone), dry_run,
                      recovered=recovered, pending=atomic.pending(repo.root) if dry_run else [])
    document = _load(repo, kept.path)
    other = _load(repo, gone.path)

    def chosen(name: str) -> bool:
        return prefer == DUPLICATE or name in take or name.split(".", 1)[0] in take

    region = default_country(model.config)
    combination = combine(document.data, other.data, fields, same_entry(region), chosen, defaults)
    outcome.added, outcome.conflicts = combination.added, combination.conflicts
    old_ids = [duplicate] + [a for a in _aliases(gone) if a != keep]
    outcome.aliases = _absorb(document.data, keep, old_ids)
    own = _repoint(document.data, schemas.annotations(record_type), folder, set(old_ids), keep)
    outcome.texts[kept.path] = roundtrip.dump(document)
    outcome.changes.append(Change(kept.path, "changed", "merged record", own))
    outcome.texts[gone.path] = None
    outcome.changes.append(Change(gone.path, "deleted", "duplicate"))
    _references(repo, schemas, folder, set(old_ids), keep, {kept.path, gone.path}, outcome)
    _verify(repo, schemas, model, outcome)
    if dry_run:
        outcome.written = sorted(outcome.texts)
        return outcome
    outcome.written = atomic.write_files(repo.root, {repo.root / p: t for p, t in outcome.texts.items()})
    return outcome


def _bare(given: str) -> str:
    """The id the user named: an id, or the path to its file (tab completion)."""
    return given.rsplit("/", 1)[-1].removesuffix(".yaml")


def _folder(model: Model, keep: str, duplicate: str) -> str:
    """people or organisations: where both ids are; a usage error naming what is wrong."""
    folders = [_where(model, keep), _where(model, duplicate)]
    for given, found in zip((keep, duplicate), folders):
        if found is None:
            raise UsageError(_unknown(model, given))
        if found not in MERGEABLE:
            raise UsageError(_("'{id}' is a record in records/{folder}/; merge joins two people or two "
                               "organisations.").format(id=given, folder=found))
    if folders[0] != folders[1]:
        raise UsageError(_("'{keep}' is in records/{one}/ and '{duplicate}' in records/{other}/; merge joins "
                           "two records of the same type.").format(keep=keep, one=folders[0],
                                                                      duplicate=duplicate, other=folders[1]))
    assert folders[0] is not None  # each was checked above
    return folders[0]


def _where(model: Model, record_id: str) -> str | None:
    found = [f for f in MERGEABLE if record_id in model.ids[f]]
    found += [f for f in FOLDERS if f not in MERGEABLE and record_id in model.ids[f]]
    return found[0] if found else None


def _unknown(model: Model, given: str) -> str:
    """No record has this id: was it merged already, or mistyped?"""
    for folder in MERGEABLE:
        owner = model.aliases(folder).get(given)
        if owner:
            return _("'{id}' was already merged into '{owner}' (it is one of the aliases in "
                     "records/{folder}/{owner}.yaml).").format(id=given, owner=owner, folder=folder)
    message = _("There is no person or organisation '{id}' in records/people/ or records/organisations/.").format(
        id=given)
    close = difflib.get_close_matches(given, sorted(model.ids["people"] | model.ids["organisations"]), n=3)
    if close:
        message += " " + _("Did you mean: {ids}?").format(ids=", ".join(close))
    return message


def _check_take(take: tuple[str, ...], fields: list[str], record_type: str) -> None:
    for name in take:
        if name.split(".", 1)[0] not in fields or name.split(".", 1)[0] == "aliases":
            raise UsageError(_("--take {field}: a {type} has no field '{field}'. Fields: {fields}.").format(
                field=name, type=record_type, fields=", ".join(f for f in fields if f != "aliases")))


def _record(model: Model, folder: str, record_id: str) -> Record:
    record = model.records[folder].get(record_id)
    if record is None:
        raise Refused(_("records/{folder}/{id}.yaml cannot be read as a record, so it cannot be merged; "
                        "run `crmtool check` on it, fix it and try again.").format(folder=folder, id=record_id))
    return record


def _name(folder: str, record: Record) -> str:
    name = record.get("name")
    return full_name(name) if folder == "people" else (localised(name, i18n.language()) or "")


def _load(repo: Repository, path: str) -> roundtrip.Document:
    try:
        document, _text = roundtrip.load(repo.root / path)
    except roundtrip.RoundTripError as error:
        raise Refused(_("{error}; the file cannot be edited, so nothing was changed.").format(
            error=str(error).replace(str(repo.root) + "/", ""))) from error
    if not isinstance(document.data, CommentedMap):
        raise Refused(_("{path} does not hold a mapping; nothing was changed.").format(path=path))
    return document


def _aliases(record: Record) -> list[str]:
    value = record.get("aliases")
    return [a for a in value if isinstance(a, str)] if isinstance(value, list) else []


def _absorb(data: CommentedMap, keep: str, old_ids: list[str]) -> list[str]:
    """The duplicate's id and its own aliases become aliases of the kept record."""
    aliases = data.get("aliases")
    if not isinstance(aliases, list):
        aliases = CommentedSeq()
        aliases.fa.set_flow_style()
        data["aliases"] = aliases  # the schemas list it last
    for alias in old_ids:
        if alias not in aliases and alias != keep:
            aliases.append(alias)
    return [str(a) for a in aliases]


def _references(repo: Repository, schemas: SchemaSet, target: str, old_ids: set[str], keep: str,
                skip: set[str], outcome: Outcome) -> None:
    """Re-point every reference to the old ids in the other records, file by file."""
    mention = re.compile("(?<![a-z0-9-])(" + "|".join(re.escape(i) for i in sorted(old_ids)) + ")(?![a-z0-9-])")
    files, _strays = repo.scan()
    for file in files:
        annotations = schemas.annotations(file.type)
        if file.path in skip or not any(a.keyword == "x-ref" and a.value == target for a in annotations):
            continue
        try:
            raw = (repo.root / file.path).read_bytes().decode("utf-8", "replace")
        except OSError as error:
            raise Refused(_("{path} cannot be read ({error}); nothing was changed.").format(
                path=file.path, error=error.strerror)) from error
        if not mention.search(raw):
            continue
        try:
            document = roundtrip.loads(raw, file.path)
        except roundtrip.RoundTripError as error:
            raise Refused(_("{error}; this file names '{id}' but cannot be edited, so nothing was changed. "
                            "Fix it and try again.").format(error=error, id=outcome.duplicate)) from error
        count = _repoint(document.data, annotations, target, old_ids, keep)
        if count:
            outcome.texts[file.path] = roundtrip.dump(document)
            outcome.changes.append(Change(file.path, "changed", "references", count))


def _repoint(data: Any, annotations: list, target: str, old_ids: set[str], keep: str) -> int:
    """Replace the old ids at every place the schema marks `x-ref: target`; a list that then
    names the kept record twice keeps it once (the schemas want unique items)."""
    count = 0
    for annotation in annotations:
        if annotation.keyword != "x-ref" or annotation.value != target:
            continue
        touched: dict[int, list] = {}
        for pointer, value in list(values_at(data, annotation.path)):
            if not isinstance(value, str) or value not in old_ids or not pointer:
                continue
            parent = _at(data, pointer[:-1])
            parent[pointer[-1]] = _styled(value, keep)
            count += 1
            if isinstance(parent, list):
                touched[id(parent)] = parent
        for seq in touched.values():  # the first mention stays, later repeats go
            repeats = [i for i, item in enumerate(seq) if isinstance(item, str) and item in
                       {str(x) for x in seq[:i] if isinstance(x, str)}]
            for index in reversed(repeats):
                del seq[index]
    return count


def _at(data: Any, pointer: tuple) -> Any:
    for step in pointer:
        data = data[step]
    return data


def _styled(old: Any, new: str) -> Any:
    """The new id in the old scalar's quoting."""
    try:
        return type(old)(new) if type(old) is not str else new
    except TypeError:
        return new


def _verify(repo: Repository, schemas: SchemaSet, model: Model, outcome: Outcome) -> None:
    """Refuse a result that adds an error: the file and record rules on every changed file,
    the schema and reference rules across the records as they would be."""
    config = model.config
    docs = {path: load_document(path, text.encode("utf-8")) for path, text in outcome.texts.items() if text is not None}
    added: list[tuple[str, str, str]] = []
    for path, text in outcome.texts.items():
        if text is not None:
            added += [(path, rule, message) for rule, message in
                      sorted(errors(repo, schemas, config, path, text) - errors(repo, schemas, config, path))]
    files, strays = repo.scan()
    after = Model(config=config, today=model.today)
    for folder, ids in model.ids.items():
        after.ids[folder] = set(ids)
    after.ids[outcome.folder].discard(outcome.duplicate)
    for folder, records in model.records.items():
        for record in records.values():
            if record.path in docs and isinstance(docs[record.path].data, dict):
                after.add(Record(folder, record.id, record.path, docs[record.path].data))
            elif outcome.texts.get(record.path, "") is not None:
                after.add(record)
    remaining = [f for f in files if outcome.texts.get(f.path, "") is not None]
    before_errors = repository_errors(model, schemas, repo.root, None, files, strays, VERIFIED)
    after_errors = repository_errors(after, schemas, repo.root, docs, remaining, strays, VERIFIED)
    added += sorted(after_errors - before_errors)
    if added:
        lines = [f"  {path}: {rule} {message}" for path, rule, message in added[:5]]
        raise Refused("\n".join([_("The merged records would not pass the check; nothing was changed:")] + lines))

