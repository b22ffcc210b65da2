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
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import i18n, templating
from ..load import repository_language
from ..load.repo import UsageError
from . import pages, writes
from ..domain.routing import is_active
from .security import COLLEAGUE_SCOPE, LANGUAGE_COOKIE, Guard, Keys, TeamSignIn
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

    @property
    def colleague(self) -> str | None:
        """Who is signed in: the colleague the team sign-in names (`serve.user_header`), or
        on one's own machine the one git's user.email names (`Workspace.colleague`)."""
        named = self.request.scope.get(COLLEAGUE_SCOPE)
        if named is not None:
            return named
        self.workspace.model(self.today)
        return self.workspace.colleague()

    @property
    def author(self) -> tuple[str, str] | None:
        """Who a commit names as its author: the colleague behind the team sign-in, from their
        record in records/staff/; on one's own machine None (git's own user.name and email)."""
        named = self.request.scope.get(COLLEAGUE_SCOPE)
        if named is None:
            return None
        record = self.workspace.model(self.today).get("staff", named)
        if record is None or not isinstance(record.get("email"), str):
            return None
        return str(record.get("name") or named), str(record.get("email"))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


class NotFound(Exception):
    """The page names a record or a value that does not exist (404)."""


def colleague_named(workspace: Workspace, named: str) -> str | None:
    """The active colleague in records/staff/ whose id or email is `named` (as the team's proxy
    names them); None for anyone else."""
    model = workspace.model(workspace.today())
    wanted = named.casefold()
    found = [r.id for r in model.of("staff")
             if r.id == named or str(r.get("email", "")).casefold() == wanted]
    return found[0] if len(found) == 1 and is_active(model, found[0]) else None


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


def create_app(workspace: Workspace, keys: Keys, hosts: set[str], team: TeamSignIn | None = None) -> Starlette:
    """The workspace's ASGI application: `hosts` are the Host headers it answers to; with
    `team`, the colleagues a trusted proxy signs in instead (security.TeamSignIn)."""
    env = environment(workspace.repo.root)
    language_of = page_language(repository_language(workspace.repo))

    def render(name: str, status: int, language: str, values: dict) -> bytes:
        with i18n.speaking(language):
            return env.get_template(name).render(language=language, **values).encode("utf-8")

    def denied(status: int, language: str) -> bytes:
        return render("denied.html", status, language, {"status": status})

    def html(page: Page, name: str, values: dict, status: int) -> Response:
        """A page in the request's language, with what every page shows (the form token,
        the sentence after a write)."""
        request = page.request
        done = writes.DONE.get(request.query_params.get("done", ""))
        body = render(name, status, page.language, {
            "path": request.url.path, "query": dict(request.query_params), "today": page.today,
            "csrf": writes.csrf_token(keys.token, page.colleague), "done": i18n._(done) if done else None, **values})
        response = HTMLResponse(body, status_code=status)
        if request.query_params.get("lang") in i18n.LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, page.language, httponly=True, samesite="strict")
        return response

    def answered(page: Page, made: Callable[[], Any]) -> Response:
        """What a view or an action made, as a response: a page, a download, or after a
        kept write the card it was about (303, so a reload does not post again)."""
        try:
            result = made()
            if isinstance(result, Response):
                return result
            if isinstance(result, writes.Done):
                return RedirectResponse(link(result.location, done=result.message), status_code=303)
            name, values, *rest = result
            status = rest[0] if rest else 200
        except NotFound:
            name, values, status = "not_found.html", {}, 404
        except UsageError as error:
            name, values, status = "problem.html", {"problem": str(error)}, 400
        return html(page, name, values, status)

    def endpoint(view: Callable[[Page], Any]):
        """A route for a view: a page (template and values) or a download (a Response)."""
        def answer(request: Request) -> Response:
            language = language_of(request.scope)
            with i18n.speaking(language):
                page = Page(request, workspace, language, workspace.today())
                try:
                    return answered(page, lambda: view(page))
                finally:
                    page.close()
        return answer

    def action(handler: Callable[[Page, writes.Form], Any]):
        """A route for a write: the form read (within a size limit), its token checked, then
        the handler run in a worker thread, one write at a time."""
        async def answer(request: Request) -> Response:
            language = language_of(request.scope)
            try:  # no length (a chunked body) is refused too: a form's size must be known before it is read
                length = int(request.headers["content-length"])
            except (KeyError, ValueError):
                length = writes.MAX_FORM_BYTES + 1
            if not 0 <= length <= writes.MAX_FORM_BYTES:
                with i18n.speaking(language):
                    problem = i18n._("The form is larger than the workspace takes ({size} MB); nothing was "
                                     "changed.").format(size=writes.MAX_FORM_BYTES // 2 ** 20)
                body = render("problem.html", 413, language, {"path": request.url.path, "query": {}, "csrf": "",
                                                             "today": workspace.today(), "done": None,
                                                             "problem": problem})
                return HTMLResponse(body, status_code=413)
            data = await request.form(max_files=1, max_fields=5000)
            form = writes.Form([(key, value) for key, value in data.multi_items() if isinstance(value, str)],
                               {key: value for key, value in data.multi_items() if not isinstance(value, str)})

            def run() -> Response:
                with i18n.speaking(language):
                    page = Page(request, workspace, language, workspace.today())
                    try:
                        if not writes.csrf_matches(keys.token, page.colleague, form.get(writes.CSRF_FIELD)):
                            return HTMLResponse(denied(403, language), status_code=403)
                        with writes.WRITING:
                            return answered(page, lambda: handler(page, form))
                    finally:
                        page.close()
            try:
                return await run_in_threadpool(run)
            finally:
                await data.close()
        return answer

    static = templating.folder(workspace.repo.root, "workspace") / "static"
    routes: list[BaseRoute] = [Route(path, endpoint(view)) for path, view in [*pages.PAGES, *pages.DOWNLOADS]]
    routes += [Route(path, action(handler), methods=["POST"]) for path, handler in pages.ACTIONS]
    routes.append(Mount("/static", app=StaticFiles(directory=str(static)), name="static"))
    app = Starlette(routes=routes)
    app.add_middleware(Guard, keys=keys, allowed_hosts=hosts, denied=denied, language=language_of, team=team,
                       colleague_named=lambda named: colleague_named(workspace, named))
    app.state.workspace = workspace
    return app
