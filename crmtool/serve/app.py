"""The application: routes, templates in the page's language, and the guard in front.

Each page is a function in `pages` that gets the request's `Page` (the workspace, the index,
today, the language) and returns a template name and its values; this module turns that into
HTML. The page's language is the repository's, unless `?lang=nl|en` chose another (kept in a
cookie for the next pages); it is entered per request with `i18n.speaking`, so two requests in
two languages never mix their words.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import i18n, templating
from ..load import repository_language
from ..load.repo import UsageError
from . import pages
from .security import LANGUAGE_COOKIE, Guard, Keys
from .workspace import Workspace


@dataclass
class Page:
    """What a view needs to answer one request."""

    request: Request
    workspace: Workspace
    language: str
    today: dt.date
    _db: sqlite3.Connection | None = field(default=None, repr=False)

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self.workspace.db()
        return self._db

    def arg(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default).strip()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


class NotFound(Exception):
    """The page names a record or a value that does not exist (404)."""


def environment(root: Path) -> Environment:
    env = Environment(loader=templating.loader(templating.folder(root, "workspace")),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"], trim_blocks=True,
                      lstrip_blocks=True)
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["link"] = link
    return env


def link(path: str, **query: Any) -> str:
    """A link within the workspace with the given query (empty values left out)."""
    kept = [(key, str(value)) for key, value in query.items() if value not in (None, "")]
    return path + ("?" + urlencode(kept) if kept else "")


def page_language(repo_language: str) -> Callable[[Any], str]:
    """The language of a request: `?lang=`, else the cookie it left, else the repository's."""
    def language(scope) -> str:
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if query.get("lang") in i18n.LANGUAGES:
            return query["lang"]
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _sep, chosen = part.strip().partition("=")
                    if key == LANGUAGE_COOKIE and chosen in i18n.LANGUAGES:
                        return chosen
        return repo_language
    return language


def create_app(workspace: Workspace, keys: Keys, hosts: set[str]) -> Starlette:
    """The workspace's ASGI application: `hosts` are the Host headers it answers to."""
    env = environment(workspace.repo.root)
    language_of = page_language(repository_language(workspace.repo))

    def render(name: str, status: int, language: str, values: dict) -> bytes:
        with i18n.speaking(language):
            return env.get_template(name).render(language=language, **values).encode("utf-8")

    def denied(status: int, language: str) -> bytes:
        return render("denied.html", status, language, {"status": status})

    def endpoint(view: Callable[[Page], Any]):
        """A route for a view: a page (template and values) or a download (a Response)."""
        def answer(request: Request) -> Response:
            language = language_of(request.scope)
            with i18n.speaking(language):
                page = Page(request, workspace, language, workspace.today())
                try:
                    made = view(page)
                    if isinstance(made, Response):
                        return made
                    name, values = made
                    status = 200
                except NotFound:
                    name, values, status = "not_found.html", {}, 404
                except UsageError as error:
                    name, values, status = "problem.html", {"problem": str(error)}, 400
                finally:
                    page.close()
                body = render(name, status, language, {"path": request.url.path, "query": dict(request.query_params),
                                                       "today": page.today, **values})
            response = HTMLResponse(body, status_code=status)
            if request.query_params.get("lang") in i18n.LANGUAGES:
                response.set_cookie(LANGUAGE_COOKIE, language, httponly=True, samesite="strict")
            return response
        return answer

    static = templating.folder(workspace.repo.root, "workspace") / "static"
    routes: list[BaseRoute] = [Route(path, endpoint(view)) for path, view in [*pages.PAGES, *pages.DOWNLOADS]]
    routes.append(Mount("/static", app=StaticFiles(directory=str(static)), name="static"))
    app = Starlette(routes=routes)
    app.add_middleware(Guard, keys=keys, allowed_hosts=hosts, denied=denied, language=language_of)
    app.state.workspace = workspace
    return app
