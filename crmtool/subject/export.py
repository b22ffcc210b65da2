"""Everything held about one person, as one plain structure (Art. 15 access, Art. 20 portability).

The structure is what every format renders: JSON writes it as it is, HTML puts it into words,
vCard takes the contact part. Texts are given in the person's language (`language:` on the
record when it is nl or en, else the repository's), because the export is written to them.

Nothing of other people may leave with it. A contact moment the person shared with others
shows them only as a count of "other people"; role ids of others, staff and other people's
names or email addresses in free text (summaries, notes, titles) are left out or replaced by
"[another person]". Staff notes on requests are left out altogether: they are staff's working
notes and too often name others.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .. import i18n
from ..i18n import _
from ..load.model import Model, Period, Record
from ..domain.pipeline import pipeline_of
from ..domain.policy import from_subject, labels, list_of
from ..domain import words
from ..domain.personal_data import PHONE_LIKE as PHONE
from ..register.scan import Needles
from ..domain.phones import e164
from ..register.site import AUTHORITIES
from ..register.views import controller_country
from ..load.repo import UsageError
from ..domain.retention import of_interaction, of_label
from ..domain.texts import full_name, localised

FORMAT = "crmtool-subject-export"
VERSION = 1
LANGUAGES = ("nl", "en")
ANOTHER_PERSON = "[another person]"
"""What stands in free text where another person's name or email address was; a fixed
English marker, so the JSON stays the same whatever language it is read in."""

EMAIL_KEYS = ("address", "kind")
PHONE_KEYS = ("number", "kind")
ADDRESS_KEYS = ("kind", "street", "number", "addition", "postcode", "city", "country")
RIGHTS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "complaint")
ARTICLES = {"access": "15", "rectification": "16", "erasure": "17", "restriction": "18",
            "portability": "20", "objection": "21", "complaint": "77"}


@dataclass(frozen=True)
class Export:
    """The export as data, and the language its texts are in."""

    data: dict
    language: str


class BrokenRecord(Exception):
    """The person's file is there but cannot be read (exit 1). It carries the file's path;
    the command says what is wrong in the check's words (`check.explain_unreadable`), with
    file, line and column, never "no such person"."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def find_person(model: Model, wanted: str) -> Record:
    """A person by id (or an alias), or by full name exactly as staff type it (case and spaces
    ignored). An unknown or ambiguous person is a usage error; a person whose file is broken
    is BrokenRecord."""
    record = model.get("people", wanted)
    if record is not None:
        return record
    if wanted in model.ids["people"]:
        raise BrokenRecord(f"records/people/{wanted}.yaml")
    key = " ".join(wanted.casefold().split())
    matches = [p for p in model.of("people") if " ".join(full_name(p.get("name")).casefold().split()) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UsageError(_("{person}: more than one person has this name; use the id: {ids}").format(
            person=wanted, ids=", ".join(sorted(p.id for p in matches))))
    raise UsageError(_("{person}: no such person in records/people/").format(person=wanted))


def language_of(model: Model, person: Record) -> str:
    """The person's language when the export can be written in it, else the repository's."""
    wanted = person.get("language")
    return wanted if wanted in LANGUAGES else model.language


def translator(language: str):
    return i18n.translator(language).gettext


def export(model: Model, person_id: str, today: dt.date) -> Export:
    """Everything held about a person, in their language. Raises UsageError for an unknown
    one, BrokenRecord when their file cannot be read."""
    person = find_person(model, person_id)
    language = language_of(model, person)
    in_language = translator(language)
    redact = Redactor.of(model, person.id)

    def text(value: Any) -> str | None:
        found = localised(value, language)
        return found.strip() if isinstance(found, str) else None

    def organisation(org_id: Any) -> dict | None:
        if not isinstance(org_id, str):
            return None
        record = model.get("organisations", org_id)
        return {"id": org_id, "name": text(record.get("name")) if record else None}

    def vocabulary_value(name: str, value: Any) -> dict | None:
        if not isinstance(value, str):
            return None
        entry = (model.vocabulary(name) or {}).get(value) or {}
        return {"id": value, "label": text(entry.get("label")) or value}

    stages = pipeline_of(model.config).stages

    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created": today.isoformat(),
        "language": language,
        "controller": _controller(model),
        "person": _person(model, person, text),
        "roles": [_role(role, today, organisation, vocabulary_value)
                  for role in _by_start(model.roles_of(person.id))],
        "interactions": [_interaction(model, i, person.id, organisation, redact, text)
                         for i in sorted(model.interactions_of(person.id), key=lambda r: (str(r.get("date")), r.id))],
        "requests": [_request(r, redact, text, stages) for r in
                     sorted(model.requests_from(person.id), key=lambda r: (str(r.get("received")), r.id))],
        "subscriptions": [_subscription(model, list_id, text) for list_id in list_of(person.get("subscriptions"))
                          if isinstance(list_id, str)],
        "consents": [_consent(model, c, text) for c in list_of(person.get("consents")) if isinstance(c, dict)],
        "notes": [{"date": _iso(n.get("date")), "text": redact(str(n.get("text", "")))}
                  for n in list_of(person.get("notes")) if isinstance(n, dict)],
        "purposes": [_purpose(model, person, label, today, text, in_language) for label in labels(person)],
    }
    data["person"]["tag_labels"] = [(vocabulary_value("tags", t) or {}).get("label") or t
                                    for t in data["person"]["tags"]]
    data["automated_decision_making"] = any(p["profiling"] for p in data["purposes"])
    data["rights"] = [{"right": right, "article": ARTICLES[right]} for right in RIGHTS]
    return Export(data, language)


