"""/api/docs: the OpenAPI document as a page rendered on the server.

FastAPI's own docs load their JavaScript and CSS from a CDN, which the
Content-Security-Policy forbids (and which a closed network cannot reach);
this page needs nothing but clerk's stylesheet. The JSON document itself is
at /api/v1/openapi.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clerk.web.openapi_doc import api_document
from clerk.web.security import Viewer, guard

router = APIRouter()
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict[str, str]]
    body: str | None
    responses: list[tuple[str, str]]


def type_of(schema: dict[str, Any]) -> str:
    """A schema in a few words: ``integer 1..9223372036854775807``, ``Item``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    text = str(schema.get("type", "any"))
    if text == "array":
        text = f"array of {type_of(schema.get('items', {}))}"
    low, high = schema.get("minimum", schema.get("minLength")), schema.get("maximum",
                                                                           schema.get("maxLength"))
    if low is not None or high is not None:
        text += f" {'' if low is None else low}..{'' if high is None else high}"
    return text


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                found.append(_operation(method, path, item[method]))
    return found


def _operation(method: str, path: str, op: dict[str, Any]) -> Operation:
    parameters = [{"name": p["name"], "in": p["in"], "required": "yes" if p.get("required") else "",
                   "type": type_of(p.get("schema", {})),
                   "about": p.get("description", "") or p.get("schema", {}).get("description", "")}
                  for p in op.get("parameters", [])]
    content = op.get("requestBody", {}).get("content", {})
    body = ", ".join(f"{kind}: {type_of(v.get('schema', {}))}" for kind, v in content.items()) or None
    responses = [(code, r.get("description", "")) for code, r in sorted(op.get("responses", {}).items())]
    return Operation(method.upper(), path, op.get("summary", ""), op.get("description", ""),
                     parameters, body, responses)


def models(document: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each named schema with its fields (name, type, description)."""
    schemas = document.get("components", {}).get("schemas", {})
    return [(name, [(field, type_of(spec), spec.get("description", ""))
                    for field, spec in schema.get("properties", {}).items()])
            for name, schema in sorted(schemas.items())]


@router.get("/api/docs", name="api_docs", include_in_schema=False)
def api_docs(request: Request, viewer: Viewer = guard("api_docs")) -> Response:
    document = api_document(request.app)
    return request.app.state.web.render(
        request, "api_docs.html", document=document, operations=operations(document),
        models=models(document),
        schemes=document.get("components", {}).get("securitySchemes", {}))
