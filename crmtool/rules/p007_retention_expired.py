"""P007: data whose retention period has ended must be erased or anonymised.

Storage limitation (Art. 5(1)(e)): personal data is kept no longer than its purpose needs.
Each purpose says how long in `retention: {period, after, then}`; `crmtool.domain.retention` counts
the period for every purpose label of a person (ended labels too: an ended label's period
runs at the latest from its `until`) and for every contact moment (from its date, or from the
closing of its request). A retention has expired when today is after its last day. A period
that has not started (a role still open, consent not withdrawn, a request still open) never
expires. The finding is on the label (`purposes[i]`) or on the contact moment's `purpose`,
and the hint follows `then`:

- `delete`: on a person, remove the label and the data only its purpose allowed, or erase
  the person (`crmtool subject erase`) when no other purpose still justifies holding them;
  a contact moment's file is deleted;
- `anonymise`: `crmtool subject anonymise` when no other purpose remains (while one does,
  the label and the data only it allowed go, as for `delete`); a contact moment keeps its
  date, kind and organisations without the people;
- `review`: decide whether the data is still needed, and record the decision (erase, or a
  waiver for P007 with the reason and the next review date as expiry).

Passing (purpose `events`: `retention: {period: P1Y, after: collected, then: delete}`;
today 2026-11-24)::

    purposes:
      - {purpose: events, since: 2026-01-10}

Failing::

    purposes:
      - {purpose: events, since: 2025-01-10}   # kept until 2026-01-10
"""
from __future__ import annotations

import datetime as dt
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Model
from ..domain.policy import Label, labels, purpose
from ..domain.retention import Retention, everything, labels_in_force, of_label, person_anchor
from .base import RepoContext, Rule

RULE = Rule("P007", "error", N_("Data whose retention period has ended must be erased or anonymised"),
            "repository", "Art. 5(1)(e)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    today = ctx.today
    for retention in everything(ctx.model, today):
        if retention.ends is None or not retention.expired(today):
            continue
        yield RULE.finding(
            retention.record.path, ctx.at(retention.record, retention.pointer),
            _("The retention period of purpose '{purpose}' ended on {day}: {period} after {counted}.").format(
                purpose=retention.purpose, day=retention.ends.isoformat(), period=str(retention.period),
                counted=counted_from(ctx.model, retention, today)),
            action(ctx.model, retention, today))


# Shared with P008, which warns before the same day.

def _label(retention: Retention) -> Label | None:
    if retention.record.folder != "people":
        return None
    index = retention.pointer[1]
    return next((label for label in labels(retention.record) if label.index == index), None)


def counted_from(model: Model, retention: Retention, today: dt.date) -> str:
    """What the period counts from, in words, with the day: the moment `after` names, or the
    end of the label when that came first."""
    day = retention.anchor.isoformat() if retention.anchor else ""
    record = retention.record
    if record.folder == "interactions":
        request = record.get("request")
        if retention.after == "request-closed" and isinstance(request, str) and model.get("requests", request):
            return _("the closing of request {id} on {day}").format(id=request, day=day)
        return _("the contact moment on {day}").format(day=day)
    label = _label(retention)
    if label is not None and label.until is not None and label.until < today and retention.anchor == label.until:
        raw = person_anchor(model, record, label.purpose, retention.after, label.since, today)
        if raw is None or raw > label.until:
            return _("the end of this purpose label on {day}").format(day=day)
    after = retention.after
    if after == "collected":
        return _("collection on {day}").format(day=day)
    if after == "last-activity":
        return _("the last activity on {day}").format(day=day)
    if after == "last-role-end":
        if any(role.get("end") for role in model.roles_of(record.id)):
            return _("the end of the last role on {day}").format(day=day)
        return _("the start of this purpose label on {day} (no role on record)").format(day=day)
    if after == "consent-withdrawn":
        return _("the withdrawal of consent on {day}").format(day=day)
    if after == "request-closed":
        if model.requests_from(record.id):
            return _("the closing of the last request on {day}").format(day=day)
        return _("the start of this purpose label on {day} (no request on record)").format(day=day)
    return day


def remaining_purposes(model: Model, retention: Retention, today: dt.date) -> list[Label]:
    """The person's other labels that still justify holding them today: in force, and not
    themselves past their retention period (a newer label of the same purpose counts)."""
    person = retention.record
    result = []
    for label in labels_in_force(model, person, today):
        if label.index == retention.pointer[1]:
            continue
        own = of_label(model, person, label, today)
        if own is None or not own.expired(today):
            result.append(label)
    return result


def _only_this_allows(model: Model, purpose_id: str, others: list[Label]) -> list[str]:
    """The data categories of `purpose_id` that none of the `others` allows."""
    def categories(pid: str) -> set[str]:
        record = purpose(model, pid)
        values = record.get("data_categories") if record else None
        return {c for c in values if isinstance(c, str)} if isinstance(values, list) else set()
    kept: set[str] = set()
    for label in others:
        kept |= categories(label.purpose)
    return sorted(categories(purpose_id) - kept)


def action(model: Model, retention: Retention, today: dt.date) -> str:
    """What to do once the period has ended, following the purpose's `then`, as sentences."""
    if retention.record.folder == "interactions":
        return _interaction_action(retention)
    person = retention.record
    others = remaining_purposes(model, retention, today)
    if others:
        names = ", ".join(sorted({label.purpose for label in others}))
        only = _only_this_allows(model, retention.purpose, others)
        if only:
            erase = _("Remove this purpose label and the data that only '{purpose}' allowed ({categories}); "
                      "the person stays under {others}.").format(
                purpose=retention.purpose, categories=", ".join(only), others=names)
        else:
            erase = _("Remove this purpose label; the person stays under {others}, which allow every kind "
                      "of data '{purpose}' allowed.").format(others=names, purpose=retention.purpose)
    elif retention.then == "anonymise":
        erase = _("No other purpose remains: anonymise the person with crmtool subject anonymise {id}.").format(
            id=person.id)
    else:
        erase = _("No other purpose remains: erase the person with crmtool subject erase {id}.").format(
            id=person.id)
    if retention.then == "review":
        return _("Decide whether the data is still needed for '{purpose}', and record the decision. If it is "
                 "not: {erase} If it is: add a waiver for P007 on this record to crmtool.yaml with the reason, "
                 "expiring on the next review.").format(purpose=retention.purpose, erase=erase)
    return erase


def _interaction_action(retention: Retention) -> str:
    if retention.then == "anonymise":
        return _("Anonymise the contact moment: remove `people`, `roles` and whatever in the summary identifies "
                 "a person; keep the date, kind, organisations and purpose.")
    if retention.then == "review":
        return _("Decide whether this contact moment is still needed for '{purpose}', and record the decision. "
                 "If it is not: delete the file. If it is: add a waiver for P007 on this record to crmtool.yaml "
                 "with the reason, expiring on the next review.").format(purpose=retention.purpose)
    return _("Delete this file.")
