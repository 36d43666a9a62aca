"""The published OpenAPI document of /api/v1: its error answers, its two
ways to authenticate, and the document itself (served as JSON and, readable
without any script, at /api/docs)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

TITLE = "clerk"
VERSION = "1"


class ApiError(BaseModel):
    """Every refusal of the API: a message, and for invalid input, where."""

    error: str = Field(description="what went wrong, for a person")
    detail: list[dict[str, Any]] | None = Field(
        None, description="for 422: each invalid input, as loc (where), msg and type")


def _error(text: str) -> dict[str, Any]:
    return {"model": ApiError, "description": text}


# Declared on every route of the API router; FastAPI then keeps its own 422 out.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("refused: a configuration problem or an operation the engine cannot do"),
    401: _error("no valid session or bearer token (expired and revoked tokens included)"),
    403: _error("your role does not allow this, or a form without its CSRF token"),
    404: _error("no such item, run or reference"),
    409: _error("the item changed meanwhile; read it again"),
    422: _error("invalid input: out-of-range numbers, unknown fields, a refused decision"),
}
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "an API token from `clerk users token create USER --name NAME`; "
                              "it expires (90 days by default) and can be revoked"},
    "session": {"type": "apiKey", "in": "cookie", "name": "clerk_session",
                "description": "the web app's session cookie (POSTs also need X-CSRF-Token)"},
}


def api_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of the app's /api/v1 routes."""
    from fastapi.openapi.utils import get_openapi

    from clerk.web.app import app_routes

    routes = [r for r in app_routes(app) if str(getattr(r, "path", "")).startswith("/api/v1/")]
    document = get_openapi(title=TITLE, version=VERSION, routes=routes,
                           description="clerk's JSON API: items, decisions, runs and the audit "
                                       "trail, with the same role checks as the web pages.")
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    document["security"] = [{"bearer": []}, {"session": []}]
    return document
