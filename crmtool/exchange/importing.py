"""`crmtool import`: people from a CSV or vCard file, as new person records.

An import is a dry run until `--apply`: staff first see every record it would create (the
id, the name, the fields), every row it refuses with the line and what to fix, and the
warnings that need a human: probable duplicates of people already held (as Q005 judges
them), and people who were erased before (the erasure log's hashes). Only then, and only
when no row is refused (or `--skip-invalid` says to leave those out), every new file is
written in one change (`atomic.write_files`): all or nothing.

What the GDPR asks of an import, and where it happens here:

- a purpose for every person (Art. 5(1)(b), P001): `--purpose`, or a `purpose` column; a
  row with neither is refused. Each record gets the label `{purpose, since: today, source}`;
- only data the purpose covers (Art. 5(1)(c), P004): a column whose data category the
  purpose does not list is not imported, and the dry run says so per row;
- the source must be one the purpose allows (P022); data not from the person means they
  must be told within a month (Art. 14, P016): the dry run reminds;
- an erased person must not come back through an old spreadsheet (Art. 17): a row whose
  email address or name matches the erasure log is warned about with the erasure's date;
- nor must someone who objected (Art. 21): a row whose email address or phone number is that
  of a person on file with an objection, or in the suppression list (`domain/suppression.py`,
  kept when an objector is erased), is refused for a purpose the objection rules out.

Organisations and functions in the file are not made into roles: a role needs a start date
and an organisation record, which a contact list does not give reliably. They are shown as
"not imported" with the command that makes a role, and they help recognise duplicates.

The core returns values and never prints; `cli/exchange.py` shows them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..load import atomic
from ..load import load_model, load_schemas
from ..check import check_text
from ..edit.fmt import Refused as NotFormatted
from ..edit.fmt import canonical, house_dash_offset
from ..i18n import _
from ..domain.ids import person_id
from ..load.model import Model
from ..domain.policy import PERSON_FIELD_CATEGORY, from_subject
from ..load.repo import RecordFile, Repository, UsageError
from ..domain.people import current_organisations, email_key, name_key
from ..domain.phones import default_country, e164
from ..domain import objections
from ..domain.personal_data import normalise
from ..load.schema import SchemaSet
from ..domain import erasure_log, suppression
from ..domain.texts import full_name, labelled, localised
from . import purposes, read_csv, read_vcard
from .incoming import Incoming
from .yaml_text import person_text, person_text_for_check, today_label

KINDS = ("csv", "vcard")
READERS = {"csv": read_csv.read, "vcard": read_vcard.read}


@dataclass
class Proposal:
    """A person the import creates (or would create)."""

    line: int
    id: str
    path: str
    name: str
    purpose: str
    fields: dict  # the record's data as it is written
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = field(default="", repr=False)


@dataclass
class Refusal:
    """A row the import will not take, with what to fix."""

    line: int
    name: str
    reasons: list[str]


@dataclass
class ImportPlan:
    file: str
    kind: str
    apply: bool
    proposals: list[Proposal] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the file as a whole
    written: list[str] = field(default_factory=list)
    blocked: bool = False  # --apply refused because rows were refused

    @property
    def exit_code(self) -> int:
        """1 when a row is refused and nothing (or not everything) is imported; else 0."""
        if self.apply:
            return 1 if self.blocked else 0
        return 1 if self.refused else 0

    def as_dict(self) -> dict:
        people = [{k: v for k, v in asdict(p).items() if k != "text"} for p in self.proposals]
        return {"file": self.file, "kind": self.kind, "dry_run": not self.apply, "people": people,
                "refused": [asdict(r) for r in self.refused], "warnings": self.warnings,
                "written": self.written, "blocked": self.blocked}


@dataclass
class _Context:
    """What judging one row needs, read once per import."""

    repo: Repository
    model: Model
    schemas: SchemaSet
    today: dt.date
    region: str
    log: erasure_log.ErasureLog
    suppressed: suppression.SuppressionList
    taken: set[str]
    dash_offset: int | None = None  # where records/people/ puts list dashes (crmtool fmt's layout)
    lay_out: bool = True  # False in a dry run: the layout only matters for the text --apply writes
    existing: dict | None = None  # duplicate keys of the people already held → their records
    earlier: dict = field(default_factory=dict)  # duplicate keys of earlier rows → their line
    objectors: dict | None = None  # contact keys of the people on file who objected → their scopes


@atomic.serialised(writes=lambda *args, **kwargs: bool(kwargs.get("apply")))
def import_people(repo: Repository, kind: str, path: Path, purpose: str | None, source: str | None,
                  today: dt.date, *, apply: bool = False, skip_invalid: bool = False) -> ImportPlan:
    """Read `path` and plan (with `apply`: write) the new person records.

    Raises UsageError (exit 2) for an unknown purpose or source and a file that cannot be
    read; atomic.AtomicError when the files cannot be written (nothing changed then).
    """
    model = load_model(repo, today)
    schemas = load_schemas(repo)
    if purpose is not None:
        purposes.require(model, purpose)
        if source is not None:
            _allowed_source(model, purpose, source, usage=True)
    shown = _shown(repo, path)
    read = READERS[kind](path, shown, today)
    if purpose is not None and source is None and all(row.source is None for row in read.rows):
        source, problem = _source(model, purpose, None)
        if problem:
            raise UsageError(problem)
    plan = ImportPlan(shown, kind, apply, warnings=list(read.warnings))
    context = _Context(repo, model, schemas, today, default_country(model.config),
                       erasure_log.read(repo.root), suppression.read(repo.root),
                       set(model.ids["people"]) | set(model.aliases("people")),
                       house_dash_offset(repo.root, "people"), lay_out=apply)
    for row in read.rows:
        _judge(context, plan, row, purpose, source)
    plan.warnings += _policy_warnings(model, plan.proposals)
    if apply:
        if plan.refused and not skip_invalid:
            plan.blocked = True
        elif plan.proposals:
            plan.written = atomic.write_files(repo.root, {repo.root / p.path: p.text for p in plan.proposals})
    return plan


def _shown(repo: Repository, path: Path) -> str:
    """The file as messages name it: relative to the repository when it lies inside."""
    try:
        return path.resolve().relative_to(repo.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _allowed_source(model: Model, purpose: str, source: str, usage: bool = False) -> str | None:
    """None when `source` may be recorded under `purpose`, else why not (a UsageError with `usage`)."""
    sources = purposes.sources(purposes.require(model, purpose))
    problem = None
    if sources and source not in sources:
        problem = _("'{source}' is not a source the purpose {purpose} allows; allowed: {allowed}").format(
            source=source, purpose=purpose, allowed=", ".join(sources))
    if usage and problem:
        raise UsageError(problem)
    return problem


def _judge(context: _Context, plan: ImportPlan, row: Incoming, default_purpose: str | None,
           default_source: str | None) -> None:
    """Refuse the row, or add what it would become to the plan."""
    purpose = row.purpose or default_purpose
    problems = list(row.problems)
    source = None
    if purpose is None:
        problems.append(_("there is no purpose: give --purpose, or fill in the purpose (doel) column"))
    elif context.model.get("purposes", purpose) is None:
        problems.append(_("'{purpose}' is not a purpose in records/purposes/").format(purpose=purpose))
        purpose = None
    else:
        source, problem = _source(context.model, purpose, row.source or default_source)
        if problem:
            problems.append(problem)
    name = full_name(row.person.get("name"))
    if problems:
        plan.refused.append(Refusal(row.line, name, problems))
        return
    assert purpose is not None  # a row without a known purpose has a problem
    objected = _objected(context, row.person, purpose)
    if objected:
        plan.refused.append(Refusal(row.line, name, [objected]))
        return
    fields, left_out = _minimise(context.model, purpose, row)
    fields["purposes"] = [today_label(purpose, context.today, source)]
    record_id = person_id(context.taken, str(fields.get("name", {}).get("given", "")),
                          str(fields.get("name", {}).get("family", "")),
                          style=str(context.model.config.get("id_style", "opaque")))
    path = f"records/people/{record_id}.yaml"
    text = _laid_out(context, path, person_text(fields)) if context.lay_out else person_text_for_check(fields)
    errors, warnings = _verify(context, RecordFile(path, "people", record_id), text)
    if errors:
        plan.refused.append(Refusal(row.line, name, errors))
        return
    context.taken.add(record_id)
    warnings += _duplicates(context, row, fields)
    warnings += _erased(context, fields)
    plan.proposals.append(Proposal(row.line, record_id, path, name, purpose, fields, left_out, warnings, text))


def _source(model: Model, purpose: str, given: str | None) -> tuple[str | None, str | None]:
    """The label's source and a problem: the one given, else the purpose's only source."""
    if given:
        return given, _allowed_source(model, purpose, given)
    sources = purposes.sources(purposes.require(model, purpose))
    if len(sources) > 1:
        return None, _("where does this data come from? give --source or fill in the source (bron) column, "
                       "one of: {allowed}").format(allowed=", ".join(sources))
    return (sources[0] if sources else None), None


def _minimise(model: Model, purpose: str, row: Incoming) -> tuple[dict, list[str]]:
    """The row's fields the purpose covers, and a line for each one it does not (P004)."""
    allowed = purposes.categories(purposes.require(model, purpose))
    fields, left_out = {}, list(row.left_out)
    for key, value in row.person.items():
        category = PERSON_FIELD_CATEGORY.get(key)
        if category is None or category in allowed:
            fields[key] = value
        else:
            left_out.append(_("{field}: the purpose {purpose} does not cover {category} data").format(
                field=key, purpose=purpose, category=category))
    if row.organisation or row.function:
        what = " / ".join(v for v in (row.function, row.organisation) if v)
        left_out.append(_("{what}: roles are made with `crmtool new role`").format(what=what))
    return fields, left_out


