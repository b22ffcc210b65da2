"""`crmtool review`: the periodic data wash, as a list of things to do.

Everything that falls due now or within a horizon of days: data whose retention ends (erase
or anonymise), consents to ask again, purposes to review, requests to follow up, data-subject
requests to answer, processor agreements to renew, DPIAs to review. Each item names its
record, the team that owns it (the record's `owner`; for a request without one, the
assignee's first team) and the day it falls due. An open breach (no `closed`) is listed
until it is handled: the authority to notify within its 72 hours, the people to tell when
the risk is high, else the breach to close.
The same computations as the P and W rules (retention, deadlines,
pipeline) decide what is due, so the review and the check never disagree.

The review returns values; the CLI renders them as text, Markdown or JSON.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from . import dpia, retention
from .deadlines import breach_notice, deadline
from ..i18n import N_
from ..load.model import Model, Period, Record, parse_date
from .pipeline import is_open, pipeline_of
from .policy import DEFAULT_REVIEW_EVERY, consent_for, current_labels, latest_wording, legal_basis, review_due

ERASE, CONSENT, PURPOSE, FOLLOW_UP, SUBJECT, AGREEMENT, BREACH = (
    "erase-or-anonymise", "ask-consent", "review-purpose", "follow-up", "answer-subject-request", "renew-agreement",
    "handle-breach")
DPIA = "review-dpia"

KINDS = {  # in the order the review lists them; titles are message ids, translated when shown
    BREACH: N_("Handle open breaches"),
    SUBJECT: N_("Answer data-subject requests"),
    ERASE: N_("Erase or anonymise"),
    CONSENT: N_("Ask for consent again"),
    AGREEMENT: N_("Renew processor agreements"),
    PURPOSE: N_("Review purposes"),
    DPIA: N_("Review DPIAs"),
    FOLLOW_UP: N_("Follow up requests"),
}
NO_OWNER = "-"

REQUEST_KINDS = {  # a request's kind as a noun in a sentence ("Answer the request for access ...")
    "question": N_("question"),
    "project": N_("project request"),
    "access": N_("request for access"),
    "rectification": N_("request for rectification"),
    "erasure": N_("request for erasure"),
    "portability": N_("request for data portability"),
    "objection": N_("objection"),
    "restriction": N_("request for restriction"),
    "complaint": N_("complaint"),
}
"""Kinds a fork adds are shown as "request (kind)"."""


@dataclass(frozen=True)
class Item:
    kind: str
    due: dt.date
    path: str
    record: str  # the record id
    owner: str  # a team, or NO_OWNER
    what: str  # message id with placeholders; the CLI translates and formats it
    values: dict  # the placeholders as codes (ids, dates, ISO durations: never names); the report shows labels
    assignee: str | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.due < today

    def as_dict(self, today: dt.date) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat()
        data["overdue"] = self.overdue(today)
        return data


def review(model: Model, today: dt.date, days: int) -> list[Item]:
    """Everything due on or before `today + days`, oldest first within each owner and kind."""
    horizon = today + dt.timedelta(days=days)
    items = [*_retention(model, today), *_consent(model, today), *_purposes(model, today),
             *_requests(model, today), *_agreements(model, today), *_dpias(model), *_breaches(model, today)]
    order = list(KINDS)
    return sorted((i for i in items if i.due <= horizon),
                  key=lambda i: (i.owner == NO_OWNER, i.owner, order.index(i.kind), i.due, i.path))


def horizon_days(model: Model, option: int | None) -> int:
    configured = ((model.config.get("review") or {}).get("days")
                  if isinstance(model.config.get("review"), dict) else None)
    return option if option is not None else configured if isinstance(configured, int) else 30


def _owner(model: Model, record: Record) -> str:
    owner = record.get("owner")
    if isinstance(owner, str):
        return owner
    assignee = model.get("staff", record.get("assignee")) if isinstance(record.get("assignee"), str) else None
    teams = assignee.get("teams") if assignee else None
    return teams[0] if isinstance(teams, list) and teams and isinstance(teams[0], str) else NO_OWNER


def _item(model: Model, kind: str, due: dt.date, record: Record, what: str, /, **values) -> Item:
    assignee = record.get("assignee") if isinstance(record.get("assignee"), str) else None
    return Item(kind, due, record.path, record.id, _owner(model, record), what, values, assignee)


def _retention(model: Model, today: dt.date):
    for r in retention.everything(model, today):
        if r.ends is None:
            continue
        what = {"delete": N_("Erase the data kept for {purpose} ({period} {after}): delete it"),
                "anonymise": N_("Erase the data kept for {purpose} ({period} {after}): anonymise it"),
                }.get(r.then, N_("Decide whether the data kept for {purpose} ({period} {after}) is still needed"))
        yield _item(model, ERASE, r.ends + dt.timedelta(days=1), r.record, what,
                    purpose=r.purpose, period=str(r.period), after=r.after)


def _consent(model: Model, today: dt.date):
    """Consent-based labels whose consent is not valid, or was given for an older wording."""
    for person in model.of("people"):
        for label in current_labels(person, today):
            if legal_basis(model, label.purpose) != "consent":
                continue
            state = consent_for(model, person, label.purpose, today)
            if not state.valid and state.problem != "withdrawn":
                yield _item(model, CONSENT, label.since or today, person,
                            N_("Ask for consent for {purpose}: no valid consent is recorded"), purpose=label.purpose)
                continue
            latest = latest_wording(model, label.purpose)
            current = latest.get("id") if latest else None
            given_for = state.consent.get("wording") if state.consent is not None else None
            if state.valid and latest and current and given_for not in (None, current):
                yield _item(model, CONSENT, parse_date(latest.get("since")) or today, person,
                            N_("Ask for consent for {purpose} again: given for wording {old}, "
                               "the current wording is {new}"),
                            purpose=label.purpose, old=given_for, new=current)


def _purposes(model: Model, today: dt.date):
    for purpose in model.of("purposes"):
        due = review_due(purpose)
        if due is None:
            yield _item(model, PURPOSE, today, purpose, N_("Review the purpose: no review is recorded"))
        else:
            plan = purpose.get("review")
            yield _item(model, PURPOSE, due, purpose, N_("Review the purpose (last reviewed {last}, every {every})"),
                        last=plan["last"], every=plan.get("every", DEFAULT_REVIEW_EVERY))


def _dpias(model: Model):
    """Purposes whose DPIA has a `next_review` (P035 warns once it has passed)."""
    for purpose in model.of("purposes"):
        due = dpia.next_review(purpose)
        if due is not None:
            completed = dpia.done(purpose)
            yield _item(model, DPIA, due, purpose, N_("Review the DPIA of {purpose} (done {done})"),
                        purpose=purpose.id, done=completed.isoformat() if completed else "-")


def _requests(model: Model, today: dt.date):
    pipeline = pipeline_of(model.config)
    for request in model.of("requests"):
        limit = deadline(request)
        if limit is not None and limit.answered is None:
            yield _item(model, SUBJECT, limit.due, request,
                        N_("Answer the {kind} received {received} (deadline {due}{extended})"),
                        kind=request.get("kind"), received=limit.received.isoformat(), due=limit.due.isoformat(),
                        extended="+" if limit.extended else "")
            continue
        follow_up = parse_date(request.get("follow_up"))
        if follow_up is not None and is_open(request.data, pipeline):
            yield _item(model, FOLLOW_UP, follow_up, request,
                        N_("Follow up the {kind} (stage {stage})"),
                        kind=request.get("kind"), stage=request.get("stage", "?"))


def _agreements(model: Model, today: dt.date):
    for processor in model.of("processors"):
        agreement = processor.get("agreement") if isinstance(processor.get("agreement"), dict) else None
        if agreement is None:
            yield _item(model, AGREEMENT, today, processor, N_("Sign a data-processing agreement: none is recorded"))
            continue
        end = Period(parse_date(agreement.get("start")), parse_date(agreement.get("end"))).end
        if end is not None:
            yield _item(model, AGREEMENT, end, processor,
                        N_("Renew the data-processing agreement, which ends {end}"), end=end.isoformat())


def _breaches(model: Model, today: dt.date):
    """One item per open breach, its most urgent step first: the authority within the 72
    hours (Art. 33(1)), the people when the risk is high (Art. 34), else closing it."""
    for breach in model.of("breaches"):
        notice = breach_notice(breach)
        if notice is None or parse_date(breach.get("closed")) is not None:
            continue
        discovered = notice.discovered.isoformat(timespec="minutes")
        if notice.required and notice.notified is None:
            yield _item(model, BREACH, notice.due.date(), breach,
                        N_("Notify the supervisory authority of the breach discovered {discovered} (within 72 hours: "
                           "by {due})"), discovered=discovered, due=notice.due.isoformat(timespec="minutes"))
        elif breach.get("risk") == "high-risk" and not breach.get("subjects_notified"):
            yield _item(model, BREACH, notice.discovered.date(), breach,
                        N_("Tell the people concerned of the high-risk breach discovered {discovered}"),
                        discovered=discovered)
        else:
            yield _item(model, BREACH, notice.discovered.date(), breach,
                        N_("Close the breach discovered {discovered}: record the measures taken and `closed`"),
                        discovered=discovered)
