"""What happened to one record between two versions: the events of `crmtool diff`, per record type.

`diff.py` finds the changed files and reads both versions; this module says what the change
did to each record, in events a reviewer understands ("consent withdrawn", "role ended",
"legal basis changed") rather than lines. Each record type has a describer that takes the
fields it knows out of the generic comparison (`history.field_changes`); every other field
that changed becomes "field X changed" with its path, so nothing goes unmentioned.

Events hold values that may appear anywhere (ids, dates, vocabulary values, purposes), cut
to a short length. Contact details and free text are never copied into an event: events
name their field paths. Names live apart (`Event.private`), for a terminal only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from .history import field_changes
from ..load.repo import FOLDERS

SETTINGS = "settings"
"""The record type of crmtool.yaml in events."""

POLICY_FIELDS = ("legal_basis", "legitimate_interest", "retention", "data_categories", "special_categories",
                 "article9_exception", "sources", "profiling", "processors", "recipients", "transfers")
"""The fields of a purpose that are the policy itself: reviewers must see them first."""

CONTACT_FIELDS = {"emails": "email", "phones": "phone", "addresses": "address"}

_MAX_VALUE = 80
"""Longer values are cut: an event names a thing, it does not copy text."""


@dataclass
class Event:
    """One thing a change did to one record."""

    folder: str  # records folder, or "settings" for crmtool.yaml
    record: str  # the record's id (after the change; before it for a removal)
    path: str
    event: str  # the kind: person-added, role-ended, consent-withdrawn, field-changed, ...
    fields: list[str] = field(default_factory=list)  # field paths the event is about
    values: dict[str, Any] = field(default_factory=dict)  # ids, dates, vocabulary values: safe anywhere
    old_path: str | None = None  # for a record that moved
    policy: bool = False  # a change of the data-protection policy
    private: dict[str, str] = field(default_factory=dict)  # names, only with `with_names`

    @property
    def type(self) -> str:
        return FOLDERS.get(self.folder, SETTINGS)

    def as_dict(self) -> dict:
        """For JSON: everything but the private values."""
        data: dict[str, Any] = {"record": self.record, "type": self.type, "event": self.event,
                                "fields": list(self.fields), "path": self.path}
        if self.old_path is not None:
            data["old_path"] = self.old_path
        data["values"] = self.values
        data["policy"] = self.policy
        return data


PERSON_KEYS = ("person", "people")
"""Event values that hold person ids: a terminal shows the name next to them."""


def _short(value: Any) -> Any:
    """A value fit for an event: scalars as text (cut), lists of scalars as lists."""
    if isinstance(value, list):
        return [_short(v) for v in value if not isinstance(v, (dict, list))]
    if value is None or isinstance(value, (dict, list)):
        return None
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _str(value: Any) -> str | None:
    shown = _short(value)
    return shown if isinstance(shown, str) else None


def _items(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _slugs(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, (str, int))] if isinstance(value, list) else []


class Describer:
    """Events of one record type. The base class knows no type: records added and removed,
    and one event per field path that changed. Subclasses take the fields they know out of
    the generic comparison (`known`) and say in words what happened to them."""

    known: tuple[str, ...] = ()
    # context: what some events need beyond the two versions (`today`, `erasure(person_id)`)

    def __init__(self, make: Callable[..., Event], context: Any) -> None:
        self.make, self.context = make, context

    def added(self, record_id: str, data: dict) -> list[Event]:
        return [self.make("record-added")]

    def removed(self, record_id: str, data: dict) -> list[Event]:
        return [self.make("record-removed")]

    def changed(self, old: dict, new: dict) -> list[Event]:
        events: list[Event] = []
        for key in self.known:
            if field_changes({key: old.get(key)}, {key: new.get(key)}):
                handled = self.field(key, old.get(key), new.get(key), old, new)
                if handled is None:
                    events += self.generic({key: old[key]} if key in old else {}, {key: new[key]} if key in new else {})
                else:
                    events += handled
        rest_old = {k: v for k, v in old.items() if k not in self.known}
        rest_new = {k: v for k, v in new.items() if k not in self.known}
        return events + self.generic(rest_old, rest_new)

    def field(self, key: str, old: Any, new: Any, old_data: dict, new_data: dict) -> list[Event] | None:
        """Events for a known field that changed; None: describe it generically."""
        return None

    def generic(self, old: dict, new: dict) -> list[Event]:
        return [self.make(f"field-{change.change}", [change.field], {"field": change.field})
                for change in field_changes(old, new)]


class _People(Describer):
    known = ("name", "purposes", "consents", "subscriptions", "emails", "phones", "addresses")

    def added(self, record_id, data):
        labels = [p for p in (_str(i.get("purpose")) for i in _items(data.get("purposes"))) if p]
        return [self.make("person-added", values={"person": record_id, "purposes": labels})]

    def removed(self, record_id, data):
        kind = self.context.erasure(record_id)
        event = {"erased": "person-erased", "anonymised": "person-anonymised"}.get(kind or "", "person-removed")
        return [self.make(event, values={"person": record_id})]

    def field(self, key, old, new, old_data, new_data):
        if key == "name":
            return [self.make("name-changed", ["name"])]
        if key == "purposes":
            return self._labels(old, new)
        if key == "consents":
            return self._consents(old, new)
        if key == "subscriptions":
            before, after = _slugs(old), _slugs(new)
            return ([self.make("subscription-added", ["subscriptions"], {"list": v}) for v in after if v not in before]
                    + [self.make("subscription-ended", ["subscriptions"], {"list": v})
                       for v in before if v not in after])
        return _contacts(self.make, key, old, new)

    def _labels(self, old, new) -> list[Event] | None:
        before, after = _keyed(old, "purpose"), _keyed(new, "purpose")
        if before is None or after is None:
            return None
        events = []
        for purpose, label in after.items():
            if purpose not in before:
                events.append(self.make("label-added", ["purposes"], _values(
                    purpose=purpose, since=label.get("since"), source=label.get("source"))))
                continue
            was = before[purpose]
            if label.get("until") is not None and label.get("until") != was.get("until"):
                events.append(self.make("label-ended", ["purposes"],
                                        _values(purpose=purpose, until=label.get("until"))))
            elif label.get("until") is None and was.get("until") is not None:
                events.append(self.make("label-reopened", ["purposes"], _values(purpose=purpose)))
            others = sorted(c.field for c in field_changes(_without(was, "until"), _without(label, "until")))
            if others:
                events.append(self.make("label-changed", [f"purposes.{f}" for f in others],
                                        _values(purpose=purpose, fields=others)))
        events += [self.make("label-removed", ["purposes"], _values(purpose=p)) for p in before if p not in after]
        return events

    def _consents(self, old, new) -> list[Event] | None:
        before = {(_str(c.get("purpose")), _str(c.get("given"))): c for c in _items(old)}
        after = {(_str(c.get("purpose")), _str(c.get("given"))): c for c in _items(new)}
        if len(before) != len(_items(old)) or len(after) != len(_items(new)) or len(after) != len(new or []):
            return None
        events = []
        for key, consent in after.items():
            purpose, given = key
            was = before.get(key)
            if was is None:
                events.append(self.make("consent-given", ["consents"], _values(
                    purpose=purpose, given=given, wording=consent.get("wording"))))
                if consent.get("withdrawn") is not None:
                    events.append(self.make("consent-withdrawn", ["consents"], _values(
                        purpose=purpose, withdrawn=consent.get("withdrawn"))))
                continue
            if consent.get("withdrawn") is not None and consent.get("withdrawn") != was.get("withdrawn"):
                events.append(self.make("consent-withdrawn", ["consents"], _values(
                    purpose=purpose, withdrawn=consent.get("withdrawn"))))
            others = sorted(c.field for c in field_changes(_without(was, "withdrawn"), _without(consent, "withdrawn")))
            if others or (consent.get("withdrawn") is None and was.get("withdrawn") is not None):
                events.append(self.make("consent-changed", ["consents"], _values(
                    purpose=purpose, fields=others or ["withdrawn"])))
        events += [self.make("consent-removed", ["consents"], _values(purpose=k[0], given=k[1]))
                   for k in before if k not in after]
        return events


def _contacts(make, key: str, old: Any, new: Any) -> list[Event] | None:
    """E-mail addresses, phone numbers and addresses: which item was added, changed or
    removed, by field path; never the value. Unchanged items are matched first, so adding
    an address at the top is one addition, not a change of every item."""
    if not isinstance(old or [], list) or not isinstance(new or [], list):
        return None
    kind = CONTACT_FIELDS[key]
    before, after = list(old or []), list(new or [])
    left_old = [i for i, item in enumerate(before) if not _has_same(item, after)]
    unmatched_new = [i for i, item in enumerate(after) if not _has_same(item, before)]
    events = []
    for old_index, new_index in zip(left_old, unmatched_new):
        subfields = sorted({c.field.split(".")[0].split("[")[0] for c in field_changes(
            before[old_index] if isinstance(before[old_index], dict) else {"": before[old_index]},
            after[new_index] if isinstance(after[new_index], dict) else {"": after[new_index]})} - {""})
        paths = [f"{key}[{new_index}].{s}" for s in subfields] or [f"{key}[{new_index}]"]
        events.append(make(f"{kind}-changed", paths, {"field": f"{key}[{new_index}]", "subfields": subfields}))
    pairs = min(len(left_old), len(unmatched_new))
    events += [make(f"{kind}-added", [f"{key}[{i}]"], {"field": f"{key}[{i}]"}) for i in unmatched_new[pairs:]]
    events += [make(f"{kind}-removed", [f"{key}[{i}]"], {"field": f"{key}[{i}]"}) for i in left_old[pairs:]]
    return events


def _has_same(item: Any, others: list) -> bool:
    """Whether `others` holds an equal item (compared as data)."""
    return any(not field_changes({"v": item}, {"v": other}) for other in others)


def _keyed(value: Any, key: str) -> dict[str, dict] | None:
    """A list of mappings by their `key` (purpose labels by purpose); None when that is not
    what the list holds, or a key repeats, so the generic comparison takes over."""
    if value is None:
        return {}
    items = _items(value)
    if not isinstance(value, list) or len(items) != len(value):
        return None
    keyed = {}
    for item in items:
        name = _str(item.get(key))
        if name is None or name in keyed:
            return None
        keyed[name] = item
    return keyed


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


def _values(**values: Any) -> dict:
    return {k: shown for k, v in values.items() for shown in [_short(v)] if shown not in (None, [])}


class _Organisations(Describer):
    known = ("parent", "places", "name")

    def added(self, record_id, data):
        return [self.make("organisation-added", values=_values(kind=data.get("kind"), parent=data.get("parent")))]

    def field(self, key, old, new, old_data, new_data):
        if key == "parent":
            return [self.make("organisation-moved", ["parent"], _values(old=old, new=new))]
        if key == "places":
            before, after = _slugs(old), _slugs(new)
            return [self.make("places-changed", ["places"], _values(
                added=[p for p in after if p not in before], removed=[p for p in before if p not in after]))]
        return [self.make("name-changed", ["name"])]


class _Roles(Describer):
    known = ("end", "end_reason", "function", "organisation")

    def added(self, record_id, data):
        return [self.make("role-added", values=_values(
            person=data.get("person"), member=data.get("member_organisation"), function=data.get("function"),
            organisation=data.get("organisation"), start=data.get("start"), end=data.get("end")))]

    def removed(self, record_id, data):
        return [self.make("role-removed", values=_values(
            person=data.get("person"), member=data.get("member_organisation"), function=data.get("function"),
            organisation=data.get("organisation")))]

    def changed(self, old, new):
        events = super().changed(old, new)
        holder = _values(person=new.get("person"), member=new.get("member_organisation"))
        for event in events:
            if event.event.startswith("role-"):
                event.values = {**holder, **event.values}
        return events

    def field(self, key, old, new, old_data, new_data):
        if key == "end_reason":
            ended = old_data.get("end") != new_data.get("end")
            return [] if ended else [self.make("role-end-reason-changed", ["end_reason"], _values(old=old, new=new))]
        if key == "end":
            reason = new_data.get("end_reason")
            if new is None:
                return [self.make("role-reopened", ["end"], _values(old=old))]
            if old is None:
                return [self.make("role-ended", ["end", "end_reason"], _values(end=new, reason=reason))]
            return [self.make("role-end-moved", ["end", "end_reason"], _values(old=old, end=new, reason=reason))]
        return [self.make(f"role-{key}-changed", [key], _values(old=old, new=new))]


class _Requests(Describer):
    known = ("stage", "assignee", "closed", "outcome", "history")

    def added(self, record_id, data):
        asker = data.get("from") if isinstance(data.get("from"), dict) else {}
        return [self.make("request-received", values=_values(
            kind=data.get("kind"), received=data.get("received"), person=asker.get("person"),
            organisation=asker.get("organisation"), assignee=data.get("assignee"), stage=data.get("stage")))]

    def changed(self, old, new):
        events = super().changed(old, new)
        ours = [e for e in events if e.event.startswith("request-")]
        if ours and field_changes({"h": old.get("history")}, {"h": new.get("history")}):
            events = [e for e in events if not e.fields or e.fields[0].split("[")[0] != "history" or
                      not e.event.startswith("field-")]
        return events

    def field(self, key, old, new, old_data, new_data):
        if key == "stage":
            return [self.make("request-stage-moved", ["stage"], _values(old=old, new=new))]
        if key == "assignee":
            return [self.make("request-assigned", ["assignee"], _values(old=old, new=new))]
        if key == "closed":
            if new is None:
                return [self.make("request-reopened", ["closed"], _values(old=old))]
            outcome = new_data.get("outcome") if isinstance(new_data.get("outcome"), dict) else {}
            return [self.make("request-closed", ["closed", "outcome"], _values(
                closed=new, decision=outcome.get("decision"), ground=outcome.get("ground")))]
        if key == "outcome":
            if new_data.get("closed") is not None and old_data.get("closed") != new_data.get("closed"):
                return []  # said with the closing
            changed = sorted(c.field for c in field_changes(old if isinstance(old, dict) else {},
                                                            new if isinstance(new, dict) else {}))
            outcome = new if isinstance(new, dict) else {}
            return [self.make("request-outcome-changed", [f"outcome.{f}" for f in changed] or ["outcome"],
                              _values(decision=outcome.get("decision"), ground=outcome.get("ground")))]
        return None  # history: generic, unless a stage or hand-over said it (see changed)


class _Interactions(Describer):
    def added(self, record_id, data):
        return [self.make("interaction-recorded", values=_values(
            date=data.get("date"), kind=data.get("kind"), purpose=data.get("purpose"),
            people=_slugs(data.get("people")), organisations=_slugs(data.get("organisations"))))]


class _Purposes(Describer):
    known = ("legal_basis", "retention", "data_categories", "special_categories")

    def added(self, record_id, data):
        return [self.make("purpose-added", values=_values(
            legal_basis=data.get("legal_basis"), retention=_retention(data.get("retention")),
            categories=_slugs(data.get("data_categories")), special=_slugs(data.get("special_categories"))),
            policy=True)]

    def removed(self, record_id, data):
        return [self.make("purpose-removed", policy=True)]

    def changed(self, old, new):
        events = super().changed(old, new)
        policy = [e for e in events if e.event.startswith("field-") and e.fields[0].split(".")[0].split("[")[0]
                  in POLICY_FIELDS]
        other = [e for e in events if e.event.startswith("field-") and e not in policy]
        said = [e for e in events if not e.event.startswith("field-")]
        grouped = []
        for kind, group, is_policy in (("purpose-policy-changed", policy, True), ("purpose-changed", other, False)):
            if group:
                tops = sorted({e.fields[0].split(".")[0].split("[")[0] for e in group})
                grouped.append(self.make(kind, [e.fields[0] for e in group], {"fields": tops}, policy=is_policy))
        return said + grouped

    def field(self, key, old, new, old_data, new_data):
        if key == "legal_basis":
            return [self.make("purpose-legal-basis-changed", [key], _values(old=old, new=new), policy=True)]
        if key == "retention":
            return [self.make("purpose-retention-changed", [key], _values(old=_retention(old), new=_retention(new)),
                              policy=True)]
        before, after = _slugs(old), _slugs(new)
        return [self.make("purpose-categories-changed", [key], {"field": key, **_values(
            added=[c for c in after if c not in before], removed=[c for c in before if c not in after])},
            policy=True)]


def _retention(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    return " ".join(str(value[k]) for k in ("period", "after", "then") if value.get(k) is not None) or None


class _Processors(Describer):
    known = ("agreement",)

    def removed(self, record_id, data):
        return [self.make("processor-removed", policy=True)]

    def added(self, record_id, data):
        agreement = data.get("agreement") if isinstance(data.get("agreement"), dict) else {}
        return [self.make("processor-added", values=_values(start=agreement.get("start"), end=agreement.get("end")),
                          policy=True)]

    def field(self, key, old, new, old_data, new_data):
        before = old if isinstance(old, dict) else {}
        after = new if isinstance(new, dict) else {}
        if not after:
            return [self.make("agreement-removed", ["agreement"], policy=True)]
        if not before:
            return [self.make("agreement-added", ["agreement"], _values(start=after.get("start"), end=after.get("end")),
                              policy=True)]
        start_b, start_a = _str(before.get("start")), _str(after.get("start"))
        end_b, end_a = _str(before.get("end")), _str(after.get("end"))
        fields = [f"agreement.{c.field}" for c in field_changes(before, after)]
        if end_a is not None and end_a < self.context.today.isoformat() and end_a != end_b:
            return [self.make("agreement-expired", fields, _values(end=end_a), policy=True)]
        if (start_a or "") > (start_b or "") or (end_b is not None and (end_a is None or end_a > end_b)):
            return [self.make("agreement-renewed", fields, _values(start=start_a, end=end_a), policy=True)]
        return [self.make("agreement-changed", fields, {"fields": fields}, policy=True)]


class _Staff(Describer):
    known = ("active",)

    def added(self, record_id, data):
        return [self.make("staff-added", values=_values(staff=record_id, teams=_slugs(data.get("teams"))))]

    def removed(self, record_id, data):
        return [self.make("staff-removed", values=_values(staff=record_id))]

    def field(self, key, old, new, old_data, new_data):
        if new is False:
            return [self.make("staff-left", ["active"])]
        if old is False:
            return [self.make("staff-returned", ["active"])]
        return None


class _Vocabularies(Describer):
    known = ("values",)

    def field(self, key, old, new, old_data, new_data):
        before, after = _keyed(old, "id"), _keyed(new, "id")
        if before is None or after is None:
            return None
        events = []
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if added:
            events.append(self.make("vocabulary-values-added", ["values"], _values(values=added)))
        if removed:
            events.append(self.make("vocabulary-values-removed", ["values"], _values(values=removed)))
        for value, item in after.items():
            if value in before:
                changed = [c.field for c in field_changes(before[value], item)]
                if changed:
                    events.append(self.make("vocabulary-value-changed", [f"values.{f}" for f in changed],
                                            _values(value=value, fields=changed)))
        return events


class _Settings(Describer):
    def added(self, record_id, data):
        return [self.make("settings-added")]

    def removed(self, record_id, data):
        return [self.make("settings-removed")]

    def generic(self, old, new):
        return [self.make("setting-changed", [c.field], {"field": c.field, "change": c.change})
                for c in field_changes(old, new)]


DESCRIBERS: dict[str, type[Describer]] = {
    "people": _People, "organisations": _Organisations, "roles": _Roles, "requests": _Requests,
    "interactions": _Interactions, "purposes": _Purposes, "processors": _Processors, "staff": _Staff,
    "vocabularies": _Vocabularies, SETTINGS: _Settings,
}
