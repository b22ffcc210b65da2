"""Ending a role, and every role held on its behalf, in one change of the files.

After an election an alderman's role ends; the committee seat he held *because* he was an
alderman ends with it, and so does the board seat he held because he chaired that
committee (`on_behalf_of`, followed recursively). Staff who end the first role by hand
forget the others, and T002 then turns the next pull request red; this command finds them
all, shows what it will change, and writes every file at once (`load/atomic.py`), so the
repository never holds half of an ending.

Only the roles' `end` and `end_reason` lines change (`roundtrip.py` keeps every comment and
the layout). Nothing else of the holder is touched: other roles, subscriptions, consents and
purpose labels stay, because the person is still a contact (the seed's alderman keeps his
newsletter) and what follows from the ending (retention under `last-role-end`) is the
check's and the review's to report.

The core returns values and never prints; `cli/end_role.py` shows them.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from . import roundtrip
from ..load import atomic
from .. import i18n
from .base import Refused, settings, verify
from ..load import read_records
from ..i18n import _
from ..load.document import load_document
from ..load.model import Model, Period, Record
from ..load.repo import ID_PATTERN, Listing, RecordFile, Repository, UsageError
from ..load.schema import SchemaSet
from ..domain.texts import full_name, localised

REASONS = "end-reasons"
DERIVED_REASON = "derived-role-ended"
"""The end reason of a role that ends because the role it was held for ended, when the
repository's end-reasons vocabulary lists it (else the reason given)."""


@dataclass(frozen=True)
class Ending:
    """One role this change ends (or ends earlier)."""

    role: str
    path: str
    holder: str
    holder_name: str
    function: str
    organisation: str
    on_behalf_of: str | None  # the role it is held for; None for the role that was named
    old_end: str | None
    new_end: str
    old_reason: str | None
    reason: str


@dataclass(frozen=True)
class LeftAlone:
    """A role held on behalf of an ending role that had already ended by the day."""

    role: str
    path: str
    on_behalf_of: str
    end: str


@dataclass
class Outcome:
    role: str
    day: dt.date
    reason: str
    dry_run: bool
    endings: list[Ending] = field(default_factory=list)
    left_alone: list[LeftAlone] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # paths, relative to the root
    recovered: list[str] = field(default_factory=list)  # restored from an interrupted change
    pending: list[str] = field(default_factory=list)  # with --dry-run: would be restored first
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # path → new text

    def as_dict(self) -> dict:
        return {"role": self.role, "on": self.day.isoformat(), "reason": self.reason,
                "dry_run": self.dry_run, "changes": [asdict(e) for e in self.endings],
                "left_alone": [asdict(e) for e in self.left_alone],
                "written": self.written, "recovered": self.recovered, "pending": self.pending}


@atomic.serialised()
def end_role(repo: Repository, role_id: str, day: dt.date, reason: str, *, dry_run: bool = False) -> Outcome:
    """End `role_id` on `day` (its last day) with `reason`, and every role held on its behalf.

    Raises UsageError (exit 2) for an unknown role or reason, Refused (exit 1) when the role
    cannot be ended as asked, atomic.AtomicError (exit 1) when the files cannot be written;
    in each case nothing has changed. A change an earlier run left half-done is rolled back
    first (not with `dry_run`, which changes no byte: it only names what would be restored).
    """
    recovered = [] if dry_run else atomic.recover(repo.root)
    outcome = Outcome(role_id, day, reason, dry_run, recovered=recovered,
                      pending=atomic.pending(repo.root) if dry_run else [])
    try:
        _plan(repo, outcome)
    except (Refused, UsageError) as error:
        if not recovered:
            raise
        note = _("An earlier change was interrupted; it was rolled back first ({count} files restored).")
        raise type(error)(note.format(count=len(recovered)) + "\n" + str(error)) from error
    if outcome.texts and not dry_run:
        outcome.written = atomic.write_files(repo.root, {repo.root / p: t for p, t in outcome.texts.items()})
    elif dry_run:
        outcome.written = sorted(outcome.texts)
    return outcome


def _plan(repo: Repository, outcome: Outcome) -> None:
    """Find the roles to end, check that they can be ended, and put their new texts in
    `outcome`. Every refusal comes before anything is written."""
    schemas, config = settings(repo)
    listing = Listing(repo.root)
    model = Model(config=config, today=outcome.day)
    named = _role_id(outcome.role)
    broken = _load_roles(repo, listing, schemas, model, named)
    role = _named_role(named, listing, model, broken)
    outcome.role = role.id
    _check_reason(repo, listing, model, outcome.reason)
    _check_role(role, outcome.day)
    ending, outcome.left_alone = _cascade(role, model, outcome.day)
    _check_broken(repo, broken, [r.id for r in ending])
    derived_reason = DERIVED_REASON if DERIVED_REASON in (model.vocabulary(REASONS) or {}) else outcome.reason
    for record in ending:
        reason = outcome.reason if record is role else derived_reason
        _end(repo, listing, schemas, config, record, outcome, reason)


