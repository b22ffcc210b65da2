"""`crmtool new TYPE`: a new record from a template, with a free id, checked at once.

Most staff never write YAML from scratch: they copy a colleague's file and forget to change
half of it, or start from nothing and forget the purpose label that P001 then asks for.
This module knows, per type, which values a record needs (`FIELDS`), where the choices come
from (vocabularies, existing records, the schemas' enums, the routing rules), which id to
propose (`crmtool.domain.ids`), and renders the file from `templates/new/<type>.yaml` so that an
organisation can change the scaffold without touching code (a repository's own
`templates/new/` wins, as `templates/register/` does for the site).

Templates are Jinja2 with autoescaping off (the output is YAML, not HTML), so every value
goes through the `yaml` filter: pyyaml's own emitter decides the quoting, in flow context,
so user text like `no`, `0612345678`, `a: b, c` or `# note` cannot change the structure or
type of the record. What was rendered is then loaded by the check's own loader; a template
that yields unsafe YAML is refused before anything is written.

The core returns values and never prints; `cli/new.py` asks the questions and shows them.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from ..load import atomic
from .. import templating
from ..domain import ids, routing
from ..check import check_config as load_config
from ..check import run_check
from ..check import check_text
from ..load import config_errors_refused, load_schemas, read_records
from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Model, Record, parse_date
from ..domain.pipeline import pipeline_of
from ..domain.policy import latest_wording, legal_basis
from ..load.repo import FOLDERS, ID_PATTERN, Listing, Repository, UsageError
from ..load.scalars import plain_ok
from ..domain.texts import full_name, localised
from .schema_ref import SchemaReferences

FOLDER = {"person": "people", "organisation": "organisations", "role": "roles",
          "request": "requests", "interaction": "interactions", "breach": "breaches"}
FOLLOW_UP_DAYS = 14
"""Days from receipt to a new request's follow-up date, when crmtool.yaml sets none."""
DATA_SUBJECT_KINDS = ("access", "rectification", "erasure", "portability", "objection", "restriction")
LOADED = ("vocabularies", "purposes", "staff", "organisations", "requests", "processors")
"""The folders `new` reads whole: small, and where the choices and the routing come from.
People and roles are only listed (ids), so `new` stays quick at 100,000 people."""


@dataclass(frozen=True)
class Field:
    """A value a new record can be given: `--<name>` on the command line, a question in a
    terminal. `source` says where the allowed values come from: `vocabulary:<name>`,
    `records:<folder>`, `enum:<type>.<property>` (the schema's list) or `staff`."""

    name: str
    help: str
    required: bool = False
    multiple: bool = False
    kind: str = "text"  # text | date | moment (date and time) | number | slug | bool
    source: str | None = None
    ask: bool = False  # asked in a terminal even though it may stay empty

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


