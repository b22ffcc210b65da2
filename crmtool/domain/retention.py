"""When data may be kept until: each purpose label's retention, counted from the moment its
purpose's `retention.after` names.

`after` is one of:
- `collected`: the label's `since`;
- `last-activity`: the latest contact moment, request, consent, staff note or role of the
  person (an open role counts as activity today), or `since`;
- `last-role-end`: the end of the person's last role; not running while a role is open;
- `consent-withdrawn`: the day consent for the purpose was withdrawn; not running before;
- `request-closed`: the day the person's last request was closed; not running while one is open.

A label that has ended (`until` passed) still justifies keeping the data until its retention
period ends; the period then runs at the latest from the label's end.
Contact moments (`records/interactions/`) are kept under their own `purpose`, counted from
their date (or, for `request-closed`, from the closing of the request they belong to).
P007, P008 and `crmtool review` read the same answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from .durations import Duration, add, parse_duration
from ..load.model import Model, Period, Record, parse_date
from .policy import Label, list_of, consent_for, labels, purpose


@dataclass(frozen=True)
class Retention:
    record: Record
    pointer: tuple  # where the purpose is named: ("purposes", i) on a person, ("purpose",) on an interaction
    purpose: str
    after: str
    period: Duration
    then: str  # delete | anonymise | review
    anchor: dt.date | None  # None: the period has not started yet
    ends: dt.date | None  # the last day the data may be kept

    def expired(self, today: dt.date) -> bool:
        return self.ends is not None and today > self.ends

    def ends_within(self, today: dt.date, days: int) -> bool:
        return self.ends is not None and today <= self.ends <= today + dt.timedelta(days=days)


def _policy(model: Model, purpose_id: str) -> tuple[str, Duration, str] | None:
    record = purpose(model, purpose_id)
    retention = record.get("retention") if record else None
    if not isinstance(retention, dict):
        return None
    period = parse_duration(retention.get("period"))
    after, then = retention.get("after"), retention.get("then")
    if period is None or not isinstance(after, str) or not isinstance(then, str):
        return None
    return after, period, then


def _latest(days) -> dt.date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def person_anchor(model: Model, person: Record, purpose_id: str, after: str, since: dt.date | None,
                  today: dt.date) -> dt.date | None:
    if after == "collected":
        return since
    if after == "last-activity":
        activity = [since]
        activity += [parse_date(i.get("date")) for i in model.interactions_of(person.id)]
        for request in model.requests_from(person.id):
            activity += [parse_date(request.get("received")), parse_date(request.get("closed"))]
        for consent in list_of(person.get("consents")):
            if isinstance(consent, dict):
                activity += [parse_date(consent.get("given")), parse_date(consent.get("withdrawn"))]
        for note in list_of(person.get("notes")):
            if isinstance(note, dict):
                activity.append(parse_date(note.get("date")))
        for role in model.roles_of(person.id):  # an open role is activity today; a future one is none yet
            period = Period.of(role.data)
            if period.start is None or period.start <= today:
                activity += [period.start, min(period.end or today, today)]
        return _latest(d for d in activity if d is None or d <= today)
    if after == "last-role-end":
        periods = [Period.of(role.data) for role in model.roles_of(person.id)]
        if any(p.end is None or p.end >= today for p in periods):
            return None
        return _latest([p.end for p in periods]) or since
    if after == "consent-withdrawn":
        state = consent_for(model, person, purpose_id, today)
        if state.problem != "withdrawn" or state.consent is None:
            return None
        return parse_date(state.consent.get("withdrawn"))
    if after == "request-closed":
        requests = model.requests_from(person.id)
        if any(not r.get("closed") for r in requests):
            return None
        return _latest([parse_date(r.get("closed")) for r in requests]) or since
    return None


def of_label(model: Model, person: Record, label: Label, today: dt.date) -> Retention | None:
    """The retention of one label; None when its purpose has no (valid) retention policy or the
    label has not started."""
    policy = _policy(model, label.purpose)
    if policy is None or (label.since is not None and label.since > today):
        return None
    after, period, then = policy
    anchor = person_anchor(model, person, label.purpose, after, label.since, today)
    if label.until is not None and label.until < today:
        anchor = min(anchor, label.until) if anchor else label.until
    return Retention(person, ("purposes", label.index), label.purpose, after, period, then,
                     anchor, add(anchor, period) if anchor else None)


def of_person(model: Model, person: Record, today: dt.date) -> list[Retention]:
    """The retention of every label of a person that has started, ended ones included."""
    return [r for r in (of_label(model, person, label, today) for label in labels(person)) if r]


def labels_in_force(model: Model, person: Record, today: dt.date) -> list[Label]:
    """The labels that justify holding a person's data today: those that hold, and those that
    ended but whose retention period still runs."""
    result = []
    for label in labels(person):
        if label.holds_on(today):
            result.append(label)
        elif label.until is not None and label.until < today:
            retention = of_label(model, person, label, today)
            if retention is not None and not retention.expired(today):
                result.append(label)
    return result


def holder_labels(model: Model, person_id: str, today: dt.date) -> list[Label] | None:
    """The labels in force of the person a role names, when the rules about what a role
    reveals can judge them: None when the person is missing, when its purposes or consents
    are not lists (R001 and S001 say so), when no label is in force (P001), or when a label
    names an unknown purpose (P002)."""
    person = model.get("people", person_id)
    if person is None or not all(isinstance(person.get(key) or [], list) for key in ("purposes", "consents")):
        return None
    in_force = labels_in_force(model, person, today)
    if not in_force or any(model.get("purposes", label.purpose) is None for label in in_force):
        return None
    return in_force


def of_interaction(model: Model, interaction: Record) -> Retention | None:
    purpose_id = interaction.get("purpose")
    policy = _policy(model, purpose_id) if isinstance(purpose_id, str) else None
    if policy is None:
        return None
    after, period, then = policy
    anchor = parse_date(interaction.get("date"))
    if after == "request-closed" and isinstance(interaction.get("request"), str):
        request = model.get("requests", interaction.get("request"))
        anchor = parse_date(request.get("closed")) if request else anchor
    return Retention(interaction, ("purpose",), purpose_id, after, period, then, anchor,
                     add(anchor, period) if anchor else None)


def everything(model: Model, today: dt.date) -> Iterator[Retention]:
    for person in model.of("people"):
        yield from of_person(model, person, today)
    for interaction in model.of("interactions"):
        retention = of_interaction(model, interaction)
        if retention is not None:
            yield retention
