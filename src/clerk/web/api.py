"""The JSON API under /api/v1 for scripts: bearer tokens (``clerk users
token``), the same role checks and engine functions as the pages."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clerk.decisions import ACTIONS, Action, RecordInvalid
from clerk.queue import ItemState
from clerk.queue.inspect import list_items
from clerk.review.lineage import find_item, lineage
from clerk.review.operations import recent_runs
from clerk.review.trail import search_events
from clerk.web.access import SEE_RECORDS
from clerk.web.openapi_doc import ERROR_RESPONSES, api_document
from clerk.web.params import MAX_ID, ItemId, ItemIdQuery, Limit500, Limit1000, Ref
from clerk.web.security import Viewer, guard

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
# What a role without SEE_RECORDS sees of an item: its state, not its content.
RECORD_FIELDS = {"payload", "record", "findings"}


class ItemAction(BaseModel):
    """One decision on an item: ``reason`` is the justification, the reason, the
    note or the comment's text; ``fields`` (dotted paths) are a correction's."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["correct", "accept", "reject", "assign", "comment", "approve_step",
                    "reject_step"]
    reason: str | None = Field(None, max_length=4000)
    assignee: str | None = Field(None, max_length=100)
    fields: dict[str, str] = Field(default_factory=dict, max_length=2000)
    step_id: int | None = Field(None, ge=1, le=MAX_ID, strict=True)   # 1.0 is no step id

    def decision(self) -> Action:
        """The engine's typed action (the API's body is one flat object)."""
        text = self.reason or ""
        given = {"correct": {"fields": self.fields, "reason": self.reason},
                 "accept": {"justification": text}, "reject": {"reason": text},
                 "assign": {"assignee": self.assignee, "reason": self.reason},
                 "comment": {"body": text},
                 "approve_step": {"step_id": self.step_id, "reason": self.reason},
                 "reject_step": {"step_id": self.step_id, "reason": text}}[self.action]
        return ACTIONS.validate_python({"kind": self.action, **given})


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bot: str = Field(max_length=100)


@router.get("/openapi.json", name="api_openapi")
def openapi(request: Request, viewer: Viewer = guard("api_openapi", api=True)) -> dict[str, Any]:
    return api_document(request.app)


@router.get("/items", name="api_items")
def items(request: Request, state: ItemState | None = None,
          bot: str | None = Query(None, max_length=100), limit: Limit500 = 50,
          viewer: Viewer = guard("api_items", api=True)) -> list[dict[str, Any]]:
    """Items by queue order; their records and findings only for roles that read items."""
    found = list_items(request.app.state.web.project.store, state=state, bot=bot, limit=limit)
    hidden = {"payload"} if viewer.user.has(*SEE_RECORDS) else RECORD_FIELDS
    return [item.model_dump(mode="json", exclude=hidden) for item in found]


@router.get("/items/{item_id}", name="api_item")
def item(request: Request, item_id: ItemId, viewer: Viewer = guard("api_item", api=True)) -> dict[str, Any]:
    from fastapi.encoders import jsonable_encoder

    story = lineage(request.app.state.web.project.store, item_id)
    if not story:
        raise HTTPException(404, f"no work item {item_id}")
    return jsonable_encoder(story)


@router.post("/items/{item_id}/actions", name="api_item_action")
def act(request: Request, item_id: ItemId, body: ItemAction,
        viewer: Viewer = guard("api_item_action", api=True)) -> Any:
    web = request.app.state.web
    try:
        outcome = web.decisions.decide(web.actor(viewer, "api"), item_id, body.decision())
    except RecordInvalid as exc:
        return _invalid(exc.message, exc.fields)
    except ValidationError as exc:
        return _invalid("the action is not valid", {".".join(map(str, e["loc"])): e["msg"]
                                                    for e in exc.errors()})
    return {"item": item_id, **outcome.model_dump(mode="json", exclude={"item_id"})}


def _invalid(message: str, fields: dict[str, str]) -> JSONResponse:
    """422 naming each field that is wrong, as JSON (not a repr of a dict)."""
    return JSONResponse({"error": message, "fields": fields}, status_code=422)


@router.get("/runs", name="api_runs")
def runs(request: Request, viewer: Viewer = guard("api_runs", api=True)) -> list[dict[str, Any]]:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(recent_runs(request.app.state.web.project.store))


@router.post("/runs", name="api_start_run", status_code=202)
def start_run(request: Request, body: RunRequest,
              viewer: Viewer = guard("api_start_run", api=True)) -> dict[str, Any]:
    from clerk.scheduler.control import run_now

    return {"request_id": run_now(request.app.state.web.project, body.bot, actor=viewer.name)}


@router.get("/audit", name="api_audit")
def audit(request: Request, item_id: ItemIdQuery = None,
          actor: str | None = Query(None, max_length=100),
          action: str | None = Query(None, max_length=100), limit: Limit1000 = 200,
          viewer: Viewer = guard("api_audit", api=True)) -> list[dict[str, Any]]:
    return search_events(request.app.state.web.project.store, item_id=item_id, actor=actor,
                         action=action, limit=limit)


@router.get("/lineage/{ref}", name="api_lineage")
def api_lineage(request: Request, ref: Ref, viewer: Viewer = guard("api_lineage", api=True)) -> dict[str, Any]:
    from fastapi.encoders import jsonable_encoder

    store = request.app.state.web.project.store
    item_id = find_item(store, ref[:200])
    if item_id is None:
        raise HTTPException(404, f"nothing found for {ref}")
    return jsonable_encoder(lineage(store, item_id))
