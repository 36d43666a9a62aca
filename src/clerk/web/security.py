"""Sessions, CSRF, login rate limiting and role checks for the web app.

- The session cookie holds a random token (only its hash is stored),
  HttpOnly, SameSite=Strict, Secure unless configured off (plain-HTTP tests).
- Every POST carries the session's CSRF token in a form field, and a request
  whose Origin (or Sec-Fetch-Site) says it comes from elsewhere is refused.
- Logins are throttled per account and per address in the store
  (``clerk.review.login_throttle`` explains how).
- API tokens are checked for expiry and revocation on every request.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request

from clerk.review.users import User
from clerk.web.access import ACCESS

SESSION_COOKIE = "clerk_session"
LOGIN_COOKIE = "clerk_login"
DEVICE_COOKIE = "clerk_device"


class LoginRequired(Exception):
    """No valid session: pages redirect to /login, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    user: User
    csrf: str
    via_token: bool = False

    @property
    def name(self) -> str:
        return self.user.username


def same_origin(request: Request, allowed: list[str]) -> bool:
    """False when the browser says the request was sent by another site."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True       # same-origin GET-style navigations and old browsers; the token decides
    if origin == "null":
        return False      # sandboxed frames and privacy-redirected posts
    own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    return origin == own or origin in allowed


def _session_viewer(request: Request) -> Viewer | None:
    web = request.app.state.web
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    found = web.directory.session_user(token, web.clock())
    return Viewer(found[0], found[1]) if found else None


def _token_viewer(request: Request) -> Viewer | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    web = request.app.state.web
    user = web.directory.token_user(token.strip(), web.clock())
    return Viewer(user, "", via_token=True) if user else None


async def check_csrf(request: Request, viewer: Viewer) -> None:
    if viewer.via_token:
        return  # a bearer token is not sent by browsers on their own
    if not same_origin(request, request.app.state.web.settings.allowed_origins):
        raise HTTPException(403, "cross-origin form refused")
    if request.headers.get("content-type", "").startswith("application/json"):
        sent = request.headers.get("x-csrf-token")
    else:
        sent = (await request.form()).get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, viewer.csrf):
        raise HTTPException(403, "missing or wrong CSRF token")


def guard(name: str, *, api: bool = False) -> Any:
    """Dependency: the logged-in viewer allowed to use route ``name``."""
    roles = ACCESS[name]

    async def dependency(request: Request) -> Viewer:
        viewer = (_token_viewer(request) or _session_viewer(request)) if api \
            else _session_viewer(request)
        if viewer is None:
            if api:
                raise HTTPException(401, "log in or send 'Authorization: Bearer <token>'")
            raise LoginRequired()
        if not viewer.user.has(*roles):
            raise HTTPException(403, "your role does not allow this")
        if request.method not in {"GET", "HEAD"}:
            await check_csrf(request, viewer)
        request.state.viewer = viewer
        return viewer

    dependency.access_name = name  # type: ignore[attr-defined] - read by the role-matrix test
    return Depends(dependency)
