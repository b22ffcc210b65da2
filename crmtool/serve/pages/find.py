"""Finding: the home page and the search."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ...i18n import N_
from ...index import questions
from ...load.repo import UsageError

if TYPE_CHECKING:
    from ..app import Page

COUNTED = ("people", "organisations", "requests", "interactions")
KINDS = {"people": N_("person"), "organisations": N_("organisation"), "roles": N_("role"),
         "requests": N_("request"), "interactions": N_("contact moment")}
"""What a record of each folder is called, next to a search result."""
SEARCH_LIMIT = 50


def home(page: Page) -> tuple[str, dict]:
    """The search box, how many records of each kind there are, and where to go next."""
    counts = {table: page.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}
    return "home.html", {"counts": counts}


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

