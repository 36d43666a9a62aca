"""Login, logout and the home page (which sends each role to its work)."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clerk.review.login_throttle import KNOWN_FOR
from clerk.web.security import DEVICE_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, Viewer, guard, same_origin

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only paths on this site: no scheme, no host, no protocol-relative '//'.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, message: str | None = None, status: int = 200,
                next_: str = "/") -> Response:
    web = request.app.state.web
    token = secrets.token_urlsafe(32)
    response = web.render(request, "login.html", status=status, csrf=token, message=message,
                          next=_safe_next(next_))
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=web.settings.secure_cookies, max_age=1800, path="/login")
    return response


@router.get("/login", name="login")
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002
    return _login_page(request, next_=next)


@router.post("/login", name="login_post")
def login(request: Request, username: str = Form(max_length=100), password: str = Form(max_length=1000),
          csrf_token: str = Form(""), next: str = Form("/")) -> Response:  # noqa: A002
    web = request.app.state.web
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token) or \
            not same_origin(request, web.settings.allowed_origins):
        return _login_page(request, "Your login form expired; please try again.", 403, next)
    client = request.client.host if request.client else "?"
    attempt = web.throttle.attempt(username, client, request.cookies.get(DEVICE_COOKIE), web.clock(),
                                   lambda name: web.directory.authenticate(name, password))
    if attempt.throttled:
        return _login_page(request, "Too many failed logins; wait a few minutes.", 429, next)
    user = attempt.user
    if user is None:
        return _login_page(request, "Wrong username or password.", 401, next)
    token, _ = web.directory.open_session(user, now=web.clock(), hours=web.settings.session_hours)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=web.settings.secure_cookies,
                        max_age=int(web.settings.session_hours * 3600), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    # The browser's device cookie: the throttle lets it in while strangers are locked out.
    response.set_cookie(DEVICE_COOKIE, attempt.device or "", httponly=True, samesite="strict",
                        secure=web.settings.secure_cookies, max_age=int(KNOWN_FOR.total_seconds()),
                        path="/login")
    return response


@router.post("/logout", name="logout")
def logout(request: Request, viewer: Viewer = guard("logout")) -> Response:
    request.app.state.web.directory.close_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", name="home")
def home(request: Request, viewer: Viewer = guard("home")) -> Response:
    user = viewer.user
    for role, target in (("reviewer", "/inbox"), ("approver", "/approvals"),
                         ("operator", "/ops/bots"), ("auditor", "/audit")):
        if role in user.roles:
            return RedirectResponse(target, status_code=303)
    return RedirectResponse("/inbox", status_code=303)
