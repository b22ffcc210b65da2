"""The pipeline board, the review and the dashboard (issue 17, items 4 and 5).

The board and the dashboard are values from `index/dashboard.py`; the review is `crmtool
review` itself (`domain/review.py`), said in the words of `reporters/review_report.py`, so
the page and the terminal name the same items the same way.

The review and the retention chart need the loaded model, and loading it reads every record
file (seconds in a large repository). `ModelCache` keeps one model per workspace and loads
it again only when the files may have changed: its key is the state of the index file that
the workspace has just brought up to date (SQLite's file change counter, with the file's
inode, size and modification time), of crmtool.yaml, and today. The index is written exactly
when a record file changed, so an unchanged key means an unchanged set of records.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
import weakref
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ...domain.pipeline import pipeline_of
from ...domain.review import KINDS, horizon_days, review
from ...i18n import _
from ...index import dashboard
from ...index.build import repository_config
from ...load import load_model
from ...load.model import Model
from ...load.repo import CONFIG_FILE, UsageError
from ...reporters.review_report import _owner, _staff, _what, _when, record_label
from ..workspace import Workspace

if TYPE_CHECKING:
    from ..app import Page

CARDS = ("people", "organisations", "roles", "requests", "interactions")
"""The folders whose records have a card in the workspace (`/people/ID`, ...)."""


# --- the model, loaded once while the files stay the same -------------------------------

def _stat(path: Path) -> tuple | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


def index_state(path: Path) -> tuple:
    """What changes whenever the index is written: SQLite counts every transaction that
    changes the file in its header (bytes 24-27, the file change counter); a whole build
    replaces the file (a new inode). The size and time are there for good measure."""
    try:
        with open(path, "rb") as stream:
            counter = stream.read(28)[24:28]
    except OSError:
        counter = b""
    return _stat(path), counter


class ModelCache:
    """The loaded model of one workspace, reused while its key stays the same (see above).
    One lock: a second page that needs the model while it loads waits for that load rather
    than reading every file again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._model: Model | None = None
        self.loads = 0
        """How many times the model was loaded (the tests count them)."""

    def model(self, workspace: Workspace, today: dt.date) -> Model:
        with self._lock:
            key = (index_state(workspace.refresh()), _stat(workspace.repo.root / CONFIG_FILE), today)
            if self._model is None or key != self._key:
                self._model, self._key = load_model(workspace.repo, today), key
                self.loads += 1
            return self._model


_CACHES: weakref.WeakKeyDictionary[Workspace, ModelCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def model_cache(workspace: Workspace) -> ModelCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(workspace)
        if cache is None:
            cache = _CACHES[workspace] = ModelCache()
        return cache


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
    model = model_cache(page.workspace).model(page.workspace, page.today)
    days = horizon_days(model, int(text) if text else None)
    everything = review(model, page.today, days)
    team = page.arg("team")
    teams = [{"id": owner, "label": _owner(owner, model)} for owner in dict.fromkeys(i.owner for i in everything)]
    items = [i for i in everything if not team or i.owner == team]
    groups = []
    for owner, by_owner in groupby(items, key=lambda i: i.owner):
        kinds = []
        for kind, by_kind in groupby(by_owner, key=lambda i: i.kind):
            kinds.append({"title": _(KINDS[kind]), "entries": [_shown(item, model, page.today) for item in by_kind]})
        groups.append({"team": owner, "label": _("Team {team}").format(team=_owner(owner, model)), "kinds": kinds})
    horizon = (page.today + dt.timedelta(days=days)).isoformat()
    return "review.html", {"groups": groups, "count": len(items), "overdue": sum(i.overdue(page.today) for i in items),
                           "days": days, "days_given": text, "horizon": horizon, "team": team, "teams": teams}


def _shown(item, model: Model, today: dt.date) -> dict:
    folder = item.path.split("/")[1] if item.path.count("/") >= 2 else ""
    return {"id": item.record, "name": record_label(model, item), "path": item.path,
            "link": f"/{folder}/{item.record}" if folder in CARDS else None,
            "when": _when(item, today), "overdue": item.overdue(today), "what": _what(item, model),
            "assignee": _staff(model, item.assignee) if item.assignee else None, "kind": item.kind}


def dashboard_page(page: Page) -> tuple[str, dict]:
    """Charts for management, each with its numbers as a table beside it."""
    stages = pipeline_of(repository_config(page.workspace.repo))
    model = model_cache(page.workspace).model(page.workspace, page.today)
    return "dashboard.html", {"charts": dashboard.dashboard(page.db, page.today, stages, model)}


PAGES: list[tuple[str, Callable[["Page"], tuple[str, dict]]]] = [
    ("/pipeline", pipeline),
    ("/review", review_page),
    ("/dashboard", dashboard_page),
]
