"""Erasing a person (Art. 17): every trace in the records goes in one change of the files.

What goes: the person's file (with it their subscriptions, consents and notes), every role
with `person: PERSON` (the roles held on behalf of those are the person's too), the person's
id in interactions (`people`) and requests (`from.person`), references to the deleted roles
(`roles` of interactions, `on_behalf_of`), and the person's name, email addresses and id
and phone numbers (as numbers, however written), the
ids the person absorbed in a merge, wherever staff wrote them in a text (replaced by
"[removed]"; `identifiers.py` says what counts). What stays: interactions and
requests themselves (what the organisation did, and the erasure request as proof of what was
done), without the person.

Every file, the erasure log entry (`erasure_log.py`), for a person who objected an entry in
the suppression list (`domain/suppression.py`: their objections must outlive their file, so
that `import` does not bring them back) and, with `--request`, the closing of
the erasure request (refused while the request records no `identity_verified`: Art. 12(6))
are written by ONE `atomic.write_files` call: afterwards the repository
holds all of the erasure or none of it. Only afterwards are the derived copies refreshed
(the index, the built register), because they are rebuilt from the records and not records
themselves.

Art. 17(2) and 19: the outcome lists the processors and recipients that received the
person's data, through the purposes of their labels (current or past) and the purposes of
the lists they subscribe to, so that staff can tell each of them. With `--request` the
request must record `recipients_notified` first when there are any (it is refused, exit 1,
naming them); with none, the closing records `recipients_notified: []`. Art. 17(3)(b): a
label in force on a purpose whose legal basis is a legal obligation is named in the outcome
as a warning, in a dry run too, before the data goes.

`anonymise.py` uses the same plan with roles kept (`holder: anonymous`), so that counts of
roles and contact moments stay what they were.

The core returns values and never prints; `cli/subject_erase.py` shows them.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..edit import roundtrip
from ..load import atomic
from ..load.cache import CACHE_FILE
from ..load import load_model
from ..i18n import _
from ..load.model import Model
from ..load.repo import Repository, UsageError
from ..domain.policy import current_labels, labels, legal_basis, list_of
from ..domain.texts import full_name, localised
from ..domain import erasure_log, suppression
from .identifiers import Identifiers, default_region

ERASE, ANONYMISE = "erase", "anonymise"
ANONYMOUS = "anonymous"
"""The value of a kept role's `holder` once its person is gone (schemas/role.schema.json)."""


class Refused(Exception):
    """The erasure cannot be done as asked (exit 1); nothing was changed."""


@dataclass
class Change:
    """One file this erasure deletes or changes, and why."""

    path: str
    action: str  # "deleted" or "changed"
    what: str  # person, role, interaction, request, erasure request, log
    redacted: int = 0  # texts replaced by [removed]


@dataclass
class Recipient:
    """A processor or recipient that received the person's data, and through which purposes."""

    kind: str  # "processor" (`name` is its id) or "recipient" (`name` as the purpose names it)
    name: str
    purposes: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    person: str
    name: str
    mode: str
    day: dt.date
    dry_run: bool
    request: str | None = None
    changes: list[Change] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    index: str | None = None  # "refreshed" or None when there is no index
    site: str | None = None  # "rebuilt", or why the rebuild failed; None without build/site
    texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    recipients: list[Recipient] = field(default_factory=list)
    legal_obligation: list[str] = field(default_factory=list)  # purposes in force on a legal obligation

    def count(self, what: str, action: str | None = None) -> int:
        return sum(1 for c in self.changes if c.what == what and (action is None or c.action == action))

    def as_dict(self) -> dict:
        """For --format json: no name, the output may be kept in a ticket."""
        return {"person": self.person, "mode": self.mode, "date": self.day.isoformat(), "dry_run": self.dry_run,
                "request": self.request, "changes": [asdict(c) for c in self.changes],
                "written": self.written, "recovered": self.recovered, "index": self.index, "site": self.site,
                "recipients": [asdict(r) for r in self.recipients], "legal_obligation": self.legal_obligation}


