"""The ASGI app: ``create_app(project, settings)`` builds it; nothing global.

Pages are rendered on the server with Jinja2 (autoescape on), every
response carries a Content-Security-Policy without inline script, and every
route but the login page and the stylesheet needs a session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from clerk.bots import BotDefinition, load_bots
from clerk.errors import BusinessException, ClerkError, ConfigError, IllegalTransition, ItemNotFound
from clerk.project import Project
from clerk.queue.work_queue import utc_now
from clerk.review.settings import ReviewSettings, WebSettings, load_review_settings
from clerk.review.users import UserDirectory
from clerk.web.security import LoginLimiter, LoginRequired

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass
class WebContext:
    """What every route needs, built once per app."""

    project: Project
    settings: WebSettings
    directory: UserDirectory
    templates: Jinja2Templates
    limiter: LoginLimiter
    clock: Callable[[], datetime] = utc_now
    bots: dict[str, BotDefinition] = field(default_factory=dict)

    @property
    def queue(self):  # noqa: ANN201 - WorkQueue
        return self.project.queue

    def reason_codes(self) -> list[str]:
        """Reason codes for the inbox filter, refreshed at most once a minute
        (a DISTINCT over every waiting item is the inbox's costliest query)."""
        import time

        from clerk.review.inbox import reason_codes

        cached = self.__dict__.get("_reasons")
        if cached is None or time.monotonic() - cached[0] > 60:
            cached = (time.monotonic(), reason_codes(self.project.store))
            self.__dict__["_reasons"] = cached
        return cached[1]

    def reviews(self) -> dict[str, ReviewSettings]:
        project_dir = self.project.settings.project_dir
        return {name: load_review_settings(bot, project_dir) for name, bot in self.bots.items()}

    def review_of(self, bot: str) -> ReviewSettings:
        return self.reviews().get(bot, ReviewSettings())

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        viewer = getattr(request.state, "viewer", None)
        return self.templates.TemplateResponse(request, name, {"viewer": viewer, **context},
                                               status_code=status)


def _templates() -> Jinja2Templates:
    # autoescape=True for every template, whatever its file name: documents,
    # subjects and supplier names are untrusted text.
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
    return Jinja2Templates(env=env)


def create_app(project: Project, settings: WebSettings, *, clock: Callable[[], datetime] | None = None,
               directory: UserDirectory | None = None,
               bots: dict[str, BotDefinition] | None = None) -> FastAPI:
    """The web app for one project. ``clock`` and ``directory`` are for tests."""
    from clerk.web import api, pages_audit, pages_auth, pages_ops, pages_review

    app = FastAPI(title="clerk", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebContext(
        project=project, settings=settings,
        directory=directory or UserDirectory(project.store, project.audit),
        templates=_templates(), limiter=LoginLimiter(settings.login_attempts, settings.login_window_s),
        clock=clock or project.queue.clock,
        bots=bots if bots is not None else load_bots(project.settings.project_dir))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (pages_auth, pages_review, pages_ops, pages_audit, api):
        app.include_router(module.router)
    _install_handlers(app)
    return app


def _install_handlers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(ItemNotFound)
    async def not_found(request: Request, exc: ItemNotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(IllegalTransition)
    async def conflict(request: Request, exc: IllegalTransition) -> Response:
        return _error(request, 409, f"the item changed meanwhile: {exc}")

    @app.exception_handler(BusinessException)
    async def refused(request: Request, exc: BusinessException) -> Response:
        return _error(request, 422, exc.message)

    @app.exception_handler(ConfigError)
    async def config(request: Request, exc: ConfigError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(ClerkError)
    async def clerk_error(request: Request, exc: ClerkError) -> Response:
        return _error(request, 400, str(exc))


def _error(request: Request, status: int, message: str) -> Response:
    from fastapi.responses import JSONResponse

    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return request.app.state.web.render(request, "error.html", status=status,
                                        status_code=status, message=message)


def app_routes(app: FastAPI) -> list[Any]:
    """Every route of the app, through included routers (FastAPI wraps them)."""
    found: list[Any] = []
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        found.extend(inner.routes if inner is not None else [route])
    return found
