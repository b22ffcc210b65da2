"""The pages: one module per family, each a list `PAGES` of (path, view).

A view gets the request's `Page` (the workspace, a read-only index connection, today, the
language) and returns a template name and its values; it reads, and never prints or writes.
Values are plain data (rows as dicts, labels already in the page's language, ids always next
to names); the templates only lay them out, escaped. Raise `app.NotFound` for an unknown id.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from . import actions, board, cards, changes, edit, find, importing, lists

if TYPE_CHECKING:
    from ..app import Page

View = Callable[["Page"], tuple[str, dict]]

PAGES: list[tuple[str, View]] = [*find.PAGES, *lists.PAGES, *actions.PAGES, *cards.PAGES, *board.PAGES,
                              *changes.PAGES, *edit.PAGES, *importing.PAGES]
"""Every page's path and view; `app.create_app` makes the routes from this list."""

ACTIONS: list[tuple[str, Callable]] = [*actions.ACTIONS, *changes.ACTIONS, *edit.ACTIONS,
                                         *importing.ACTIONS]
"""Every write's path and handler (POST only); `app.create_app` routes them through its form
token check (`writes.py`)."""

DOWNLOADS = lists.DOWNLOADS
"""Files (a list as `crmtool export` writes it): views that return a Response of their own."""