@atomic.serialised()  # read and write under one lock: no lost update
def erase(repo: Repository, person_id: str, day: dt.date, *, request: str | None = None, by: str | None = None,
          dry_run: bool = False, mode: str = ERASE) -> Outcome:
    """Erase (or anonymise) `person_id` as of `day`; with `request`, close that erasure
    request (granted, by staff `by`) in the same change.

    Raises UsageError (exit 2) for an unknown person, request or staff id, Refused (exit 1)
    when the records do not allow it, atomic.AtomicError (exit 1) when the files cannot be
    written; in each case nothing has changed.
    """
    if request and not by:
        raise UsageError(_("--by STAFF is required with --request: the closing step names who closed it"))
    recovered = [] if dry_run else atomic.recover(repo.root)
    model = load_model(repo, day)
    if by is not None and by not in model.ids["staff"]:  # a typo must not pass for a colleague
        raise UsageError(_("--by {staff}: no such colleague in records/staff/").format(staff=by))
    person = _person(model, person_id)
    outcome = Outcome(person.id, full_name(person.get("name")), mode, day, dry_run, request, recovered=recovered)
    outcome.recipients = recipients(model, person)
    outcome.legal_obligation = sorted({label.purpose for label in current_labels(person, day)
                                       if legal_basis(model, label.purpose) == "legal-obligation"})
    _plan(repo, model, person, outcome, by)
    if dry_run:
        outcome.written = sorted(outcome.texts)
        return outcome
    outcome.written = atomic.write_files(repo.root, {repo.root / p: t for p, t in outcome.texts.items()})
    _refresh_derived(repo, day, outcome)
    return outcome


def _person(model: Model, person_id: str):
    if person_id not in model.ids["people"]:
        raise UsageError(_("{person}: no such person in records/people/").format(person=person_id))
    record = model.records["people"].get(person_id)
    if record is None:
        raise Refused(_("{person}: the person's file cannot be read; run `crmtool check` and fix it first").format(
            person=person_id))
    return record


def _plan(repo: Repository, model: Model, person, outcome: Outcome, by: str | None) -> None:
    """Every file's new text (None: deleted) in `outcome.texts`; refusals before anything."""
    region = default_region(model.config)
    ids = Identifiers.of(person.id, person.data, region)
    held = {r.id for r in model.of("roles") if r.get("person") in ids.ids}
    closing = _closing_request(model, outcome.request, by)
    if closing is not None and outcome.recipients and "recipients_notified" not in closing.data:
        raise Refused(_("{request} records no `recipients_notified`: tell {recipients} of the erasure, record each "
                        "in `recipients_notified` ({{recipient, date}}) and run the erasure again").format(
            request=closing.id, recipients=", ".join(r.name for r in outcome.recipients)))
    outcome.texts[person.path] = None
    outcome.changes.append(Change(person.path, "deleted", "person"))
    files, _strays = repo.scan()
    for record_file in files:
        path = record_file.path
        if path == person.path:
            continue
        if record_file.folder == "roles" and record_file.id in held and outcome.mode == ERASE:
            outcome.texts[path] = None
            outcome.changes.append(Change(path, "deleted", "role"))
            continue
        is_closing = closing is not None and closing.path == path
        raw = (repo.root / path).read_bytes().decode("utf-8", "replace")
        if not (is_closing or ids.mentioned_in(raw) or any(role in raw for role in held)):
            continue
        try:
            document = roundtrip.loads(raw, path)
        except roundtrip.RoundTripError as error:
            raise Refused(_("{error}; fix the file first (it names the person)").format(error=error)) from error
        if not isinstance(document.data, CommentedMap):
            continue
        what = _scrub_references(document.data, record_file.folder, ids, held, outcome.mode)
        redacted = _redact(document.data, ids)
        if is_closing:
            assert by is not None  # erase() refuses --request without --by
            _close(document.data, outcome.day, by)
            if "recipients_notified" not in document.data:  # refused above unless nobody received the data
                roundtrip.set_after(document.data, "recipients_notified", CommentedSeq(), "outcome")
            what = "erasure request"
        if what or redacted:
            outcome.texts[path] = roundtrip.dump(document)
            outcome.changes.append(Change(path, "changed", what or record_file.folder.rstrip("s"), redacted))
    log = erasure_log.read(repo.root)
    kind = erasure_log.ERASED if outcome.mode == ERASE else erasure_log.ANONYMISED
    log.entries.append(log.entry(outcome.day.isoformat(), kind, outcome.request, person.id, person.data, ids))
    outcome.texts[erasure_log.LOG_FILE] = log.text()
    outcome.changes.append(Change(erasure_log.LOG_FILE, "changed" if log.exists else "created", "log"))
    objected = suppression.read(repo.root)
    if objected.add(outcome.day, outcome.request, person.data, ids.emails, ids.phones):
        outcome.texts[suppression.LIST_FILE] = objected.text()
        outcome.changes.append(Change(suppression.LIST_FILE, "changed" if objected.exists else "created", "log"))


