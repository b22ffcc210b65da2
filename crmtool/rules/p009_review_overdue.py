"""P009: a purpose's periodic review is overdue.

Accountability (Art. 5(2)) and the controller's duty to review its measures (Art. 24(1)):
each purpose is checked at a fixed interval, `review: {last, every}` — is it still needed,
are its legal basis, data categories, retention, sources, recipients and processors still
right, does every person labelled with it still belong there. The review is due on `last`
plus `every` (calendar arithmetic; `every` defaults to P1Y) and overdue from the day after.
A purpose with no `review`, or a `review` without `last`, has never been reviewed as far as
the records show, and is reported too. An invalid date or duration is left to S001.

Passing (today 2026-11-24)::

    review: {last: 2026-01-15, every: P1Y}

Failing::

    review: {last: 2025-09-01, every: P1Y}   # due on 2026-09-01
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.policy import DEFAULT_REVIEW_EVERY, review_due
from .base import RepoContext, Rule

RULE = Rule("P009", "warning", N_("A purpose's periodic review is overdue"),
            "repository", "Art. 5(2), 24(1)", dated=True)


def _how() -> str:
    return _("Review the purpose: is it still needed; are its legal basis, data categories, retention, sources, "
             "recipients and processors still right; does everyone labelled with it still belong there?")


def check(ctx: RepoContext) -> Iterator[Finding]:
    today = ctx.today
    for record in ctx.model.of("purposes"):
        review = record.get("review")
        if "review" not in record.data or review is None:
            yield RULE.finding(record.path, ctx.at(record, ("review",), at_key=True) if "review" in record.data
                               else ctx.at(record),
                               _("This purpose has never been reviewed: it has no `review`."),
                               _how() + " " + _("Then record it under `review`: `last`, the day of the review, "
                                                "and `every`, how often (e.g. P1Y)."))
            continue
        if not isinstance(review, dict):
            continue  # S001
        if "last" not in review:
            yield RULE.finding(record.path, ctx.at(record, ("review",), at_key=True),
                               _("This purpose has never been reviewed: `review` has no `last` date."),
                               _how() + " " + _("Then set review.last to the day of the review."))
            continue
        due = review_due(record)
        if due is None:
            continue  # an unreadable `last` or `every`: S001
        if today > due:
            yield RULE.finding(record.path, ctx.at(record, ("review", "last")),
                               _("The review of this purpose was due on {due}: last reviewed on {last}, every "
                                 "{every}.").format(due=due.isoformat(), last=review["last"],
                                                      every=review.get("every", DEFAULT_REVIEW_EVERY)),
                               _how() + " " + _("Then set review.last to the day of the review."))
