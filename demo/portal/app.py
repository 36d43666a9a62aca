"""The demo supplier portal: sign in, a paginated invoice list, PDF and XML downloads.

It behaves like the portals clerk meets in the wild: sessions end (after an
idle timeout, or after a number of requests, which tests use to end one
mid-run on purpose), the list can pop a JavaScript announcement, and an
expired session sends every page back to the login form.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Form, Header, HTTPException, Request
from fastapi.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from demo.documents import PortalDocument

COOKIE = "portal_session"


class PortalSettings(BaseModel):
    """Everything the demo portal needs, passed in (see ``demo.portal.__main__``)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str = "Acme Supplier Portal"
    accounts: dict[str, str]                                 # user -> password
    documents: dict[str, tuple[PortalDocument, ...]]         # user -> their invoices
    currency: str = "EUR"
    page_size: int = Field(5, gt=0)
    session_timeout_s: float = Field(900.0, gt=0)
    admin_token: str | None = None                           # enables POST /_admin/settings


class AdminSettings(BaseModel):
    """What a test may change at run time (all optional)."""

    model_config = ConfigDict(extra="forbid")

    session_timeout_s: float | None = Field(None, gt=0)
    session_max_requests: int | None = Field(None, ge=0)     # 0: no limit
    announcement: str | None = None                          # "" removes it
    expire_sessions: bool = False
    # document id -> how its downloads misbehave: "html" serves the portal's error
    # page under the invoice's name, "traversal" names the file "../../<name>".
    misbehave: dict[str, Literal["html", "traversal"]] | None = None


@dataclass
class _Session:
    user: str
    last_seen: float
    requests: int = 0


@dataclass
class _PortalState:
    timeout_s: float
    max_requests: int = 0
    announcement: str = ""
    misbehave: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, _Session] = field(default_factory=dict)
    downloaded: dict[str, set[str]] = field(default_factory=dict)


def _safe_next(value: str | None) -> str:
    """Only a local path may be a redirect target (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/invoices"


class _Portal:
    """The portal's pages; ``create_app`` routes to these methods."""

    def __init__(self, settings: PortalSettings):
        self.settings = settings
        self.state = _PortalState(timeout_s=settings.session_timeout_s)
        self.by_id = {user: {doc.id: doc for doc in docs} for user, docs in settings.documents.items()}
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
        self.templates = Jinja2Templates(env=environment)

    # -- helpers ---------------------------------------------------------------------
    def current_user(self, request: Request) -> str | None:
        """The session's user, or None once it is idle too long or over its request budget."""
        token = request.cookies.get(COOKIE) or ""
        session = self.state.sessions.get(token)
        if session is None:
            return None
        now = time.monotonic()
        if now - session.last_seen > self.state.timeout_s or (
                self.state.max_requests and session.requests >= self.state.max_requests):
            self.state.sessions.pop(token, None)
            return None
        session.last_seen, session.requests = now, session.requests + 1
        return session.user

    @staticmethod
    def to_login(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    def render(self, request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
        return self.templates.TemplateResponse(
            request, name, {"portal_name": self.settings.name, **context}, status_code=status)

    # -- pages -----------------------------------------------------------------------
    def login_form(self, request: Request, next: str | None = None) -> HTMLResponse:
        return self.render(request, "login.html", next=_safe_next(next), user=None, error=None)

    def login(self, request: Request, username: Annotated[str, Form()] = "",
              password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/invoices") -> Response:
        expected = self.settings.accounts.get(username)
        # compare_digest on both branches: the time taken does not tell which users exist
        valid = hmac.compare_digest(password.encode(), (expected or secrets.token_hex(16)).encode())
        if not (expected and valid):
            return self.render(request, "login.html", 401, next=_safe_next(next), user=None,
                               error="Unknown user or wrong password.")
        token = secrets.token_urlsafe(24)
        self.state.sessions[token] = _Session(username, time.monotonic())
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="lax")
        return response

    def logout(self, request: Request) -> RedirectResponse:
        self.state.sessions.pop(request.cookies.get(COOKIE) or "", None)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    def invoices(self, request: Request, page: int = 1) -> Response:
        user = self.current_user(request)
        if user is None:
            return self.to_login(request)
        size = self.settings.page_size
        docs = self.settings.documents.get(user, ())
        pages = max(1, -(-len(docs) // size))
        page = min(max(page, 1), pages)
        return self.render(request, "invoices.html", user=user, rows=docs[(page - 1) * size: page * size],
                           page=page, pages=pages, currency=self.settings.currency,
                           announcement=self.state.announcement,
                           downloaded=self.state.downloaded.get(user, set()))

    def download(self, request: Request, doc_id: str, kind: str) -> Response:
        user = self.current_user(request)
        if user is None:
            return self.to_login(request)
        doc = self.by_id.get(user, {}).get(doc_id)
        if doc is None or kind not in {"pdf", "xml"}:
            raise HTTPException(404, "no such document")
        self.state.downloaded.setdefault(user, set()).add(doc_id)
        body, media = (doc.pdf, "application/pdf") if kind == "pdf" else (doc.xml, "application/xml")
        filename = f"{doc.number}.{kind}"
        misbehaviour = self.state.misbehave.get(doc_id)
        if misbehaviour == "html":
            body = b"<!doctype html><html><body><h1>Internal error</h1></body></html>"
        elif misbehaviour == "traversal":
            filename = f"../../{filename}"
        return Response(body, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})

    def admin(self, change: AdminSettings, x_admin_token: Annotated[str, Header()] = "") -> dict[str, object]:
        token = self.settings.admin_token
        if not token or not hmac.compare_digest(x_admin_token.encode(), token.encode()):
            raise HTTPException(404)
        state = self.state
        if change.session_timeout_s is not None:
            state.timeout_s = change.session_timeout_s
        if change.announcement is not None:
            state.announcement = change.announcement
        if change.session_max_requests is not None:
            state.max_requests = change.session_max_requests
        if change.misbehave is not None:
            state.misbehave = dict(change.misbehave)
        if change.expire_sessions:
            state.sessions.clear()
        return {"session_timeout_s": state.timeout_s, "session_max_requests": state.max_requests,
                "announcement": state.announcement, "sessions": len(state.sessions),
                "misbehave": state.misbehave}


def create_app(settings: PortalSettings) -> FastAPI:
    """The ASGI app for ``settings``."""
    app = FastAPI(title=settings.name, docs_url=None, redoc_url=None, openapi_url=None)
    portal = _Portal(settings)
    app.add_api_route("/health", lambda: PlainTextResponse("ok"), methods=["GET"])
    app.add_api_route("/", lambda: RedirectResponse("/invoices", status_code=303), methods=["GET"])
    app.add_api_route("/login", portal.login_form, methods=["GET"], response_class=HTMLResponse)
    app.add_api_route("/login", portal.login, methods=["POST"], response_model=None)
    app.add_api_route("/logout", portal.logout, methods=["GET"])
    app.add_api_route("/invoices", portal.invoices, methods=["GET"], response_model=None)
    app.add_api_route("/invoices/{doc_id}/{kind}", portal.download, methods=["GET"], response_model=None)
    app.add_api_route("/_admin/settings", portal.admin, methods=["POST"])
    return app