def recipients(model: Model, person) -> list[Recipient]:
    """The processors, then the recipients, of every purpose the person's data was kept for:
    their labels (current or past) and the purposes of the lists they subscribe to."""
    purposes: list[str] = []
    subscribed = list_of(person.get("subscriptions"))
    lists = [model.get("lists", list_id) for list_id in subscribed if isinstance(list_id, str)]
    for purpose_id in [label.purpose for label in labels(person)] + [r.get("purpose") for r in lists if r is not None]:
        if isinstance(purpose_id, str) and purpose_id not in purposes:
            purposes.append(purpose_id)
    found: dict[tuple[str, str], Recipient] = {}
    for purpose_id in purposes:
        record = model.get("purposes", purpose_id)
        if record is None:
            continue
        named = [("processor", p) for p in list_of(record.get("processors")) if isinstance(p, str)]
        texts = (localised(r, model.language) for r in list_of(record.get("recipients")))
        named += [("recipient", text) for text in texts if text]
        for kind, name in named:
            found.setdefault((kind, name), Recipient(kind, name)).purposes.append(purpose_id)
    return sorted(found.values(), key=lambda r: (r.kind != "processor", r.name))


def _closing_request(model: Model, request: str | None, by: str | None):
    if not request:
        return None
    record = model.records["requests"].get(request)
    if record is None:
        raise UsageError(_("{request}: no such request in records/requests/").format(request=request))
    if record.get("kind") != "erasure":
        raise UsageError(_("{request} is a request of kind {kind}, not erasure").format(
            request=request, kind=record.get("kind")))
    if record.get("closed"):
        raise Refused(_("{request} was already closed on {day}").format(request=request, day=record.get("closed")))
    if not isinstance(record.get("identity_verified"), dict):  # Art. 12(6): never erase on an unverified word
        raise Refused(_("{request} records no identity check: verify who asked, record it in `identity_verified` "
                        "(date, method, by) and run the erasure again").format(request=request))
    return record


def _scrub_references(data: CommentedMap, folder: str, ids: Identifiers, held: set[str], mode: str) -> str | None:
    """Remove the person's id and their deleted roles from the places records refer to them;
    returns what kind of record changed (None when no reference was found)."""
    changed = None
    if folder == "roles":
        if data.get("person") in ids.ids and mode == ANONYMISE:
            del data["person"]
            data.insert(0, "holder", ANONYMOUS)
            changed = "role"
        if mode == ERASE and data.get("on_behalf_of") in held:
            del data["on_behalf_of"]
            changed = "role"
    if folder == "interactions":
        for key, gone in (("people", set(ids.ids)), ("roles", held if mode == ERASE else set())):
            values = data.get(key)
            if isinstance(values, list) and any(v in gone for v in values):
                kept = [v for v in values if v not in gone]
                if kept:
                    values[:] = kept
                else:
                    del data[key]
                changed = "interaction"
    if folder == "requests":
        asker = data.get("from")
        if isinstance(asker, dict) and asker.get("person") in ids.ids:
            del asker["person"]
            if not asker:
                del data["from"]
            changed = "request"
    return changed


