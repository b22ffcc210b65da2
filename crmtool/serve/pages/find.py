"""Finding: the home page and the search."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ...i18n import N_
from ...index import questions
from ...load.repo import UsageError
from ...reporters.review_report import colleague_label, team_label
from .board import review_entry

if TYPE_CHECKING:
    from ..app import Page

COUNTED = ("people", "organisations", "requests", "interactions")
KINDS = {"people": N_("person"), "organisations": N_("organisation"), "roles": N_("role"),
         "requests": N_("request"), "interactions": N_("contact moment")}
"""What a record of each folder is called, next to a search result."""
SEARCH_LIMIT = 50
DUE_SHOWN = 20
"""The most items of the colleague's review on the home page; the review page has them all."""


def home(page: Page) -> tuple[str, dict]:
    """The search box, how many records of each kind there are, and what falls due for the
    signed-in colleague: what they are assigned and what their teams own (the review)."""
    counts = {table: page.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}
    model, days, items = page.workspace.review(page.today)
    me = page.workspace.colleague()
    record = model.get("staff", me) if me else None
    teams = [team for team in (record.get("teams") or [])] if record else []
    mine = [item for item in items if item.assignee == me or item.owner in teams] if me else []
    return "home.html", {"counts": counts, "me": colleague_label(model, me) if me else None,
                         "teams": [team_label(team, model) for team in teams], "days": days,
                         "due": [review_entry(item, model, page.today) for item in mine[:DUE_SHOWN]],
                         "due_count": len(mine), "everyone": len(items)}


def search(page: Page) -> tuple[str, dict]:
    """People, organisations, requests and contact moments matching every word, best first."""
    text = page.arg("q")
    rows: list[dict] = []
    if text:
        try:
            rows = questions.search(page.db, text, limit=SEARCH_LIMIT).rows
        except UsageError:  # no word in the text (only punctuation): nothing found
            rows = []
    return "search.html", {"q": text, "rows": rows, "limit": SEARCH_LIMIT, "kinds": KINDS}


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    ("/", home),
    ("/search", search),
]

