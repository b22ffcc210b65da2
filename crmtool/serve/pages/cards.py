"""Cards: a person, an organisation, a role, a request and a contact moment, each one page with
everything linked to it (issue 17, item 3).

The values come from `crmtool.index.cards`, the same the terminal prints (`crmtool query person`,
`crmtool query organisation`); this module only picks the day, adds the person's history from
git, and names the template. `?on=YYYY-MM-DD` shows another day (the council before an
election); an unknown id is a 404.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Callable

from ...audit.history import GitFailed, history
from ...domain.pipeline import Pipeline, current_stage, pipeline_of
from ...domain.deadlines import SUBJECT_RIGHTS
from ...domain.routing import is_active, propose
from ...domain.texts import localised
from ...i18n import _
from ...index import cards
from ...index.build import repository_config
from ...load.model import parse_date
from ...load.repo import UsageError
from ...edit.save import version

if TYPE_CHECKING:
    from ..app import Page


def _day(page: Page) -> dt.date:
    """The day the card is for: `?on=`, else today."""
    text = page.arg("on")
    if not text:
        return page.today
    day = parse_date(text)
    if day is None:
        raise UsageError(_("'{value}' is not a date; use YYYY-MM-DD").format(value=text))
    return day


def _pipeline(page: Page) -> Pipeline:
    return pipeline_of(repository_config(page.workspace.repo))


def _id(page: Page) -> str:
    return str(page.request.path_params["id"])


def _found(card: dict | None) -> dict:
    """The card, or a 404 for an id that names no record."""
    if card is None:
        from ..app import NotFound  # app imports the pages: at call time, not at import
        raise NotFound()
    return card


def _history(page: Page, folder: str, record_id: str) -> list[dict] | None:
    """The record's trail from git, newest first, as plain rows: when, who, the commit's
    subject, what happened to the file and which fields changed (names only, never values, as
    `crmtool history` without --values). None when the folder is not a git repository or git
    refuses: the card then leaves the section out rather than failing."""
    found = page.db.execute("SELECT path FROM records WHERE folder = ? AND id = ?", (folder, record_id)).fetchone()
    if found is None:
        return None
    try:
        trail = history(page.workspace.repo, found[0])
    except (UsageError, GitFailed, OSError):
        return None
    return [{"commit": entry.commit, "date": (entry.date or "")[:10] or None, "author": entry.author,
             "subject": entry.subject, "change": entry.change, "working_tree": entry.working_tree,
             "unreadable": entry.unreadable is not None,
             "fields": [{"field": f.field, "change": f.change} for f in entry.fields]}
            for entry in trail.entries]


def person(page: Page) -> tuple[str, dict]:
    """A person: the office-holder perspective, with contact details, purposes and history."""
    record_id = _id(page)
    card = _found(cards.person_card(page.db, record_id, _day(page), _pipeline(page)))
    return "person.html", {"card": card, "history": _history(page, "people", record_id),
                           "actions": _record_actions(page, "people", record_id)}


def organisation(page: Page) -> tuple[str, dict]:
    """An organisation: the municipality perspective of seed 003."""
    record_id = _id(page)
    card = _found(cards.organisation_card(page.db, record_id, _day(page)))
    return "organisation.html", {"card": card, "actions": _record_actions(page, "organisations", record_id)}


def role(page: Page) -> tuple[str, dict]:
    record_id = _id(page)
    card = _found(cards.role_card(page.db, record_id, _day(page)))
    return "role.html", {"card": card}


def request(page: Page) -> tuple[str, dict]:
    record_id = _id(page)
    card = _found(cards.request_card(page.db, record_id, _day(page), _pipeline(page)))
    return "request.html", {"card": card, "actions": _request_actions(page, record_id)}


def _record_actions(page: Page, folder: str, record_id: str) -> dict:
    """What the note and tag forms of a card need: the file's version, and the tags the
    repository knows (records/vocabularies/tags.yaml) with their labels."""
    model = page.workspace.model(page.today)
    record = model.get(folder, record_id)
    known = [{"id": key, "label": localised(value.get("label"), page.language) or key}
             for key, value in (model.vocabulary("tags") or {}).items()]
    return {"folder": folder, "id": record_id, "known_tags": known,
            "version": version(page.workspace.repo, record.path) if record is not None else ""}


def _request_actions(page: Page, record_id: str) -> dict:
    """What the request's forms need besides a note and tags: the active colleagues to hand
    it to (names with ids) and the one routing proposes, with its reason; the stages the
    pipeline allows next, with their labels; the decisions an outcome may record."""
    model = page.workspace.model(page.today)
    record = model.get("requests", record_id)
    staff = [{"id": r.id, "name": str(r.get("name") or r.id)} for r in sorted(model.of("staff"), key=lambda r: r.id)
             if is_active(model, r.id)]
    proposal = propose(model, record.data) if record is not None else None
    pipeline = _pipeline(page)
    current = current_stage(record.data, pipeline) if record is not None else ""
    following = [{"id": stage, "label": localised((pipeline.stages.get(stage) or {}).get("label"), page.language)
                  or stage, "final": pipeline.is_final(stage)}
                 for stage in (pipeline.stages.get(current) or {}).get("next") or [] if stage != current]
    subject_request = record is not None and record.get("kind") in SUBJECT_RIGHTS
    return {**_record_actions(page, "requests", record_id), "staff": staff,
            "proposal": proposal.assignee if proposal else None,
            "reason": proposal.reason if proposal and proposal.assignee else None,
            "next": following, "decisions": DECISIONS if subject_request else ()}


DECISIONS = ("granted", "partly-granted", "refused", "withdrawn")
"""What an outcome may record (the request schema's `outcome.decision`)."""


def interaction(page: Page) -> tuple[str, dict]:
    record_id = _id(page)
    card = _found(cards.interaction_card(page.db, record_id))
    return "interaction.html", {"card": card}


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    ("/people/{id}", person),
    ("/organisations/{id}", organisation),
    ("/roles/{id}", role),
    ("/requests/{id}", request),
    ("/interactions/{id}", interaction),
]