def _redact(value: Any, ids: Identifiers) -> int:
    """Replace the person's identifiers in every text of a record, in place; how many."""
    if isinstance(value, dict):
        slots = list(value.items())
    elif isinstance(value, list):
        slots = list(enumerate(value))
    else:
        return 0
    count = 0
    for key, item in slots:
        if isinstance(item, str):
            new, found = ids.redact(item)
            if found:
                value[key] = _same_style(item, new)
                count += found
        else:
            count += _redact(item, ids)
    return count


def _same_style(old: str, new: str) -> str:
    """The new text in the old scalar's style (folded, literal, quoted), so the file keeps its look."""
    if type(old) is str:
        return new
    try:
        styled: Any = type(old)(new)  # old's ruamel class: a folded scalar carries fold_pos
    except TypeError:
        return new
    folds = getattr(old, "fold_pos", None)
    if folds:  # a folded text keeps its lines about as long as they were
        styled.fold_pos = _folds(new, max(b - a for a, b in zip([-1, *folds], [*folds, len(old)])))
    return styled


def _folds(text: str, width: int) -> list[int]:
    """The spaces at which to break `text` so that no line is longer than `width` (if it can)."""
    folds, start, last = [], 0, None
    for index, char in enumerate(text):
        if char != " ":
            continue
        if index - start > width and last is not None and last > start:
            folds.append(last)
            start = last + 1
        last = index
    if len(text) - start > width and last is not None and last > start:
        folds.append(last)
    return folds


def _close(data: CommentedMap, day: dt.date, by: str) -> None:
    """The erasure request: a closing history step, stage and `closed`, outcome granted.
    Each date is its own object: ruamel writes one object used twice as an anchor and an
    alias, which records may not hold (Y003)."""
    def fresh() -> dt.date:
        return dt.date(day.year, day.month, day.day)
    step = CommentedMap([("date", fresh()), ("stage", "closed"), ("by", by),
                         ("note", _("Erased with crmtool subject erase; see {log}.").format(log=erasure_log.LOG_FILE))])
    history = data.get("history")
    if isinstance(history, list):
        history.append(step)
    else:
        roundtrip.set_after(data, "history", CommentedSeq([step]), "stage")
    data["stage"] = "closed"
    if not isinstance(data.get("outcome"), dict):
        anchor = next((k for k in ("extension", "identity_verified", "follow_up", "history") if k in data), "history")
        roundtrip.set_after(data, "outcome", CommentedMap([("date", fresh()), ("decision", "granted")]), anchor)
    roundtrip.set_after(data, "closed", fresh(), "outcome")
    if "follow_up" in data:
        del data["follow_up"]


def _refresh_derived(repo: Repository, day: dt.date, outcome: Outcome) -> None:
    """The index and the built register are copies of the records: bring them up to date so
    that they no longer hold the person. The check cache is only a cache: it goes."""
    (repo.root / CACHE_FILE).unlink(missing_ok=True)
    from ..index.build import build_index, index_path
    path = index_path(repo)
    if path.exists():
        build_index(repo)
        connection = sqlite3.connect(path)
        try:
            connection.execute("VACUUM")  # deleted rows stay in free pages until the file is rebuilt
        finally:
            connection.close()
        outcome.index = "refreshed"
    site = repo.root / "build" / "site"
    if site.is_dir():
        from ..register.build import build
        try:
            build(repo, day)
            outcome.site = "rebuilt"
        except Exception as error:  # the records are erased already; say what is left to do
            outcome.site = _("the rebuild failed ({error}); run `crmtool build` and fix what it reports").format(
                error=type(error).__name__ if not str(error) else str(error).splitlines()[0])