def _laid_out(context: _Context, path: str, text: str) -> str:
    """In `crmtool fmt`'s layout, list dashes placed as in the repository's people files.

    Only for the text --apply writes: ruamel's dump, load and dump again cost about forty times
    what reading a card costs (measured: 58 of 63 ms per card under the profiler), and a dry
    run shows ids, names and fields, never the text. The dry run checks the same data emitted
    by libyaml (`person_text_for_check`); the layout changes no data (fmt checks that), so the
    rules judge it as they would the written text, and --apply still checks the text it
    writes."""
    try:
        return canonical(text, path, "person", context.schemas, offset=context.dash_offset)
    except NotFormatted:
        return text  # _verify reports what is wrong with it


def _verify(context: _Context, file: RecordFile, text: str) -> tuple[list[str], list[str]]:
    """The file and record rules on the new text (as `crmtool check` would run them on the
    file alone): errors refuse the row, warnings are shown with it."""
    entry = check_text(context.repo.root, file.path, context.schemas, context.model.config, text.encode("utf-8"))
    said = [(f.severity, f"{f.rule}: {f.message}") for f in entry.findings]
    return ([m for s, m in said if s == "error"],
            [m for s, m in said if s != "error"])


def _keys(context: _Context, person: dict, organisations: list[str]) -> list[tuple[str, object]]:
    """What Q005 compares: email addresses, phone numbers (E.164), name with each current organisation."""
    keys: list[tuple[str, object]] = []
    for item in person.get("emails") or []:
        if email_key(item.get("address")):
            keys.append(("email", email_key(item.get("address"))))
    for item in person.get("phones") or []:
        number = e164(item.get("number"), context.region)
        if number:
            keys.append(("phone", number))
    name = name_key(person.get("name"))
    if name:
        keys += [("name", (name, organisation)) for organisation in organisations]
    return keys


