"""`crmtool address fill`: complete Dutch addresses from the postcode table.

Staff often know only a postcode and a house number ("1315 NT 1"): that is what people give
on the phone and what a form asks first. The postcode table (`domain/postcodes.py`) knows the
street and the place for them, so typing those is needless work and a source of typos. This
fills in a missing `street` and `city` of every address of a person or organisation in the
Netherlands whose postcode and house number the table knows, and never changes a value that
is there: a street or city that disagrees with the table is Q007's to report, because only a
person can tell which of the two is wrong.

Every edited file keeps its comments and layout (`roundtrip.py`), is checked with the file
and record rules before anything is written (an edit must not add an error), and all files
are written as one change (`load/atomic.py`). The core returns values and never prints;
`cli/address.py` shows them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString

from . import roundtrip
from ..load import atomic
from .. import i18n
from .base import Refused, settings, verify
from ..i18n import _
from ..load.document import load_document
from ..load.model import Record
from ..domain.postcodes import PostcodeTable, house_number, load_table, normalise
from ..load.repo import Listing, RecordFile, Repository, UsageError, record_of
from ..domain.phones import default_country
from ..load.schema import SchemaSet
from ..domain.texts import full_name, localised

ADDRESS_FOLDERS = ("people", "organisations")
"""The records that hold `addresses`."""

__all__ = ["Refused", "fill_addresses"]


@dataclass(frozen=True)
class Fill:
    """One address completed from the table: `street` and/or `city` are the values filled in
    (None where the record already had one)."""

    path: str
    record: str
    name: str
    address: int  # 1-based position in `addresses`
    postcode: str
    number: str
    street: str | None
    city: str | None


@dataclass(frozen=True)
class Unknown:
    """An address that lacks a street or city, whose postcode and number the table does not
    know: it stays as it is."""

    path: str
    record: str
    name: str
    address: int
    postcode: str
    number: str


@dataclass
class TableChange:
    """A change of records made from the postcode table (this command and `places sync`):
    the new texts, and what was (or would be) written and restored."""

    table: str
    dry_run: bool
    written: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # restored from an interrupted change
    pending: list[str] = field(default_factory=list)  # with --dry-run: would be restored first
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # path → new text

    def write(self, repo: Repository) -> None:
        """Every new text in one atomic change; with `dry_run` only name the files."""
        if self.texts and not self.dry_run:
            self.written = atomic.write_files(repo.root, {repo.root / p: t for p, t in self.texts.items()})
        elif self.dry_run:
            self.written = sorted(self.texts)

    def as_dict(self) -> dict:
        return {"table": self.table, "dry_run": self.dry_run, "written": self.written,
                "recovered": self.recovered, "pending": self.pending}


@dataclass
class Outcome(TableChange):
    fills: list[Fill] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "filled": [asdict(f) for f in self.fills],
                "not_in_table": [asdict(u) for u in self.unknown]}


def begin(repo: Repository, dry_run: bool) -> tuple[SchemaSet, dict, PostcodeTable, dict]:
    """What a change from the table starts with: an interrupted change rolled back (or, with
    `dry_run`, only named), the schemas, crmtool.yaml and the table; the last item holds the
    keyword arguments for the outcome."""
    recovered = [] if dry_run else atomic.recover(repo.root)
    schemas, config = settings(repo)
    table = require_table(repo, config)
    return schemas, config, table, {"table": table.path, "dry_run": dry_run, "recovered": recovered,
                                    "pending": atomic.pending(repo.root) if dry_run else []}


@atomic.serialised()
def fill_addresses(repo: Repository, paths: list[str] | None = None, *, dry_run: bool = False) -> Outcome:
    """Fill missing streets and cities in the records under `paths` (files or folders; all
    people and organisations when empty) from the postcode table.

    Raises UsageError (exit 2) without a table or for a path that holds no such records,
    Refused or atomic.AtomicError (exit 1) when the files cannot be written; nothing has
    changed then. With `dry_run` no byte changes, also not an interrupted change's rollback.
    """
    schemas, config, table, start = begin(repo, dry_run)
    outcome = Outcome(**start)
    country = default_country(config)
    for file in selected_files(repo, paths):
        _plan_file(repo, schemas, config, table, country, file, outcome)
    outcome.write(repo)
    return outcome


def require_table(repo: Repository, config: dict) -> PostcodeTable:
    """The repository's postcode table; without one a UsageError that says how to add it."""
    table = load_table(repo.root, config)
    if table is None:
        raise UsageError(_("There is no postcode table. Put one at data/postcodes.csv, or name its file with "
                           "'postcodes:' in crmtool.yaml; the columns are "
                           "postcode;from;to;parity;street;place;municipality (see docs/addresses.md)."))
    return table


