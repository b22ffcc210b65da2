"""What the purposes say about a person: the labels that hold today, valid consents, the data
categories a person's fields belong to, and whether a source is the person themselves.

The P rules, `crmtool review` and (later) the subject-rights commands all ask these questions;
answering them here once keeps the rules to one judgement each.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from dataclasses import dataclass

from .durations import add, parse_duration
from ..load.model import Model, Record, parse_date

# Every field a person file may carry, and the data category (purpose `data_categories`) it
# belongs to. `fields` are custom fields: their category comes from their definition.
PERSON_FIELD_CATEGORY = {
    "name": "name", "emails": "contact", "phones": "contact", "addresses": "address",
    "language": "language", "notes": "notes", "tags": "tags", "consents": "consent",
    "birth_date": "birth-date",
}

CONSENT = "consent"
MEMBER_SUBJECTS = ("members", "former-members", "regular-contacts")


@dataclass(frozen=True)
class Label:
    """A purpose label on a person: `purposes[index]`."""

    index: int
    purpose: str
    since: dt.date | None
    until: dt.date | None
    data: dict

    def holds_on(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


def carries_data(value: Any) -> bool:
    """Whether a field's value holds something about the person: empty values hold nothing,
    `false` and `0` do (they are answers). What P004 judges, and what the forms offer."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def list_of(value: object) -> list:
    """A field that should be a list, or nothing: S001 reports the wrong type, rules read on."""
    return value if isinstance(value, list) else []


def labels(person: Record) -> list[Label]:
    """Every purpose label of a person, also the ended ones, in file order."""
    result = []
    for index, item in enumerate(list_of(person.get("purposes"))):
        if isinstance(item, dict) and isinstance(item.get("purpose"), str):
            result.append(Label(index, item["purpose"], parse_date(item.get("since")),
                                parse_date(item.get("until")), item))
    return result


def current_labels(person: Record, day: dt.date) -> list[Label]:
    return [label for label in labels(person) if label.holds_on(day)]


def purpose(model: Model, purpose_id: str) -> Record | None:
    return model.get("purposes", purpose_id)


def legal_basis(model: Model, purpose_id: str) -> str | None:
    record = purpose(model, purpose_id)
    return record.get("legal_basis") if record else None


@dataclass(frozen=True)
class ConsentState:
    """The consent of a person for one purpose on one day: valid, or why not."""

    valid: bool
    problem: str  # "", "missing", "withdrawn", "unknown-wording", "not-yet-given"
    index: int | None  # the consent's index in `consents`, when there is one
    consent: dict | None


def consent_for(model: Model, person: Record, purpose_id: str, day: dt.date) -> ConsentState:
    """The best consent a person gave for a purpose: a valid one if any, else the reason.

    Valid means given on or before `day`, not withdrawn on or before `day`, and (when the
    purpose keeps versions of its consent text) with a wording the purpose knows. The latest
    consent decides when there are several.
    """
    wordings = _wordings(model, purpose_id)
    found: list[tuple[int, dict]] = [
        (i, c) for i, c in enumerate(list_of(person.get("consents")))
        if isinstance(c, dict) and c.get("purpose") == purpose_id]
    if not found:
        return ConsentState(False, "missing", None, None)
    found.sort(key=lambda item: str(item[1].get("given", "")))
    index, consent = found[-1]
    given, withdrawn = parse_date(consent.get("given")), parse_date(consent.get("withdrawn"))
    if given is not None and given > day:
        return ConsentState(False, "not-yet-given", index, consent)
    if withdrawn is not None and withdrawn <= day:
        return ConsentState(False, "withdrawn", index, consent)
    wording = consent.get("wording")
    if wordings is not None and (not isinstance(wording, str) or wording not in wordings):
        return ConsentState(False, "unknown-wording", index, consent)
    return ConsentState(True, "", index, consent)


def _wordings(model: Model, purpose_id: str) -> set[str] | None:
    """The wording ids of a purpose, or None when it keeps no versions (then any consent counts)."""
    record = purpose(model, purpose_id)
    if record is None or not list_of(record.get("consent_wordings")):
        return None
    return {w["id"] for w in record.get("consent_wordings") if isinstance(w, dict) and isinstance(w.get("id"), str)}


def latest_wording(model: Model, purpose_id: str) -> dict | None:
    """The purpose's current consent wording (the one with the latest `since`), or None."""
    record = purpose(model, purpose_id)
    wordings = [w for w in list_of(record.get("consent_wordings")) if isinstance(w, dict)] if record else []
    wordings.sort(key=lambda w: str(w.get("since", "")))
    return wordings[-1] if wordings else None


DEFAULT_REVIEW_EVERY = "P1Y"


def review_due(record: Record) -> dt.date | None:
    """When a purpose's next periodic review falls due: `review.last` + `review.every` (a year
    when unset); None when no review is recorded or its dates cannot be read. P009 and
    `crmtool review` both ask this."""
    plan = record.get("review") if isinstance(record.get("review"), dict) else {}
    last = parse_date(plan.get("last"))
    every = parse_duration(plan.get("every", DEFAULT_REVIEW_EVERY))
    return add(last, every) if last is not None and every is not None else None


def from_subject(model: Model, source: str) -> bool | None:
    """Whether a source (vocabulary `sources`) is the person themselves; None when unknown."""
    values = model.vocabulary("sources") or {}
    value = values.get(source)
    if value is None or not isinstance(value.get("from_subject"), bool):
        return None
    return value["from_subject"]


def field_category(model: Model, field_name: str) -> str | None:
    """The data category of a custom field, from its definition in records/fields/."""
    definition = model.get("fields", field_name)
    return definition.get("category") if definition else None


def allowed_categories(model: Model, in_force: list[Label]) -> set[str]:
    """The union of the data categories of the purposes of `in_force` labels
    (see `retention.labels_in_force`)."""
    allowed: set[str] = set()
    for label in in_force:
        record = purpose(model, label.purpose)
        if record:
            allowed.update(c for c in list_of(record.get("data_categories")) if isinstance(c, str))
    return allowed


CRIMINAL = "criminal"
"""The special category of Art. 10: allowed by an `article10_basis`, never by an Art. 9(2) exception."""


def has_article10_basis(record: Record | None) -> bool:
    """Whether a purpose names what allows criminal data (Art. 10): a ground in `article10_basis`."""
    basis = record.get("article10_basis") if record is not None else None
    return isinstance(basis, dict) and bool(basis.get("ground"))


def purpose_special_categories(record: Record | None) -> set[str]:
    """The special categories one purpose allows: those of Art. 9 only with an Art. 9(2)
    exception, `criminal` (Art. 10) only with an Art. 10 basis."""
    if record is None:
        return set()
    listed = {c for c in list_of(record.get("special_categories")) if isinstance(c, str)}
    allowed = {c for c in listed if c != CRIMINAL} if record.get("article9_exception") else set()
    return allowed | ({CRIMINAL} & listed if has_article10_basis(record) else set())


def special_categories(model: Model, in_force: list[Label]) -> set[str]:
    """The special categories that the purposes of `in_force` labels allow with an exception."""
    allowed: set[str] = set()
    for label in in_force:
        allowed |= purpose_special_categories(purpose(model, label.purpose))
    return allowed