FIELDS: dict[str, tuple[Field, ...]] = {
    "person": (
        Field("given", N_("Given name(s)."), ask=True),
        Field("prefix", N_("Name prefix (tussenvoegsel), such as 'van der'.")),
        Field("family", N_("Family name."), required=True),
        Field("email", N_("Email address (work); repeat for more."), multiple=True, ask=True),
        Field("phone", N_("Phone number, preferably +31 6 12345678; repeat for more."), multiple=True),
        Field("purpose", N_("Why we hold this person's data: a purpose id (records/purposes/)."), required=True,
              source="records:purposes"),
        Field("source", N_("Where the data came from: one of the purpose's sources."), required=True,
              source="vocabulary:sources"),
        Field("notified", N_("When the person was told we hold the data (Art. 14), if it came from someone else."),
              kind="date"),
        Field("consent_channel", N_("How the person gave consent, when the purpose rests on consent."),
              source="enum:defs.channel"),
        Field("tag", N_("Tag; repeat for more."), multiple=True, source="vocabulary:tags"),
        Field("owner", N_("The team that maintains the record."), source="vocabulary:teams", ask=True),
    ),
    "organisation": (
        Field("name", N_("Full name."), required=True),
        Field("kind", N_("Kind of organisation."), required=True, source="vocabulary:organisation-kinds"),
        Field("parent", N_("The organisation it is part of (id or name)."), source="records:organisations", ask=True),
        Field("short_name", N_("Short name or abbreviation.")),
        Field("province", N_("Province."), source="vocabulary:provinces"),
        Field("website", N_("Website URL.")),
        Field("email", N_("Email address; repeat for more."), multiple=True),
        Field("phone", N_("Phone number; repeat for more."), multiple=True),
        Field("tag", N_("Tag; repeat for more."), multiple=True, source="vocabulary:tags"),
        Field("owner", N_("The team that maintains the record."), source="vocabulary:teams", ask=True),
    ),
    "role": (
        Field("person", N_("The person holding the role (person id)."), source="records:people", ask=True),
        Field("member_organisation", N_("Or: the organisation holding it as a member (id or name)."),
              source="records:organisations"),
        Field("organisation", N_("Where the role is held (id or name)."), required=True,
              source="records:organisations"),
        Field("function", N_("The function."), required=True, source="vocabulary:functions"),
        Field("start", N_("First day of the role (default: today)."), required=True, kind="date"),
        Field("end", N_("Last day of the role, if known."), kind="date"),
        Field("portfolio", N_("Portfolio; repeat for more."), multiple=True, source="vocabulary:portfolios"),
        Field("qualifier", N_("Qualifier such as fractievoorzitter; repeat for more."), multiple=True,
              source="vocabulary:role-qualifiers"),
        Field("party", N_("Political party (organisation id or name)."), source="records:organisations"),
        Field("on_behalf_of", N_("The role this one is held because of (role id)."), source="records:roles"),
        Field("public", N_("May appear in the public office-holder directory."), kind="bool"),
    ),
    "request": (
        Field("kind", N_("question, project, access, erasure, ..."), required=True, source="enum:request.kind"),
        Field("title", N_("A short subject line."), ask=True),
        Field("received", N_("When it was received (default: today)."), required=True, kind="date"),
        Field("channel", N_("How it reached us."), source="enum:defs.channel", ask=True),
        Field("from_person", N_("Who asked (person id)."), source="records:people", ask=True),
        Field("from_organisation", N_("The organisation that asked (id or name)."), source="records:organisations",
              ask=True),
        Field("topic", N_("What it is about; repeat for more. Routing uses them."), multiple=True,
              source="vocabulary:topics", ask=True),
        Field("tag", N_("Tag; repeat for more."), multiple=True, source="vocabulary:tags"),
        Field("assignee", N_("The colleague handling it (default: what the routing rules propose)."),
              source="staff", ask=True),
        Field("follow_up", N_("When to act next (default: the day it was received plus review.follow_up_days in "
                              "crmtool.yaml, 14 days)."), kind="date"),
        Field("owner", N_("The team that maintains the record (default: the assignee's first team)."),
              source="vocabulary:teams"),
        Field("by", N_("Who records it (staff id)."), source="staff"),
        Field("note", N_("A note for the history (default: why routing chose the assignee).")),
    ),
    "interaction": (
        Field("date", N_("When it took place (default: today)."), required=True, kind="date"),
        Field("kind", N_("meeting, call, email, ..."), required=True, source="enum:interaction.kind"),
        Field("summary", N_("What it was about."), required=True),
        Field("purpose", N_("The purpose under which it is kept (purpose id)."), required=True,
              source="records:purposes"),
        Field("person", N_("A person involved (person id); repeat for more."), multiple=True,
              source="records:people", ask=True),
        Field("organisation", N_("An organisation involved (id or name); repeat for more."), multiple=True,
              source="records:organisations"),
        Field("role", N_("A role in which someone took part (role id); repeat for more."), multiple=True,
              source="records:roles"),
        Field("staff", N_("A colleague present (staff id); repeat for more."), multiple=True, source="staff",
              ask=True),
        Field("request", N_("The request it belongs to (request id)."), source="records:requests"),
        Field("follow_up", N_("When to act next."), kind="date"),
        Field("owner", N_("The team that maintains the record."), source="vocabulary:teams"),
        Field("tag", N_("Tag; repeat for more."), multiple=True, source="vocabulary:tags"),
    ),
    "breach": (
        Field("discovered", N_("When we became aware of the breach, as YYYY-MM-DDTHH:MM; the 72 hours run from "
                               "it."), required=True, kind="moment"),
        Field("occurred", N_("When the breach happened, if known."), kind="date", ask=True),
        Field("nature", N_("What happened (never a person's name)."), required=True),
        Field("data_category", N_("The categories of data concerned; repeat for more."), multiple=True,
              source="enum:breach.data_categories", ask=True),
        Field("data_subject", N_("The categories of people concerned, such as members; repeat for more."),
              multiple=True, kind="slug", ask=True),
        Field("approximate_subjects", N_("About how many people are concerned."), kind="number", ask=True),
        Field("risk", N_("The risk to the people concerned: unlikely, risk (notify the supervisory authority) or "
                         "high-risk (tell the people too)."), required=True, source="enum:breach.risk"),
        Field("processor", N_("The processor where it happened, if it happened at one (processor id)."),
              source="records:processors", ask=True),
        Field("consequences", N_("The likely consequences; for an unlikely risk, why it is unlikely."), ask=True),
        Field("measures", N_("The measures taken or proposed."), ask=True),
        Field("by", N_("Who records it (staff id)."), source="staff", ask=True),
        Field("owner", N_("The team that maintains the record (default: the first team of the colleague who "
                          "records it)."), source="vocabulary:teams"),
    ),
}