def _iso(value: Any) -> str | None:
    """Dates as the loader gives them (ISO strings); anything else as text or None."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value is not None else None


def _by_start(roles: list[Record]) -> list[Record]:
    return sorted(roles, key=lambda r: (str(r.get("start") or ""), r.id))


def _controller(model: Model) -> dict:
    controller = model.config.get("controller")
    controller = controller if isinstance(controller, dict) else {}
    dpo = model.config.get("dpo") if isinstance(model.config.get("dpo"), dict) else {}
    authority = AUTHORITIES.get(controller_country(model.config), AUTHORITIES["NL"])
    return {"name": controller.get("name"), "email": controller.get("email"), "phone": controller.get("phone"),
            "website": controller.get("website"),
            "dpo": {"name": dpo.get("name"), "email": dpo.get("email")} if dpo else None,
            "authority": {"name": authority[0], "website": authority[1]}}


def _person(model: Model, person: Record, text) -> dict:
    name = person.get("name") if isinstance(person.get("name"), dict) else {}
    custom = []
    fields = person.get("fields") if isinstance(person.get("fields"), dict) else {}
    for key, value in fields.items():
        definition = model.get("fields", key)
        label = text(definition.get("label")) if definition else None
        values = value if isinstance(value, list) else [value]
        choices = {}
        for choice in list_of(definition.get("values")) if definition else []:
            if isinstance(choice, dict) and isinstance(choice.get("id"), str):
                choices[choice["id"]] = text(choice.get("label"))
        custom.append({"field": key, "label": label or key, "value": value,
                       "value_label": ", ".join(str(choices.get(v) or v) for v in values) if choices else None})
    return {
        "id": person.id,
        "name": {k: name.get(k) for k in ("given", "prefix", "family", "initials") if name.get(k) is not None},
        "full_name": full_name(name),
        "language": person.get("language"),
        "emails": _items(person.get("emails"), EMAIL_KEYS),
        "phones": _items(person.get("phones"), PHONE_KEYS),
        "addresses": _items(person.get("addresses"), ADDRESS_KEYS),
        "tags": [t for t in list_of(person.get("tags")) if isinstance(t, str)],
        "status": person.get("status"),
        "inactive_since": _iso(person.get("inactive_since")),
        "fields": custom,
    }


def _items(value: Any, keys: tuple[str, ...]) -> list[dict]:
    """Contact details with every key present (None when the record leaves it out): stable
    keys for whoever reads the JSON, and for the templates."""
    return [{key: item.get(key) for key in keys} for item in list_of(value) if isinstance(item, dict)]


def _role(role: Record, today: dt.date, organisation, vocabulary_value) -> dict:
    return {
        "id": role.id,
        "organisation": organisation(role.get("organisation")),
        "function": vocabulary_value("functions", role.get("function")),
        "qualifiers": [vocabulary_value("role-qualifiers", q) for q in list_of(role.get("qualifiers"))],
        "portfolio": [vocabulary_value("portfolios", p) for p in list_of(role.get("portfolio"))],
        "party": organisation(role.get("party")),
        "start": _iso(role.get("start")),
        "end": _iso(role.get("end")),
        "end_reason": vocabulary_value("end-reasons", role.get("end_reason")),
        "current": Period.of(role.data).holds_on(today),
        "on_behalf_of": role.get("on_behalf_of"),
        "public": role.get("public"),
    }


def _interaction(model: Model, interaction: Record, person_id: str, organisation, redact, text) -> dict:
    people = [p for p in list_of(interaction.get("people")) if isinstance(p, str)]
    aliases = model.aliases("people")
    others = sum(1 for p in people if aliases.get(p, p) != person_id)
    own_roles = [r for r in list_of(interaction.get("roles"))
                 if isinstance(r, str)
                 and (model.get("roles", r) or Record("roles", r, "", {})).get("person") == person_id]
    purpose_record = model.get("purposes", interaction.get("purpose") or "")
    request = interaction.get("request")
    kept = of_interaction(model, interaction)
    return {
        "id": interaction.id,
        "date": _iso(interaction.get("date")),
        "kind": interaction.get("kind"),
        "summary": redact(text(interaction.get("summary")) or ""),
        "purpose": {"id": interaction.get("purpose"),
                    "title": text(purpose_record.get("title")) if purpose_record else None},
        "organisations": [organisation(o) for o in list_of(interaction.get("organisations"))],
        "roles": own_roles,
        "other_people": others,
        "request": request if isinstance(request, str) and _asked_by(model, request, person_id) else None,
        "kept_until": kept.ends.isoformat() if kept and kept.ends else None,
    }


def _asked_by(model: Model, request_id: str, person_id: str) -> bool:
    """Whether a request is the person's own: another person's request id stays out."""
    return any(r.id == request_id for r in model.requests_from(person_id))


def _request(request: Record, redact, text, stages: dict) -> dict:
    """A request the person made; stages with the label the pipeline gives them (a person
    reads "Binnengekomen", not `received`)."""
    outcome = request.get("outcome") if isinstance(request.get("outcome"), dict) else {}

    def label(stage: Any) -> Any:
        entry = stages.get(stage) if isinstance(stage, str) else None
        return (text(entry.get("label")) if isinstance(entry, dict) else None) or stage

    return {
        "id": request.id,
        "kind": request.get("kind"),
        "title": redact(text(request.get("title")) or ""),
        "received": _iso(request.get("received")),
        "stage": request.get("stage"),
        "stage_label": label(request.get("stage")),
        "stages": [{"date": _iso(step.get("date")), "stage": step.get("stage"), "label": label(step.get("stage"))}
                   for step in list_of(request.get("history")) if isinstance(step, dict) and step.get("stage")],
        "closed": _iso(request.get("closed")),
        "outcome": {"date": _iso(outcome.get("date")), "decision": outcome.get("decision"),
                    "ground": outcome.get("ground")} if outcome else None,
    }


def _subscription(model: Model, list_id: str, text) -> dict:
    record = model.get("lists", list_id)
    return {"list": list_id, "title": text(record.get("title")) if record else None,
            "purpose": record.get("purpose") if record else None}


def _consent(model: Model, consent: dict, text) -> dict:
    wording_text = None
    record = model.get("purposes", consent.get("purpose") or "")
    for wording in list_of(record.get("consent_wordings")) if record else []:
        if isinstance(wording, dict) and wording.get("id") == consent.get("wording"):
            wording_text = text(wording.get("text"))
    return {"purpose": consent.get("purpose"), "purpose_title": text(record.get("title")) if record else None,
            "given": _iso(consent.get("given")),
            "withdrawn": _iso(consent.get("withdrawn")), "channel": consent.get("channel"),
            "wording": consent.get("wording"), "wording_text": wording_text}


def _purpose(model: Model, person: Record, label, today: dt.date, text, in_language) -> dict:
    record = model.get("purposes", label.purpose)
    data = record.data if record else {}
    basis = data.get("legal_basis")
    basis_name, basis_article, basis_meaning = words.legal_basis(in_language, basis)
    exception_article, exception_meaning = words.exception(in_language, data.get("article9_exception"))
    retention = of_label(model, person, label, today)
    source = label.data.get("source")
    source_entry = (model.vocabulary("sources") or {}).get(source) if isinstance(source, str) else None
    processors = []
    for processor_id in list_of(data.get("processors")):
        processor = model.get("processors", processor_id) if isinstance(processor_id, str) else None
        processors.append({"id": processor_id, "name": processor.get("name") if processor else None,
                           "country": processor.get("country") if processor else None})
    return {
        "purpose": label.purpose,
        "title": text(data.get("title")),
        "description": text(data.get("description")),
        "since": _iso(label.data.get("since")),
        "until": _iso(label.data.get("until")),
        "legal_basis": {"code": basis, "name": basis_name, "article": basis_article, "meaning": basis_meaning},
        "legitimate_interest": text(data.get("legitimate_interest")),
        "data_categories": [{"code": c, "label": words.label(in_language, words.DATA_CATEGORIES, c)}
                            for c in list_of(data.get("data_categories")) if isinstance(c, str)],
        "special_categories": [{"code": c, "label": words.label(in_language, words.SPECIAL_CATEGORIES, c)}
                               for c in list_of(data.get("special_categories")) if isinstance(c, str)],
        "article9_exception": {"code": data.get("article9_exception"), "article": exception_article,
                               "meaning": exception_meaning} if data.get("article9_exception") else None,
        "recipients": [t for t in (text(r) for r in list_of(data.get("recipients"))) if t],
        "processors": processors,
        "transfers": text(data.get("transfers")),
        "retention": {
            "policy": dict(data["retention"]) if isinstance(data.get("retention"), dict) else None,
            "text": words.retention(in_language, data.get("retention")),
            "ends": retention.ends.isoformat() if retention and retention.ends else None,
        },
        "source": {"id": source, "label": text(source_entry.get("label")) if source_entry else source,
                   "from_person": from_subject(model, source) if isinstance(source, str) else None}
        if source is not None else None,
        "collection": text(data.get("collection")),
        "notified": _iso(label.data.get("notified")),
        "profiling": data.get("profiling") is True,
        "current": label.holds_on(today),
    }


@dataclass(frozen=True)
class Redactor:
    """Replaces other people's names, email addresses and phone numbers in a text by ANOTHER_PERSON.

    Names are matched as whole words, any run of spaces one space, case ignored (with and
    without the prefix, as register/scan.py's Needles look for them); phone numbers as numbers,
    with the register's own pattern and reading ("06-12 34 56 78" is "+31 6 12345678").
    Accented spellings of a name are not matched: the texts are staff's own, who write names
    as the record does.
    """

    patterns: tuple[re.Pattern, ...]
    phones: frozenset[str]  # other people's numbers, E.164
    region: str

    @classmethod
    def of(cls, model: Model, person_id: str) -> "Redactor":
        phrases: set[str] = set()
        others = [other for other in model.of("people") if other.id != person_id]
        region = controller_country(model.config)
        phones = Needles.of(((o.id, o.data) for o in others), region).phones
        for other in others:
            name = other.get("name") if isinstance(other.get("name"), dict) else {}
            for variant in (full_name(name), full_name({k: v for k, v in name.items() if k != "prefix"})):
                if len(variant.split()) >= 2:
                    phrases.add(r"\s+".join(re.escape(w) for w in variant.split()))
            for email in list_of(other.get("emails")):
                if isinstance(email, dict) and isinstance(email.get("address"), str):
                    phrases.add(re.escape(email["address"]))
        ordered = sorted(phrases, key=len, reverse=True)  # "Anna van Dijk" before "Anna Dijk"
        return cls(tuple(re.compile(rf"(?<!\w){p}(?!\w)", re.IGNORECASE) for p in ordered),
                   frozenset(phones), region)

    def __call__(self, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(ANOTHER_PERSON, text)
        if self.phones:
            text = PHONE.sub(lambda found: ANOTHER_PERSON
                             if e164(found.group(), self.region, possible_only=True) in self.phones
                             else found.group(), text)
        return text