def _existing(context: _Context) -> dict:
    """The duplicate keys of every person already held → their records (built once)."""
    if context.existing is None:
        context.existing = {}
        for person in sorted(context.model.of("people"), key=lambda p: p.path):
            organisations = current_organisations(context.model, person.id, context.today)
            for key in _keys(context, person.data, organisations):
                context.existing.setdefault(key, []).append(person)
    return context.existing


def _organisation(model: Model, text: str | None) -> str | None:
    """The organisation a row names, by id or by name (either language), as an id."""
    if not text:
        return None
    record = model.get("organisations", text.strip())
    if record is not None:
        return record.id
    wanted = " ".join(text.casefold().split())
    for candidate in model.of("organisations"):
        names = [localised(candidate.get("name"), lang) for lang in ("nl", "en")] + [candidate.get("short_name")]
        if any(isinstance(n, str) and " ".join(n.casefold().split()) == wanted for n in names):
            return candidate.id
    return None


def _duplicates(context: _Context, row: Incoming, fields: dict) -> list[str]:
    existing = _existing(context)
    organisation = _organisation(context.model, row.organisation)
    warnings, named = [], set()
    for kind, key in _keys(context, fields, [organisation] if organisation else []):
        for person in existing.get((kind, key), []):
            if person.id not in named:
                named.add(person.id)
                warnings.append(_duplicate_message(kind, person.id, full_name(person.get("name"))))
        earlier = context.earlier.setdefault((kind, key), row.line)
        if earlier != row.line:
            warnings.append(_("probably the same person as line {line} of this file ({what})").format(
                line=earlier, what=_what(kind)))
    return warnings