@dataclass
class Draft:
    """A new record, rendered and not yet written."""

    type: str
    id: str
    path: str  # relative to the root
    text: str
    values: dict
    proposal: routing.Proposal | None = None  # requests: what routing proposed, and why


@dataclass
class Written:
    """A new record on disk, with what the full check says about it."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


class Session:
    """One repository as `new` sees it: settings, schemas, the listed ids and the small
    folders loaded whole."""

    def __init__(self, repo: Repository, today: dt.date) -> None:
        self.repo, self.today = repo, today
        self.schemas = load_schemas(repo)
        config, findings = load_config(repo, self.schemas)
        if any(f.severity == "error" for f in findings):
            raise config_errors_refused()
        self.listing = Listing(repo.root)
        self.model = Model(config=config, today=today)
        for folder, names in self.listing.ids.items():
            self.model.ids[folder] = set(names)
        files = [file for folder in LOADED for rid in sorted(self.listing.ids[folder])
                 for file in [self.listing.file(folder, rid)] if file]
        for file, entry in zip(files, read_records(repo.root, files)):
            if entry.loaded and isinstance(entry.data, dict):
                self.model.add(Record(file.folder, file.id, file.path, entry.data))

    # -- choices and defaults, for the questions in a terminal --------------------------

    def choices(self, kind: str, name: str, values: dict) -> list[tuple[str, str]] | None:
        """The allowed values of a field as (id, label), or None when any id may be typed
        (people, roles: too many to list) or nothing constrains it."""
        spec = field_of(kind, name)
        if kind == "person" and name == "source":
            purpose = self.model.get("purposes", str(values.get("purpose", "")))
            allowed = [s for s in (purpose.get("sources") if purpose else None) or [] if isinstance(s, str)]
            vocabulary = self.model.vocabulary("sources") or {}
            if allowed:
                return [(s, self._label(vocabulary.get(s))) for s in allowed]
        source = spec.source or ""
        if source.startswith("vocabulary:"):
            words = self.model.vocabulary(source.split(":", 1)[1])
            return None if words is None else [(k, self._label(v)) for k, v in words.items()]
        if source == "staff":
            return [(r.id, str(r.get("name", ""))) for r in sorted(self.model.of("staff"), key=lambda r: r.id)
                    if routing.is_active(self.model, r.id)]
        if source in ("records:purposes", "records:organisations", "records:processors"):
            folder = source.split(":", 1)[1]
            return [(r.id, self._label(r.data, "title" if folder == "purposes" else "name"))
                    for r in sorted(self.model.of(folder), key=lambda r: r.id)]
        if kind == "breach" and name == "data_subject":  # offered, not enforced: any category may be hit
            return [(s, "") for s in sorted({s for r in self.model.of("purposes")
                                             for s in r.get("data_subjects") or [] if isinstance(s, str)})]
        if source.startswith("enum:"):
            return [(v, "") for v in self._enum(source)]
        return None

    def default(self, kind: str, name: str, values: dict) -> str | None:
        """What a question offers when the user just presses Enter."""
        spec = field_of(kind, name)
        if spec.kind == "date" and spec.required:
            return self.today.isoformat()
        if kind == "person" and name == "source":
            options = self.choices(kind, name, values) or []
            return options[0][0] if len(options) == 1 else None
        if kind == "request" and name == "assignee":
            return self.propose(values).assignee
        return None

    def needs(self, kind: str, name: str, values: dict) -> bool:
        """Whether a field is required given the values so far (a consent-based purpose
        needs the consent channel; a role needs a holder)."""
        spec = field_of(kind, name)
        if kind == "person" and name == "consent_channel":
            return legal_basis(self.model, str(values.get("purpose", ""))) == "consent"
        if kind == "role" and name == "person":
            return not values.get("member_organisation")
        return spec.required

    def propose(self, values: dict) -> routing.Proposal:
        """The routing proposal for a request with these (raw or prepared) values; refuses
        routing rules that name unknown colleagues or teams (exit 2)."""
        wrong = routing.problems(self.model)
        if wrong:
            raise UsageError("\n".join(wrong))
        asker = {}
        for key in ("person", "organisation"):
            value = values.get(f"from_{key}")
            if value:
                asker[key] = self._record_id("organisations", value) if key == "organisation" else value
        request = {"kind": values.get("kind"), "topics": list(values.get("topic") or []),
                   "tags": list(values.get("tag") or []), "from": asker}
        return routing.propose(self.model, request)

    # -- values -------------------------------------------------------------------------

    def value(self, kind: str, name: str, raw: Any, values: dict | None = None) -> Any:
        """One value as typed, checked and converted (dates to dates, names of organisations
        to ids); UsageError naming the flag when it cannot be used."""
        spec = field_of(kind, name)
        if spec.multiple:
            items = [raw] if isinstance(raw, str) else list(raw or [])
            items = [p.strip() for item in items for p in str(item).split(",") if p.strip()] \
                if spec.source or spec.kind == "slug" else [str(i).strip() for i in items if str(i).strip()]
            return list(dict.fromkeys(self._one(kind, spec, item, values or {}) for item in items))
        if spec.kind == "bool":
            return bool(raw)
        text = str(raw).strip()
        return self._one(kind, spec, text, values or {}) if text else None

    def _one(self, kind: str, spec: Field, text: str, values: dict) -> Any:
        if spec.kind == "moment":
            return moment(spec, text)
        if spec.kind == "number":
            if not re.fullmatch(r"\d+", text):
                raise UsageError(_("{flag}: '{value}' is not a whole number.").format(flag=spec.flag, value=text))
            return int(text)
        if spec.kind == "slug" and not ID_PATTERN.match(text):
            raise UsageError(_("{flag}: '{value}' is not a category: use lower-case letters, digits and single "
                               "hyphens, such as {example}.").format(flag=spec.flag, value=text, example="members"))
        if spec.kind == "date":
            day = parse_date(text)
            if day is None:
                raise UsageError(_("{flag}: '{value}' is not a date; use YYYY-MM-DD.").format(
                    flag=spec.flag, value=text))
            return day
        source = spec.source or ""
        if source.startswith("records:"):
            folder = source.split(":", 1)[1]
            found = self._record_id(folder, text) if folder == "organisations" else (
                text if self.model.exists(folder, text) else None)
            if found is None:
                raise UsageError(self._unknown(spec, text, sorted(self.model.ids[folder])))
            return found
        if source == "staff":
            if not self.model.exists("staff", text):
                raise UsageError(self._unknown(spec, text, sorted(self.model.ids["staff"])))
            return text
        if source.startswith(("vocabulary:", "enum:")):
            allowed = self.choices(kind, spec.name, values)
            if allowed is not None and text not in {a for a, _ in allowed}:
                raise UsageError(_("{flag}: '{value}' is not one of: {allowed}.").format(
                    flag=spec.flag, value=text, allowed=", ".join(a for a, _ in allowed)))
        return text

    def _record_id(self, folder: str, text: str) -> str | None:
        """An organisation by id, or by its name or short name (case does not matter), or
        by a part of its name that fits one organisation only."""
        if self.model.exists(folder, text):
            return text
        wanted = text.casefold()
        names = {r.id: [n.casefold() for n in _names(r)] for r in self.model.of(folder)}
        exact = [rid for rid, ns in names.items() if wanted in ns]
        if len(exact) == 1:
            return exact[0]
        partial = [rid for rid, ns in names.items() if any(wanted in n for n in ns)]
        return partial[0] if len(partial) == 1 else None

    def _unknown(self, spec: Field, text: str, known: list[str]) -> str:
        message = _("{flag}: there is no '{value}'.").format(flag=spec.flag, value=text)
        close = difflib.get_close_matches(text, known, n=3)
        if close:
            message += " " + _("Did you mean {ids}?").format(ids=", ".join(close))
        return message

    def _enum(self, source: str) -> list[str]:
        schema_name, prop = source.split(":", 1)[1].split(".")
        document = self.schemas.documents.get(f"{schema_name}.schema.json") or {}
        node = (document.get("$defs") or {}).get(prop) if schema_name == "defs" else \
            (document.get("properties") or {}).get(prop)
        node = node or {}
        return list(node.get("enum") or (node.get("items") or {}).get("enum") or [])  # a list's items too

    def _label(self, data: Any, key: str = "label") -> str:
        return localised((data or {}).get(key), self.model.language) or "" if isinstance(data, dict) else ""

    # -- the record -----------------------------------------------------------------------

    def prepare(self, kind: str, raw: dict) -> dict:
        """Every value of a new record checked and converted; UsageError (exit 2) naming the
        flag of the first one missing or wrong."""
        values: dict = {}
        for spec in FIELDS[kind]:
            given = raw.get(spec.name)
            if spec.kind == "date" and spec.required and not given:
                given = self.today.isoformat()
            values[spec.name] = self.value(kind, spec.name, given, values) if given not in (None, "", ()) else (
                [] if spec.multiple else (False if spec.kind == "bool" else None))
        for spec in FIELDS[kind]:
            if self.needs(kind, spec.name, values) and values[spec.name] in (None, []):
                raise UsageError(_("{flag} is needed for a new {kind}: {help}").format(
                    flag=spec.flag, kind=kind, help=_(spec.help)))
        if kind == "role" and values.get("person") and values.get("member_organisation"):
            raise UsageError(_("Give --person or --member-organisation, not both."))
        return values

    def draft(self, kind: str, raw: dict, record_id: str | None = None) -> Draft:
        """The new record rendered from its template, under a free id (or `record_id`)."""
        if kind not in FIELDS:
            raise UsageError(_("crmtool new makes: {types}.").format(types=", ".join(FIELDS)))
        values = self.prepare(kind, raw)
        proposal = None
        context: dict[str, Any] = {}
        if kind == "person":
            context["consent"] = self._consent(values)
        if kind == "request":
            if not values["assignee"]:
                proposal = self.propose(values)
                values["assignee"] = proposal.assignee
            elif not routing.is_active(self.model, values["assignee"]):
                raise UsageError(_("--assignee: {staff} is not active; choose a colleague who is.").format(
                    staff=values["assignee"]))
            elif not routing.problems(self.model):
                proposal = self.propose(values)  # the history says why, when the proposal was taken
                proposal = proposal if proposal.assignee == values["assignee"] else None
            context.update(self._request_context(values, proposal))
            if values["follow_up"] is None:
                values["follow_up"] = values["received"] + dt.timedelta(days=follow_up_days(self.model.config))
        if kind == "breach":
            context.update(self._breach_context(values))
        folder = FOLDER[kind]
        taken = self.listing.ids[folder]
        if record_id:
            record_id = self._given_id(folder, record_id, taken)
        else:
            record_id = self._proposed_id(kind, values, taken)
        path = f"records/{folder}/{record_id}.yaml" if kind != "interaction" else \
            f"records/{folder}/{values['date'].year}/{record_id}.yaml"
        text = render(self.repo.root, kind, {**values, **context, "schema": schema_reference(self.repo, path, kind),
                                             "today": self.today})
        self._refuse_unsafe(kind, path, text)
        text = self._laid_out_as_neighbours(folder, path, text)
        return Draft(kind, record_id, path, text, values, proposal)

    def _laid_out_as_neighbours(self, folder: str, path: str, text: str) -> str:
        """The new record in `crmtool fmt`'s layout, with list dashes where the folder's
        records have them (the association puts them under the key, the cooperative indents
        them), so a new file looks like the files next to it."""
        from .fmt import Refused as NotFormatted
        from .fmt import canonical, house_dash_offset
        try:
            return canonical(text, path, FOLDERS[folder], self.schemas,
                             offset=house_dash_offset(self.repo.root, folder))
        except NotFormatted:
            return text  # the check that follows the write reports what is wrong

    def _consent(self, values: dict) -> dict | None:
        if legal_basis(self.model, values["purpose"]) != "consent":
            return None
        wording = latest_wording(self.model, values["purpose"])
        return {"channel": values["consent_channel"],
                "wording": wording.get("id") if isinstance(wording, dict) else None}

    def _breach_context(self, values: dict) -> dict:
        """The texts as a map of the repository's language (as the example breach writes
        them), and the team: the one given, else the first team of the colleague recording it."""
        language = self.model.language
        texts = {name: {language: values[name]} if values[name] else None
                 for name in ("nature", "consequences", "measures")}
        owner = values["owner"]
        if not owner and values["by"]:
            member = self.model.get("staff", values["by"])
            teams = [t for t in (member.get("teams") or []) if isinstance(t, str)] if member else []
            owner = teams[0] if teams else None
        return {"texts": texts, "owner": owner}

    def _request_context(self, values: dict, proposal: routing.Proposal | None) -> dict:
        pipeline = pipeline_of(self.model.config)
        stage = pipeline.start[0] if pipeline.start else "received"
        owner = values["owner"]
        if not owner and values["assignee"]:
            member = self.model.get("staff", values["assignee"])
            teams = [t for t in (member.get("teams") or []) if isinstance(t, str)] if member else []
            owner = teams[0] if teams else None
        note = values["note"] or (
            _("Proposed by routing: {reason}").format(reason=proposal.reason) if proposal else None)
        return {"stage": stage, "owner": owner, "note": note}

    def _given_id(self, folder: str, record_id: str, taken: set[str]) -> str:
        if not ID_PATTERN.match(record_id):
            raise UsageError(_("--id: '{id}' is not a valid id: use lower-case letters, digits and single "
                               "hyphens, such as {example}.").format(id=record_id, example="gemeente-almere"))
        form = ids.FOLDER_IDS.get(folder)
        if form is not None and not form[0].match(record_id):
            raise UsageError(_("--id: '{id}' is not a valid id here: these records are named {form}.").format(
                id=record_id, form=form[1]))
        if record_id in taken:
            file = self.listing.file(folder, record_id)
            raise UsageError(_("--id: '{id}' is taken ({path}); choose another or leave --id out for a free "
                               "one.").format(id=record_id, path=file.path if file else folder))
        return record_id

    def _proposed_id(self, kind: str, values: dict, taken: set[str]) -> str:
        if kind == "person":
            style = str(self.model.config.get("id_style") or "opaque")
            return ids.person_id(taken, values["given"] or "", values["family"], style)
        if kind == "organisation":
            return ids.readable(values["name"], taken)
        if kind == "role":
            return role_id(self.model, values["organisation"], values["function"], values["start"].year, taken)
        if kind == "request":
            return ids.numbered(request_prefix(self.model, values["kind"]), values["received"].year, taken)
        if kind == "breach":
            return ids.breach_id(int(values["discovered"][:4]), taken)
        return ids.dated("i", values["date"], taken)  # never from the summary: it names people

    def _refuse_unsafe(self, kind: str, path: str, text: str) -> None:
        """The rendered text must load as the record it says it is, with no YAML safety
        finding: a template that breaks that is refused before anything is written."""
        entry = check_text(self.repo.root, path, self.schemas, {}, text.encode("utf-8"), record_rules=False)
        unsafe = [f for f in entry.findings if f.rule.startswith("Y")]
        if not entry.loaded or not isinstance(entry.data, dict) or unsafe:
            detail = f"{unsafe[0].rule} {unsafe[0].message}" if unsafe else _("it does not load as a record")
            raise UsageError(_("The template for a new {kind} gives a file that is not safe YAML ({detail}); "
                               "check {template}.").format(kind=kind, detail=detail,
                                                          template=(template_dir(self.repo.root) / f"{kind}.yaml")))


def moment(spec: Field, text: str) -> str:
    """A date and time as the breach schema writes it, `YYYY-MM-DDTHH:MM` (a space for the
    `T` and seconds are accepted as typed; the seconds are dropped, as the 72 hours do not
    need them). A date alone is refused: the deadline needs the hour."""
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::\d{2})?", text.strip())
    try:
        if found is None:
            raise ValueError(text)
        value = dt.datetime.strptime(f"{found.group(1)}T{int(found.group(2)):02d}:{found.group(3)}", "%Y-%m-%dT%H:%M")
    except ValueError:
        raise UsageError(_("{flag}: '{value}' is not a date and time; use YYYY-MM-DDTHH:MM, such as "
                           "2026-11-20T14:30.").format(flag=spec.flag, value=text)) from None
    return value.isoformat(timespec="minutes")


def follow_up_days(config: dict) -> int:
    """`review.follow_up_days` in crmtool.yaml, else FOLLOW_UP_DAYS: a new request gets a
    follow-up date, so it shows in `query follow-up` and W004 asks about it when nobody acted."""
    review = config.get("review")
    days = review.get("follow_up_days") if isinstance(review, dict) else None
    return days if isinstance(days, int) and not isinstance(days, bool) and days >= 0 else FOLLOW_UP_DAYS


def field_of(kind: str, name: str) -> Field:
    return next(f for f in FIELDS[kind] if f.name == name)


@atomic.serialised(root=lambda session, *args, **kwargs: session.repo.root, writes=lambda *args, **kwargs: True)
def write(session: Session, draft: Draft) -> Written:
    """Write the draft in one atomic change, then run the full check and keep its findings
    on the new file (the file stays even with errors, so staff can fix it in place)."""
    recovered = atomic.recover(session.repo.root)
    target = session.repo.root / draft.path
    if target.exists():
        raise UsageError(_("{path} already exists; nothing was written.").format(path=draft.path))
    atomic.write_files(session.repo.root, {target: draft.text})
    result = run_check(session.repo, session.today, [draft.path])
    return Written(draft.path, result.findings, recovered)


def schema_reference(repo: Repository, path: str, kind: str) -> str:
    """The `$schema` path of a new record, relative to its file: the one that resolves from its
    folder (`schema_ref.SchemaReferences.resolving`, as fmt adds), else the neighbours' path as
    it is, so a fresh copy of an example stays consistent (fixing one fixes all), else where a
    forked template repository keeps them (`schemas/` at the root). Never a path on this one
    machine."""
    references = SchemaReferences(repo)
    return references.resolving(path, kind) or references.fallback(path, kind)


def role_id(model: Model, organisation: str, function: str, year: int, taken: set[str]) -> str:
    """`r-<organisation>-<function>-<year>` as the shipped roles are named: a body of a
    municipality is named by the municipality (gemeente-almere-college → almere), other
    organisations by their own id (vgn-commissie-milieu), a leading `gemeente-` is dropped;
    when the name is taken (or already has lettered siblings such as -a, -b), the next free
    letter, then numbers."""
    record = model.get("organisations", organisation)
    parent = record.get("parent") if record else None
    above = model.get("organisations", parent) if isinstance(parent, str) else None
    municipal = above is not None and above.get("kind") == "municipality"
    base = (parent if municipal and isinstance(parent, str) and organisation.startswith(parent + "-")
            else organisation)
    base = re.sub(r"^gemeente-", "", base)
    stem = f"r-{base}-{function}-{year}"
    letters = [f"{stem}-{c}" for c in "abcdefghijklmnopqrstuvwxyz"]
    if stem not in taken and not any(s in taken for s in letters):
        return stem
    return next((s for s in letters if s not in taken), None) or ids.readable(stem, taken)


def request_prefix(model: Model, kind: str) -> str:
    """The id prefix the repository already uses for this kind of request (`q`, `dsr`,
    `rq`), else the one used for its group (data-subject requests or the others), else the
    most used one; in an empty repository `dsr` for data-subject requests and `q` else."""
    by_kind: dict[str, Counter] = {}
    for request in model.of("requests"):
        match = re.match(r"^([a-z0-9]+(?:-[a-z0-9]+)*?)-\d{4}-\d+$", request.id)
        if match and ids.request_prefix_ok(match.group(1)):  # a prefix is a short word, never free text
            by_kind.setdefault(str(request.get("kind")), Counter())[match.group(1)] += 1
    group = DATA_SUBJECT_KINDS if kind in DATA_SUBJECT_KINDS else tuple(
        k for k in by_kind if k not in DATA_SUBJECT_KINDS)
    for kinds in ((kind,), group, tuple(by_kind)):
        counted = sum((by_kind.get(k, Counter()) for k in kinds), Counter())
        if counted:
            return counted.most_common(1)[0][0]
    return "dsr" if kind in DATA_SUBJECT_KINDS else "q"


def template_dir(root: Path) -> Path:
    """A repository's own `templates/new/` wins; without one, crmtool's own."""
    return templating.folder(root, "new")


def render(root: Path, kind: str, context: dict) -> str:
    directory = template_dir(root)
    environment = Environment(loader=FileSystemLoader(str(directory)), autoescape=False,
                              undefined=StrictUndefined, keep_trailing_newline=True)
    environment.filters["yaml"] = yaml_value
    try:
        return environment.get_template(f"{kind}.yaml").render(**context)
    except TemplateError as error:
        raise UsageError(_("The template {template} cannot be used: {error}").format(
            template=directory / f"{kind}.yaml", error=error)) from error


def yaml_value(value: Any, quote: bool = False) -> str:
    """`value` as a YAML flow-context scalar (or flow list), quoted exactly as far as YAML
    needs: pyyaml's emitter, asked to write it as the item of a flow list, quotes what a
    plain scalar would retype (`no`, `0612345678`, `2026-01-01` as text) or break (`a: b`,
    `[x]`, `# y`). `quote=True` always quotes a string (phone numbers, by convention)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(item, quote) for item in value) + "]"
    if isinstance(value, dict):  # texts per language: {nl: ...}
        return "{" + ", ".join(f"{yaml_value(k)}: {yaml_value(v, quote)}" for k, v in value.items()) + "}"
    style = '"' if isinstance(value, str) and (quote or not plain_ok(value, flow=True)) else None
    text = yaml.dump([value], Dumper=yaml.SafeDumper, default_flow_style=True, default_style=style,
                     allow_unicode=True, width=1 << 30)
    return text.strip()[1:-1]


def _names(record: Record) -> list[str]:
    name = record.get("name")
    names = [v for v in name.values() if isinstance(v, str)] if isinstance(name, dict) else [full_name(name)]
    short = record.get("short_name")
    return [n for n in names + ([short] if isinstance(short, str) else []) if n]