def _load_roles(repo: Repository, listing: Listing, schemas: SchemaSet, model: Model, named: str) -> dict[str, str]:
    """Into `model`: the named role and every role that may be held on behalf of another;
    returns the roles whose files do not load, id → path.

    Any role may be held on behalf of the one that ends, so every role file is looked at;
    only those whose text mentions `on_behalf_of` are parsed, since parsing YAML is where
    the time goes (a quarter of a million roles at 100,000 people) and a role without the
    key is held on behalf of nothing.
    """
    files = []
    for rid in sorted(listing.ids["roles"]):
        file = RecordFile(f"records/roles/{rid}.yaml", "roles", rid)
        try:
            wanted = rid == named or b"on_behalf_of" in (repo.root / file.path).read_bytes()
        except OSError:
            wanted = True  # reported as a file that does not load
        if wanted:
            files.append(file)
    model.ids["roles"] = set(listing.ids["roles"])
    broken = {}
    for file, entry in zip(files, read_records(repo.root, files)):
        if entry.loaded and isinstance(entry.data, dict):
            model.add(Record("roles", file.id, file.path, entry.data))
        else:
            broken[file.id] = file.path
    return broken


def _role_id(given: str) -> str:
    """The id of the role the user named: its id, or the path to its file (tab completion)."""
    return given.rsplit("/", 1)[-1].removesuffix(".yaml")


def _named_role(role_id: str, listing: Listing, model: Model, broken: dict[str, str]) -> Record:
    if role_id in broken:
        raise Refused(_("{path} cannot be read as a record, so the role cannot be ended; "
                        "run `crmtool check {path}` to see why.").format(path=broken[role_id]))
    record = model.get("roles", role_id)
    if record is None:
        message = _("There is no role '{role}' (no file records/roles/{role}.yaml).").format(role=role_id)
        close = difflib.get_close_matches(role_id, sorted(listing.ids["roles"]), n=1)
        if close:
            message += " " + _("Did you mean '{other}'?").format(other=close[0])
        raise UsageError(message)
    return record


def _check_reason(repo: Repository, listing: Listing, model: Model, reason: str) -> None:
    """The reason must be one of the end-reasons vocabulary when the repository keeps it."""
    file = listing.file("vocabularies", REASONS)
    if file is not None:
        record = _load_record(repo, file)
        if record is None:
            raise Refused(_("{path} cannot be read as a record, so the end reason cannot be checked; "
                            "run `crmtool check {path}` to see why.").format(path=file.path))
        model.add(record)
        allowed = model.vocabulary(REASONS) or {}
        if reason not in allowed:
            raise UsageError(_("'{reason}' is not an end reason in {path}; allowed: {allowed}.").format(
                reason=reason, path=file.path, allowed=", ".join(allowed)))
    elif not ID_PATTERN.match(reason):
        raise UsageError(_("'{reason}' is not a valid end reason: use lower-case letters, digits and "
                           "hyphens, such as not-re-elected.").format(reason=reason))


def _check_role(role: Record, day: dt.date) -> None:
    period = Period.of(role.data)
    if period.start is not None and day < period.start:
        raise Refused(_("{role} starts on {start}; it cannot end on {day}, before it started. "
                        "Check the date: --on is the last day the role holds.").format(
                            role=role.id, start=period.start.isoformat(), day=day.isoformat()))
    if period.end is not None and period.end < day:
        raise Refused(_("{role} already ended on {end}, before {day}. end-role ends a role that still "
                        "holds on that day; to move an end date that lies in the past, edit {path}.").format(
                            role=role.id, end=period.end.isoformat(), day=day.isoformat(), path=role.path))


