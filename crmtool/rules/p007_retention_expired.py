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

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.retention import everything
from .base import RepoContext, Rule
from ..domain.retention_advice import action, counted_from

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
