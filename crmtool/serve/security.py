"""Who may ask, and what every answer carries.

The workspace serves personal data, so it is built as an attack surface: it listens on the
loopback interface unless told otherwise; every request must carry the token printed at start
(`?token=`, once, after which a cookie carries it: HttpOnly, SameSite=Strict) or is answered
401/403 with a page that says nothing about the records; the Host header must name the
server itself (a page on another site cannot reach it through DNS rebinding); every answer
has a strict Content-Security-Policy (no inline script, nothing from elsewhere), is never
cached, and never framed. The log names the method, the path (ids at most, never the query
string, which may hold a name someone searched for), the status and the time taken.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

COOKIE = "crmtool_session"
COLLEAGUE_SCOPE = "crmtool.colleague"
"""Where the guard leaves the staff id the team sign-in named, for the request's Page."""
LANGUAGE_COOKIE = "crmtool_lang"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
PUBLIC = "/static/"
"""What a browser may fetch before it signs in: the stylesheet and the script of the page that
asks it to sign in."""
LOG = logging.getLogger("crmtool.serve")

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class TeamSignIn:
    """A team behind the organisation's sign-in (`serve:` in crmtool.yaml): a reverse proxy at
    one of `proxies` signs each colleague in and names them in the header `header`. Then only
    the proxy may ask (any other address is refused, so nobody can name themselves by setting
    the header), the header must name an active colleague in records/staff/ (by id or email),
    and that colleague authors the commits of their writes."""

    proxies: frozenset[str]
    header: bytes

    @classmethod
    def of(cls, config: dict) -> "TeamSignIn | None":
        """From crmtool.yaml's `serve:`; None when it is absent or not as the schema says
        (the workspace then stays on this machine: `crmtool check` explains the setting)."""
        serve = config.get("serve")
        if not isinstance(serve, dict):
            return None
        proxies, header = serve.get("trusted_proxy"), serve.get("user_header")
        if not (isinstance(proxies, list) and proxies and all(isinstance(p, str) and p for p in proxies)
                and isinstance(header, str) and header):
            return None
        return cls(frozenset(proxies), header.lower().encode("latin-1", "replace"))


def new_token() -> str:
    """A token made fresh for each start of the server and never stored: 256 random bits."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Keys:
    """The token printed at start and the cookie value derived from it (the cookie is not the
    token itself, so a cookie read off a disk does not work as a link)."""

    token: str

    @property
    def cookie(self) -> str:
        return hmac.new(self.token.encode(), b"crmtool serve cookie", hashlib.sha256).hexdigest()

    def token_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.token.encode())

    def cookie_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.cookie.encode())


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
                return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return ""


class Guard:
    """The ASGI middleware in front of every route: host, token or cookie, headers, log.

    `denied(status, language)` renders the page a refused request gets (no personal data);
    `allowed_hosts` are the names the server answers to (its own address and port)."""

    def __init__(self, app: ASGIApp, keys: Keys, allowed_hosts: set[str],
                 denied: Callable[[int, str], bytes], language: Callable[[Scope], str],
                 team: TeamSignIn | None = None, colleague_named: Callable[[str], str | None] | None = None) -> None:
        self.app, self.keys, self.allowed_hosts = app, keys, allowed_hosts
        self.denied, self.language = denied, language
        self.team, self.colleague_named = team, colleague_named

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_seen = {"status": 0}

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                status_seen["status"] = message["status"]
                names = {name for name, _value in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_headers)
        finally:
            LOG.info("%s %s %s %.0f ms", scope.get("method", ""), scope.get("path", ""), status_seen["status"],
                     (time.perf_counter() - started) * 1000)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.team is not None:
            await self._team(self.team, scope, receive, send)
            return
        if _header(scope, b"host").lower() not in self.allowed_hosts:
            await self._refuse(scope, send, 403)
            return
        if scope.get("path", "").startswith(PUBLIC) and scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)  # the stylesheet and script: nothing personal
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [value for key, value in query if key == "token"]
        if given:
            if not self.keys.token_matches(given[-1]):
                await self._refuse(scope, send, 403)
                return
            await self._sign_in(scope, send, [(k, v) for k, v in query if k != "token"])
            return
        cookie = _cookies(scope).get(COOKIE, "")
        bearer = _header(scope, b"authorization")
        if cookie and self.keys.cookie_matches(cookie):
            await self.app(scope, receive, send)
        elif bearer.startswith("Bearer ") and self.keys.token_matches(bearer[7:].strip()):
            await self.app(scope, receive, send)
        else:
            await self._refuse(scope, send, 403 if cookie or bearer else 401)

    async def _team(self, team: TeamSignIn, scope: Scope, receive: Receive, send: Send) -> None:
        """Behind the team's proxy: only the proxy may ask, for a colleague it names. The Host
        is the proxy's public name, so it is not compared; the token is not needed."""
        client = scope.get("client") or ("", 0)
        if client[0] not in team.proxies:
            await self._refuse(scope, send, 403)
            return
        named = _header(scope, team.header).strip()
        if not named:
            await self._refuse(scope, send, 401)
            return
        from starlette.concurrency import run_in_threadpool  # the lookup reads the records
        staff = await run_in_threadpool(self.colleague_named, named) if self.colleague_named else None
        if staff is None:
            await self._refuse(scope, send, 403)
            return
        scope[COLLEAGUE_SCOPE] = staff
        await self.app(scope, receive, send)

    async def _sign_in(self, scope: Scope, send: Send, rest: list[tuple[str, str]]) -> None:
        """The token becomes the cookie, and the browser goes to the same page without the
        token in its address (so it stays out of the history and of any Referer)."""
        location = scope.get("path", "/") + ("?" + urlencode(rest) if rest else "")
        cookie = f"{COOKIE}={self.keys.cookie}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1", "replace")),
                                (b"set-cookie", cookie.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, scope: Scope, send: Send, status: int) -> None:
        body = self.denied(status, self.language(scope))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