def selected_files(repo: Repository, paths: list[str] | None, folders: tuple[str, ...] = ADDRESS_FOLDERS
                   ) -> list[RecordFile]:
    """The record files of `folders` under `paths` (relative to the current folder, or to the
    repository when they are not found there); all of them without paths."""
    listing = Listing(repo.root)
    every = sorted((file for folder in folders for rid in listing.ids[folder]
                    for file in [listing.file(folder, rid)] if file), key=lambda f: f.path)
    if not paths:
        return every
    chosen: dict[str, RecordFile] = {}
    for given in paths:
        relative = _relative(repo, given)
        if relative is None:
            raise UsageError(_("{path} does not exist in the repository.").format(path=given))
        inside = [f for f in every if relative in (".", f.path) or f.path.startswith(relative.rstrip("/") + "/")]
        if not inside:
            folder, _rid = record_of(relative)
            if folder is not None and folder not in folders:
                raise UsageError(_("{path} is not a record of {kinds}; this command works on those only.").format(
                    path=given, kinds=", ".join(folders)))
            raise UsageError(_("{path} holds no records of {kinds}.").format(path=given, kinds=", ".join(folders)))
        chosen.update((f.path, f) for f in inside)
    return [chosen[p] for p in sorted(chosen)]


def _relative(repo: Repository, given: str) -> str | None:
    """A path the user typed, relative to the repository root; None when it is not there."""
    for candidate in (Path.cwd() / given, repo.root / given):
        if candidate.exists():
            try:
                return candidate.resolve().relative_to(repo.root.resolve()).as_posix()
            except ValueError:
                continue
    return None


def _plan_file(repo: Repository, schemas: SchemaSet, config: dict, table: PostcodeTable, country: str,
               file: RecordFile, outcome: Outcome) -> None:
    """The fills of one file, and its new text in `outcome`."""
    try:
        raw = (repo.root / file.path).read_bytes()
    except OSError:
        return  # unreadable: `crmtool check` reports it
    if b"addresses" not in raw:
        return
    document = load_document(file.path, raw)
    if not document.loaded or not isinstance(document.data, dict):
        return  # `crmtool check` explains it; nothing can be filled safely
    record = Record(file.folder, file.id, file.path, document.data)
    name = display_name(record)
    wanted = []
    for index, address in enumerate(record.get("addresses") or []):
        plan = _fill_of(table, country, address)
        if plan is None:
            continue
        postcode, number, street, city = plan
        if street is None and city is None:
            outcome.unknown.append(Unknown(file.path, file.id, name, index + 1, postcode, number))
        else:
            wanted.append((index, Fill(file.path, file.id, name, index + 1, postcode, number, street, city)))
    if wanted:
        outcome.texts[file.path] = _edited(repo, schemas, config, record, wanted)
        outcome.fills += [fill for _index, fill in wanted]


def _fill_of(table: PostcodeTable, country: str, address: Any) -> tuple[str, str, str | None, str | None] | None:
    """(postcode, number, street, city) for an address that lacks a street or city and has a
    Dutch postcode and a house number; street and city are what the table gives for the
    missing ones (both None when the table does not know the address). None for an address
    with nothing to fill or nothing to fill it from."""
    if not isinstance(address, dict) or address.get("country", country) != "NL":
        return None
    lacks_street, lacks_city = _blank(address.get("street")), _blank(address.get("city"))
    postcode, number = normalise(address.get("postcode")), house_number(address.get("number"))
    if not (lacks_street or lacks_city) or postcode is None or number is None:
        return None
    row = table.lookup(postcode, number)
    if row is None:
        return postcode, str(address.get("number")), None, None
    street = row.street if lacks_street and row.street else None
    city = row.place if lacks_city else None
    if street is None and city is None:
        return None  # only the street is missing, and the table has none (a PO box row)
    return postcode, str(address.get("number")), street, city


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _edited(repo: Repository, schemas: SchemaSet, config: dict, record: Record,
            wanted: list[tuple[int, Fill]]) -> str:
    """The record's new text, with the streets and cities filled in and checked."""
    document, text = load_for_edit(repo, record)
    addresses = document.data.get("addresses")
    for index, fill in wanted:
        address = addresses[index]
        if fill.street is not None:
            if "street" in address or "kind" in address:
                roundtrip.set_after(address, "street", scalar(fill.street), "kind")
            else:
                address.insert(0, "street", scalar(fill.street))
        if fill.city is not None:
            roundtrip.set_after(address, "city", scalar(fill.city), "postcode")
    new_text = roundtrip.dump(document)
    verify(repo, schemas, config, record.path, text, new_text)
    return new_text


def scalar(text: str) -> str:
    """Text as it is written in records: plain, quoted only where YAML 1.1 would read it as
    something else. Replacing a blank `''` must not keep its quotes (ruamel keeps the style
    of the value it replaces)."""
    if isinstance(yaml.safe_load(text), str):
        return PlainScalarString(text)
    return DoubleQuotedScalarString(text)


def load_for_edit(repo: Repository, record: Record) -> tuple[roundtrip.Document, str]:
    """A record loaded for a round-trip edit, and its text; Refused when it cannot be."""
    try:
        document, text = roundtrip.load(repo.root / record.path)
    except roundtrip.RoundTripError as error:
        message = str(error).replace(str(repo.root) + "/", "")
        raise Refused(_("{error}; the file cannot be edited, so nothing was changed.").format(error=message)) from error
    if not hasattr(document.data, "insert"):
        raise Refused(_("{path} does not hold a mapping; nothing was changed.").format(path=record.path))
    return document, text


def display_name(record: Record) -> str:
    """A person's full name or an organisation's name, shown next to the id."""
    name = record.get("name")
    if record.folder == "people":
        return full_name(name)
    return localised(name, i18n.language()) or ""
