"""The pipeline board, the review and the dashboard (issue 17, items 4 and 5).

The board and the dashboard are values from `index/dashboard.py`; the review is `crmtool
review` itself (`domain/review.py`), said in the words of `reporters/review_report.py`, so
the page and the terminal name the same items the same way.

The review and the retention chart need the loaded model, which the workspace keeps while
the files stay the same (`Workspace.model`).
"""
from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import TYPE_CHECKING, Callable

from ...domain.pipeline import pipeline_of
from ...domain.review import KINDS
from ...i18n import _
from ...index import dashboard
from ...index.build import repository_config
from ...load.model import Model
from ...load.repo import UsageError
from ...reporters.review_report import colleague_label, due_words, item_sentence, record_label, team_label

if TYPE_CHECKING:
    from ..app import Page

CARDS = ("people", "organisations", "roles", "requests", "interactions")
"""The folders whose records have a card in the workspace (`/people/ID`, ...)."""


# --- the pages ---------------------------------------------------------------------------

def pipeline(page: Page) -> tuple[str, dict]:
    """The requests as a board, a column per stage, filtered by assignee and kind."""
    assignee, kind = page.arg("assignee") or None, page.arg("kind") or None
    stages = pipeline_of(repository_config(page.workspace.repo))
    found = dashboard.board(page.db, page.today, stages, assignee=assignee, kind=kind)
    return "pipeline.html", {"board": found, "assignee": assignee or "", "kind": kind or ""}


def review_page(page: Page) -> tuple[str, dict]:
    """`crmtool review` as a page: what falls due by today + days, by team and kind."""
    text = page.arg("days")
    if text and not (text.isascii() and text.isdigit()):
        raise UsageError(_("days: give a whole number of days, 0 or more."))
    model, days, everything = page.workspace.review(page.today, int(text) if text else None)
    team = page.arg("team")
    teams = [{"id": owner, "label": team_label(owner, model)} for owner in dict.fromkeys(i.owner for i in everything)]
    items = [i for i in everything if not team or i.owner == team]
    groups = []
    for owner, by_owner in groupby(items, key=lambda i: i.owner):
        kinds = []
        for kind, by_kind in groupby(by_owner, key=lambda i: i.kind):
            entries = [review_entry(item, model, page.today) for item in by_kind]
            kinds.append({"title": _(KINDS[kind]), "entries": entries})
        groups.append({"team": owner, "label": _("Team {team}").format(team=team_label(owner, model)), "kinds": kinds})
    horizon = (page.today + dt.timedelta(days=days)).isoformat()
    return "review.html", {"groups": groups, "count": len(items), "overdue": sum(i.overdue(page.today) for i in items),
                           "days": days, "days_given": text, "horizon": horizon, "team": team, "teams": teams}


def review_entry(item, model: Model, today: dt.date) -> dict:
    """One item of the review as a page shows it: the record named and linked to its card."""
    folder = item.path.split("/")[1] if item.path.count("/") >= 2 else ""
    return {"id": item.record, "name": record_label(model, item), "path": item.path,
            "link": f"/{folder}/{item.record}" if folder in CARDS else None,
            "when": due_words(item, today), "overdue": item.overdue(today), "what": item_sentence(item, model),
            "assignee": colleague_label(model, item.assignee) if item.assignee else None, "kind": item.kind}


def dashboard_page(page: Page) -> tuple[str, dict]:
    """Charts for management, each with its numbers as a table beside it; computed once while
    the files, crmtool.yaml and today stay the same (per language: the labels are words)."""
    stages = pipeline_of(repository_config(page.workspace.repo))
    model = page.workspace.model(page.today)
    charts = page.workspace.derived(("dashboard", page.language),
                                    lambda: dashboard.dashboard(page.db, page.today, stages, model))
    return "dashboard.html", {"charts": charts}


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    ("/pipeline", pipeline),
    ("/review", review_page),
    ("/dashboard", dashboard_page),
]
