"""One record as the rows it owns in the index: plain functions from a record's data.

The records reaching the index have not necessarily passed the check (the index answers
questions about the records as they are), so nothing here trusts a type: a value that is
not what the schema says becomes NULL rather than an error.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from ..domain.texts import full_name, localised

Rows = dict[str, list[tuple]]


def text(value: Any, language: str = "nl") -> str | None:
    """A scalar as text; a multilingual map `{nl: ..., en: ...}` in `language` (else any)."""
    if isinstance(value, dict):
        return localised(value, language)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def flag(value: Any) -> int | None:
    return int(value) if isinstance(value, bool) else None


def items(value: Any) -> list:
    return value if isinstance(value, list) else []


def maps(value: Any) -> Iterable[tuple[int, dict]]:
    return ((n, v) for n, v in enumerate(items(value)) if isinstance(v, dict))


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def strings(value: Any) -> list[str]:
    """The texts of a list of ids or tags (anything else in it is the check's to report)."""
    return [v for v in items(value) if isinstance(v, str)]


def _contacts(data: dict, folder: str, rid: str, rows: Rows) -> None:
    for _n, email in maps(data.get("emails")):
        rows["emails"].append((folder, rid, text(email.get("address")), text(email.get("kind"))))
    for _n, phone in maps(data.get("phones")):
        rows["phones"].append((folder, rid, text(phone.get("number")), text(phone.get("kind"))))
    for _n, address in maps(data.get("addresses")):
        rows["addresses"].append((folder, rid, *(text(address.get(k)) for k in
                                                ("kind", "street", "number", "postcode", "city", "country"))))


def _common(data: dict, folder: str, rid: str, rows: Rows) -> None:
    """Tags, notes and custom fields, which several record types carry."""
    for tag in strings(data.get("tags")):
        rows["tags"].append((folder, rid, tag))
    for n, note in maps(data.get("notes")):
        rows["notes"].append((folder, rid, n, text(note.get("date")), text(note.get("by")), text(note.get("text"))))
    for name, value in mapping(data.get("fields")).items():
        rows["field_values"].append((folder, rid, name, json.dumps(value, ensure_ascii=False, sort_keys=True)))


def person(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    name = mapping(data.get("name"))
    rows["people"].append((rid, path, full_name(data.get("name")) or None, text(name.get("given")),
                           text(name.get("prefix")), text(name.get("family")), text(data.get("language")),
                           text(data.get("owner")), text(data.get("status")), text(data.get("inactive_since"))))
    for _n, label in maps(data.get("purposes")):
        rows["person_purposes"].append((rid, *(text(label.get(k))
                                               for k in ("purpose", "since", "source", "notified", "until"))))
    for _n, consent in maps(data.get("consents")):
        rows["consents"].append((rid, *(text(consent.get(k))
                                        for k in ("purpose", "given", "withdrawn", "channel", "wording"))))
    for name_of_list in strings(data.get("subscriptions")):
        rows["subscriptions"].append((rid, name_of_list))
    _contacts(data, "people", rid, rows)
    _common(data, "people", rid, rows)


def organisation(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    rows["organisations"].append((rid, path, text(data.get("name"), lang), text(data.get("short_name"), lang),
                                  *(text(data.get(k)) for k in ("kind", "parent", "province", "region", "website",
                                                                "start", "end", "successor", "owner"))))
    for scheme, value in mapping(data.get("identifiers")).items():
        rows["identifiers"].append((rid, scheme, text(value)))
    for n, place in enumerate(strings(data.get("places"))):
        rows["places"].append((rid, n, place))
    _contacts(data, "organisations", rid, rows)
    _common(data, "organisations", rid, rows)


def role(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    rows["roles"].append((rid, path, *(text(data.get(k)) for k in ("person", "member_organisation", "organisation",
                                                                  "function", "party", "start", "end", "end_reason",
                                                                  "on_behalf_of")), flag(data.get("public"))))
    rows["role_qualifiers"].extend((rid, qualifier) for qualifier in strings(data.get("qualifiers")))
    rows["role_portfolios"].extend((rid, portfolio) for portfolio in strings(data.get("portfolio")))
    _contacts(data, "roles", rid, rows)
    _common(data, "roles", rid, rows)


def request(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    origin = mapping(data.get("from"))
    outcome = mapping(data.get("outcome"))
    rows["requests"].append((rid, path, text(data.get("kind")), text(data.get("title"), lang),
                             text(data.get("received")), text(data.get("channel")), text(origin.get("person")),
                             text(origin.get("organisation")), text(data.get("assignee")), text(data.get("stage")),
                             text(data.get("follow_up")), text(data.get("closed")), text(outcome.get("decision")),
                             text(data.get("owner"))))
    for n, step in maps(data.get("history")):
        rows["request_history"].append((rid, n, *(text(step.get(k), lang)
                                                   for k in ("date", "stage", "by", "assignee", "note"))))
    rows["request_topics"].extend((rid, topic) for topic in strings(data.get("topics")))
    _common(data, "requests", rid, rows)


def interaction(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    rows["interactions"].append((rid, path, text(data.get("date")), text(data.get("kind")),
                                 text(data.get("summary"), lang),
                                 *(text(data.get(k)) for k in ("purpose", "request", "follow_up", "owner"))))
    for field, kind in (("people", "person"), ("organisations", "organisation"), ("roles", "role"), ("staff", "staff")):
        rows["interaction_links"].extend((rid, kind, ref) for ref in strings(data.get(field)))
    _common(data, "interactions", rid, rows)


def purpose(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    retention, review = mapping(data.get("retention")), mapping(data.get("review"))
    rows["purposes"].append((rid, path, text(data.get("title"), lang), text(data.get("legal_basis")),
                             text(retention.get("period")), text(retention.get("after")), text(retention.get("then")),
                             flag(data.get("profiling")), text(review.get("last")), text(review.get("every")),
                             text(data.get("owner"))))
    purpose_lists(rid, data, lang, rows)


PURPOSE_LISTS = ("data_subjects", "data_categories", "special_categories", "sources", "recipients", "processors")


def purpose_lists(rid: str, data: dict, lang: str, rows: Rows) -> None:
    for name in PURPOSE_LISTS:
        rows["purpose_items"].extend((rid, name, n, text(item, lang)) for n, item in enumerate(items(data.get(name))))


def field_definition(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    rows["field_definitions"].append((rid, path, text(data.get("label"), lang), text(data.get("type")),
                                      text(data.get("vocabulary")), flag(data.get("multiple")),
                                      flag(data.get("required")), text(data.get("category"))))
    applies = data.get("applies_to")
    rows["field_applies_to"].extend((rid, kind)
                                    for kind in ([applies] if isinstance(applies, str) else strings(applies)))


def processor(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    agreement = mapping(data.get("agreement"))
    rows["processors"].append((rid, path, text(data.get("name"), lang), text(data.get("country")),
                               *(text(agreement.get(k)) for k in ("signed", "start", "end")), text(data.get("owner"))))


def mailing_list(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    rows["lists"].append((rid, path, text(data.get("title"), lang), text(data.get("purpose")),
                          text(data.get("channel")), text(data.get("owner"))))


def staff(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    rows["staff"].append((rid, path, text(data.get("name")), text(data.get("email")), text(data.get("github")),
                          flag(data.get("active"))))
    rows["staff_teams"].extend((rid, team) for team in strings(data.get("teams")))
    rows["staff_topics"].extend((rid, topic) for topic in strings(data.get("topics")))


def vocabulary(rid: str, path: str, data: dict, lang: str, rows: Rows) -> None:
    for n, value in maps(data.get("values")):
        label = value.get("label")
        labels = mapping(label)
        rows["vocabulary_values"].append((rid, n, text(value.get("id")), text(label, lang),
                                          text(labels.get("nl")) if labels else text(label),
                                          text(labels.get("en")) if labels else text(label)))


ROWS: dict[str, Callable[[str, str, dict, str, Rows], None]] = {
    "people": person, "organisations": organisation, "roles": role, "requests": request,
    "interactions": interaction, "purposes": purpose, "processors": processor, "lists": mailing_list,
    "staff": staff, "vocabularies": vocabulary, "fields": field_definition,
}


def searchable(folder: str, data: dict, lang: str) -> tuple[str, str] | None:
    """The name and the text under which a record is found by `crmtool search`, or None for
    record types that are not part of the address book."""
    notes = [text(n.get("text"), lang) or "" for _i, n in maps(data.get("notes"))]
    tags = strings(data.get("tags"))
    if folder == "people":
        emails = [text(e.get("address")) or "" for _i, e in maps(data.get("emails"))]
        return full_name(data.get("name")) or "", " ".join([*tags, *emails, *notes])
    if folder == "organisations":
        names = [text(data.get("name"), lang) or "", text(data.get("short_name"), lang) or ""]
        places = strings(data.get("places"))
        return " ".join(n for n in names if n), " ".join([*tags, *places, *notes])
    if folder == "requests":
        return text(data.get("title"), lang) or "", " ".join([*tags, *notes])
    if folder == "interactions":
        return text(data.get("summary"), lang) or "", " ".join(tags)
    return None