def _what(kind: str) -> str:
    return {"email": _("same email address"), "phone": _("same phone number"),
            "name": _("same name and organisation")}[kind]


def _duplicate_message(kind: str, other: str, name: str) -> str:
    who = labelled(other, name)
    return _("probably a duplicate of {person}: {what}; if it is one person, update that record instead").format(
        person=who, what=_what(kind))


def _erased(context: _Context, fields: dict) -> list[str]:
    """Matches with the erasure log: the person was erased before."""
    warnings = []
    emails = {context.log.hash(item["address"]) for item in fields.get("emails") or [] if item.get("address")}
    name = erasure_log.name_key(fields)
    name_hash = context.log.hash(name) if name else None
    for entry in context.log.entries:
        if emails & set(entry.get("email_hashes") or []):
            message = _("someone with this email address was erased on {date}: do not re-import without a new "
                        "legal basis")
        elif name_hash and entry.get("name_hash") == name_hash:
            message = _("someone with this name was erased on {date}: do not re-import without a new legal basis")
        else:
            continue
        warnings.append(message.format(date=entry.get("date", "?")))
    return warnings


def _objected(context: _Context, person: dict, purpose: str) -> str | None:
    """Why the row may not be imported for `purpose`: the person objected to it (Art. 21), as a
    person on file or in the suppression list; None when nothing matches."""
    emails, phones = suppression.contact_keys(person, context.region)
    if context.objectors is None:
        context.objectors = {}
        for held in context.model.of("people"):
            made = [o.scope for o in objections.objections(held.data) if o.date <= context.today]
            if made:
                held_emails, held_phones = suppression.contact_keys(held.data, context.region)
                for key in [normalise(e) for e in held_emails] + held_phones:
                    context.objectors.setdefault(key, set()).update(made)
    scopes = {scope for key in [normalise(e) for e in emails] + phones for scope in context.objectors.get(key, ())}
    scopes.update(context.suppressed.scopes_of(emails, phones))
    scope = suppression.ruling_out(context.model, sorted(scopes), purpose)
    if scope is None:
        return None
    shown = _("direct marketing") if scope == objections.DIRECT_MARKETING else scope
    return _("this person objected to {scope} (Art. 21): they may not be imported for {purpose}; leave the row "
             "out (or --skip-invalid)").format(scope=shown, purpose=purpose)


def _policy_warnings(model: Model, proposals: list[Proposal]) -> list[str]:
    """Once per import: what the law asks next for the labels it writes."""
    warnings = []
    for purpose in dict.fromkeys(p.purpose for p in proposals):
        if purposes.require(model, purpose).get("legal_basis") == "consent":
            warnings.append(_("The purpose {purpose} rests on consent: add each person's consent (consents:, with "
                              "the date and wording) before committing, or crmtool check reports P003.").format(
                                  purpose=purpose))
    sources = dict.fromkeys(label["source"] for p in proposals for label in p.fields["purposes"] if label.get("source"))
    for source in sources:
        if from_subject(model, source) is False:
            warnings.append(_("The source {source} is not the people themselves: tell them within a month that you "
                              "hold their data and record the day as notified: on the label (Art. 14, P016).").format(
                                  source=source))
    return warnings