def _cascade(role: Record, model: Model, day: dt.date) -> tuple[list[Record], list[LeftAlone]]:
    """The named role and every role held on its behalf, recursively, that still holds after
    `day`, breadth first; and the derived roles left alone because they ended by then.

    A role left alone is not followed further: what is held on its behalf ended with it (or
    T002 already reports it). A cycle in `on_behalf_of` ends where it meets a role already
    seen. A derived role that starts after the day is refused, all of them at once.
    """
    derived: dict[str, list[Record]] = defaultdict(list)
    for record in model.of("roles"):
        parent = record.get("on_behalf_of")
        if isinstance(parent, str):
            derived[parent].append(record)
    ending, left_alone, too_late = [role], [], []
    seen, queue = {role.id}, [role]
    while queue:
        parent = queue.pop(0)
        for record in sorted(derived.get(parent.id, []), key=lambda r: r.id):
            if record.id in seen:
                continue
            seen.add(record.id)
            period = Period.of(record.data)
            if period.end is not None and period.end <= day:
                left_alone.append(LeftAlone(record.id, record.path, parent.id, period.end.isoformat()))
            elif period.start is not None and period.start > day:
                too_late.append((record, parent, period.start))
            else:
                ending.append(record)
                queue.append(record)
    if too_late:
        lines = [_("{role} is held on behalf of {parent} but starts on {start}, after {day}.").format(
            role=r.id, parent=p.id, start=s.isoformat(), day=day.isoformat()) for r, p, s in too_late]
        raise Refused("\n".join(lines + [_(
            "A role cannot end before it starts. If it will not be taken up, remove its file; if it is "
            "held for another role, correct its on_behalf_of; or end the role on a later day.")]))
    return ending, left_alone


def _check_broken(repo: Repository, broken: dict[str, str], ending: list[str]) -> None:
    """A role file that does not load might be held on behalf of an ending role: refuse
    rather than leave it open. It cannot be read as YAML, so its text is searched for the
    ids of the ending roles."""
    for path in sorted(broken.values()):
        try:
            text = (repo.root / path).read_bytes().decode("utf-8", "replace")
        except OSError:
            text = ""
        named = [role_id for role_id in ending if role_id in text]
        if named:
            raise Refused(_("{path} does not load, so it cannot be told whether it is held on behalf of "
                            "{role}; run `crmtool check {path}`, fix it and try again.").format(
                                path=path, role=named[0]))


def _end(repo: Repository, listing: Listing, schemas: SchemaSet, config: dict, record: Record,
         outcome: Outcome, reason: str) -> None:
    """Edit one role's file in memory: `end` after `start`, `end_reason` after `end`."""
    new_end = outcome.day.isoformat()
    old_end, old_reason = record.get("end"), record.get("end_reason")
    if old_end == new_end and old_reason == reason:
        return
    try:
        document, text = roundtrip.load(repo.root / record.path)
    except roundtrip.RoundTripError as error:
        raise Refused(_("{error}; the file cannot be edited, so nothing was changed.").format(
            error=_relative(repo, str(error)))) from error
    if not hasattr(document.data, "insert"):
        raise Refused(_("{path} does not hold a mapping; nothing was changed.").format(path=record.path))
    roundtrip.set_after(document.data, "end", outcome.day, "start")
    roundtrip.set_after(document.data, "end_reason", reason, "end")
    new_text = roundtrip.dump(document)
    verify(repo, schemas, config, record.path, text, new_text)
    holder, name = _holder(repo, listing, record)
    outcome.endings.append(Ending(
        record.id, record.path, holder, name, str(record.get("function", "")), str(record.get("organisation", "")),
        None if record.id == outcome.role else record.get("on_behalf_of"),
        old_end if isinstance(old_end, str) else None, new_end,
        old_reason if isinstance(old_reason, str) else None, reason))
    outcome.texts[record.path] = new_text


def _holder(repo: Repository, listing: Listing, role: Record) -> tuple[str, str]:
    """The holder's id and name (a person's given, prefix and family name; an organisation's
    name in the active language), as staff read them next to the id."""
    if isinstance(role.get("person"), str):
        folder, holder = "people", role.get("person")
    else:
        folder, holder = "organisations", str(role.get("member_organisation", ""))
    file = listing.file(folder, holder)
    record = _load_record(repo, file) if file else None
    name = record.get("name") if record else None
    if folder == "people":
        return holder, full_name(name) if isinstance(name, dict) else ""
    return holder, localised(name, i18n.language()) or ""


def _load_record(repo: Repository, file: RecordFile) -> Record | None:
    try:
        raw = (repo.root / file.path).read_bytes()
    except OSError:
        return None
    document = load_document(file.path, raw)
    if not document.loaded or not isinstance(document.data, dict):
        return None
    return Record(file.folder, file.id, file.path, document.data)


def _relative(repo: Repository, message: str) -> str:
    """Error messages name files relative to the root, as `crmtool check` does."""
    return message.replace(str(repo.root) + "/", "")
