"""P016: data not obtained from the person is notified to them within one month.

When personal data does not come from the person themselves (a public register, a
notification by the municipality, a referral), Art. 14 GDPR requires telling the person who
we are, the purpose, the categories of data, the source and their rights, "within a
reasonable period after obtaining the personal data, but at the latest within one month"
(Art. 14(3)(a)). The label records the day in `notified`.

A label is judged when its source is known not to be the person: the vocabulary `sources`
marks each source with `from_subject: false`. A label without a source, or with a source the
vocabulary does not mark (or no vocabulary at all), is left alone: P022 reports a missing
source, and without `from_subject` the rule cannot know. The month is a calendar month from
`since` (31 January + 1 month = 28 or 29 February); the person must have been notified on or
before that day. Before it passes nothing is reported; after it, a label without `notified`
is an error at the label, and a `notified` date after it is an error at that date. Labels
that start later are not judged yet. The earlier deadlines of Art. 14(3)(b) and (c) (the
first communication, the first disclosure) are not visible in the records; the exceptions
of Art. 14(5) (e.g. disproportionate effort) are recorded as a waiver in crmtool.yaml with
their reason.

Passing (``public-register`` has ``from_subject: false``)::

    purposes:
      - {purpose: office-holders, since: 2022-06-01, source: public-register, notified: 2022-06-20}

Failing::

    purposes:
      - {purpose: office-holders, since: 2022-06-01, source: public-register}
      - {purpose: office-holders, since: 2022-06-01, source: public-register, notified: 2022-07-15}
"""
from __future__ import annotations

from typing import Iterator

from ..domain.durations import add_months
from ..findings import Finding
from ..i18n import N_, _
from ..load.model import parse_date
from ..domain.policy import from_subject, labels
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("P016", "error", N_("Data not obtained from the person needs a notification within one month"),
            "repository", "Art. 14(3)", dated=True)


def check(ctx: RepoContext) -> Iterator[Finding]:
    for person in ctx.model.of("people"):
        for label in labels(person):
            source = label.data.get("source")
            if label.since is None or label.since > ctx.today or not isinstance(source, str):
                continue
            if from_subject(ctx.model, source) is not False:
                continue
            deadline = add_months(label.since, 1)
            if label.data.get("notified") is None:
                if ctx.today > deadline:
                    yield RULE.finding(
                        person.path, ctx.at(person, ("purposes", label.index)),
                        _("The data for purpose '{purpose}' came from '{source}', not from the person, and the "
                          "person has not been notified; the deadline was {day}.").format(
                            purpose=excerpt(label.purpose), source=excerpt(source), day=deadline.isoformat()),
                        _("Inform the person (who we are, the purpose, the source of the data, their rights) and "
                          "record the date in `notified`."))
                continue
            notified = parse_date(label.data.get("notified"))
            if notified is not None and notified > deadline:
                yield RULE.finding(
                    person.path, ctx.at(person, ("purposes", label.index, "notified")),
                    _("The person was notified on {notified}, more than one month after the data was obtained "
                      "({since}); the deadline was {day}.").format(
                        notified=notified.isoformat(), since=label.since.isoformat(), day=deadline.isoformat()),
                    _("Correct the date if it was typed wrongly. If the notification really was late, record the "
                      "reason in a waiver in crmtool.yaml and make sure later notifications go out within a month."))
