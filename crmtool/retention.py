"""When data may be kept until: each purpose label's retention, counted from the moment its
purpose's `retention.after` names.

`after` is one of:
- `collected`: the label's `since`;
- `last-activity`: the latest contact moment, request or consent of the person (or `since`);
- `last-role-end`: the end of the person's last role; not running while a role is open;
- `consent-withdrawn`: the day consent for the purpose was withdrawn; not running before;
- `request-closed`: the day the person's last request was closed; not running while one is open.

Contact moments (`records/interactions/`) are kept under their own `purpose`, counted from
their date (or, for `request-closed`, from the closing of the request they belong to).
P007, P008 and `crmtool review` read the same answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from .durations import Duration, add, parse_duration
from .model import Model, Period, Record, parse_date
from .policy import consent_for, labels, purpose


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
        for consent in person.get("consents") or []:
            if isinstance(consent, dict):
                activity += [parse_date(consent.get("given")), parse_date(consent.get("withdrawn"))]
        return _latest(activity)
    if after == "last-role-end":
        periods = [Period.of(role.data) for role in model.roles_of(person.id)]
        if any(p.end is None or p.end >= today for p in periods):
            return None
        return _latest([p.end for p in periods]) or since
    if after == "consent-withdrawn":
        state = consent_for(model, person, purpose_id, today)
        return parse_date(state.consent.get("withdrawn")) if state.problem == "withdrawn" else None
    if after == "request-closed":
        requests = model.requests_from(person.id)
        if any(not r.get("closed") for r in requests):
            return None
        return _latest([parse_date(r.get("closed")) for r in requests]) or since
    return None


def of_person(model: Model, person: Record, today: dt.date) -> list[Retention]:
    """The retention of every label of a person that holds today (ended labels are P001's)."""
    result = []
    for label in labels(person):
        if not label.holds_on(today):
            continue
        policy = _policy(model, label.purpose)
        if policy is None:
            continue
        after, period, then = policy
        anchor = person_anchor(model, person, label.purpose, after, label.since, today)
        result.append(Retention(person, ("purposes", label.index), label.purpose, after, period, then,
                                anchor, add(anchor, period) if anchor else None))
    return result


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
