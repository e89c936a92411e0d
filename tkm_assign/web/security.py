"""Who may talk to the server: Host check, access token, CSRF token, safe headers.

- **Host.** Every request's ``Host`` header must name the address the server listens on
  (or ``localhost`` and the loopback addresses when it listens there, or a name given with
  ``--allow-host``): a page on another site that rebinds its DNS name to this machine is
  refused (DNS rebinding).
- **Access token.** Listening on any address other than the loopback requires a token,
  generated at start and printed with the address (or given with ``--token``). A request
  carries it as ``?token=...`` (the first visit; the server then sets a cookie and drops it
  from the address), as that cookie, or as ``Authorization: Bearer ...``.
- **CSRF.** Every form that changes something carries the token of a ``tkm_csrf`` cookie
  (SameSite=Strict); a POST whose field or ``X-CSRF-Token`` header differs is refused.
- **Headers.** A Content-Security-Policy that allows scripts, styles and images from this
  server only (and the tile server when one is configured), no framing, no sniffing.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tkm_assign.messages import Message as Text

log = logging.getLogger("tkm_assign.web")
TOKEN_COOKIE = "tkm_token"
CSRF_COOKIE = "tkm_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Access:
    """The rules for one running server."""

    host: str
    port: int
    token: str | None
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def for_address(
        cls, host: str, port: int, token: str | None, allowed_hosts: Iterable[str] = ()
    ) -> Access:
        """Loopback needs no token unless one is given; any other address always has one."""
        if token is None and not is_loopback(host):
            token = new_token()
        return cls(host, port, token, tuple(allowed_hosts))

    def host_allowed(self, header: str) -> bool:
        """Whether a ``Host`` header names this server."""
        name = _host_name(header)
        if name is None:
            return False
        if name in self.allowed_hosts:
            return True
        listen = self.host.strip("[]")
        if is_loopback(listen):
            return name in LOOPBACK_NAMES or is_loopback(name)
        if listen in ("0.0.0.0", "::"):
            # Every address of the machine: an IP literal (a DNS name needs --allow-host).
            return _is_ip(name)
        return name == listen or is_loopback(name)

    def token_ok(self, candidate: str | None) -> bool:
        if self.token is None:
            return True
        return candidate is not None and hmac.compare_digest(candidate, self.token)


def _host_name(header: str) -> str | None:
    header = header.strip().lower()
    if not header:
        return None
    if header.startswith("["):
        end = header.find("]")
        return header[1:end] if end > 0 else None
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class AccessMiddleware:
    """Host and token checks before anything else runs; safe headers on every answer."""

    def __init__(self, app: ASGIApp, access: Access, csp: str) -> None:
        self.app = app
        self.access = access
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self._refusal(request)
        if response is None:
            await self.app(scope, receive, self._with_headers(send))
            return
        await response(scope, receive, self._with_headers(send))

    def _refusal(self, request: Request) -> Response | None:
        if not self.access.host_allowed(request.headers.get("host", "")):
            log.warning(Text.of("log.web.refused_host"))
            return PlainTextResponse("host not allowed", status_code=400)
        if self.access.token is None:
            return None
        given = request.query_params.get("token")
        if given is not None and self.access.token_ok(given):
            # First visit from the printed address: keep the token in a cookie and take it
            # out of the address bar (and of the browser's history).
            clean = URL(str(request.url)).remove_query_params("token")
            response = RedirectResponse(str(clean.replace(scheme="", netloc="")) or "/", 303)
            response.set_cookie(
                TOKEN_COOKIE, given, httponly=True, samesite="strict", max_age=30 * 86400
            )
            return response
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and self.access.token_ok(bearer[7:].strip()):
            return None
        if self.access.token_ok(request.cookies.get(TOKEN_COOKIE)):
            return None
        log.warning(Text.of("log.web.refused_token"))
        return PlainTextResponse(
            "access token required: open the address that tkm-assign serve printed "
            "(it ends with ?token=...)",
            status_code=403,
        )

    def _with_headers(self, send: Send) -> Send:
        csp = self.csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message["headers"] = headers
            await send(message)

        return send_with_headers


def content_security_policy(tile_url: str = "") -> str:
    """Scripts, styles and pictures from this server only (plus the tile server if set)."""
    images = "'self' data: blob:"
    if tile_url:
        scheme, rest = tile_url.split("://", 1)
        images += f" {scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    )


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser (a new one is set on the response by the page)."""
    token = request.cookies.get(CSRF_COOKIE)
    if token and len(token) >= 20:
        return token
    existing = request.scope.setdefault("state", {}).get("new_csrf")
    if existing:
        return str(existing)
    token = secrets.token_urlsafe(24)
    request.scope["state"]["new_csrf"] = token
    return token


def remember_csrf(request: Request, response: Response) -> Response:
    """Set the CSRF cookie when this request made a new token."""
    token = request.scope.get("state", {}).get("new_csrf")
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether a form's (or header's) token matches this browser's cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    given = submitted or request.headers.get(CSRF_HEADER)
    return bool(cookie and given and hmac.compare_digest(cookie, given))
