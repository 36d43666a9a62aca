"""The JSON API under /api/v1 for scripts: bearer tokens (``clerk users
token``), the same role checks and engine functions as the pages."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from clerk.queue import ItemState
from clerk.queue.inspect import list_items
from clerk.review import decisions
from clerk.review.approvals import approve, reject as reject_step
from clerk.review.lineage import find_item, lineage
from clerk.review.operations import recent_runs
from clerk.review.record_form import model_for, parse_record
from clerk.review.trail import search_events
from clerk.web.access import API_ACTIONS, SEE_RECORDS
from clerk.web.openapi_doc import ERROR_RESPONSES, api_document
from clerk.web.pages_review import capacity
from clerk.web.params import MAX_ID, ItemId, ItemIdQuery, Limit500, Limit1000, Ref
from clerk.web.security import Viewer, guard

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERROR_RESPONSES)
# What a role without SEE_RECORDS sees of an item: its state, not its content.
RECORD_FIELDS = {"payload", "record", "findings"}


class ItemAction(BaseModel):
    """One decision on an item. ``fields`` (dotted paths) for ``correct``."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["correct", "accept", "reject", "assign", "comment", "approve_step", "reject_step"]
    reason: str | None = Field(None, max_length=4000)
    assignee: str | None = Field(None, max_length=100)
    fields: dict[str, str] = Field(default_factory=dict, max_length=2000)
    step_id: int | None = Field(None, ge=1, le=MAX_ID, strict=True)   # 1.0 is no step id


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
        viewer: Viewer = guard("api_item_action", api=True)) -> dict[str, Any]:
    if not viewer.user.has(*API_ACTIONS[body.action]):
        raise HTTPException(403, f"your role does not allow {body.action}")
    web = request.app.state.web
    queue, who = web.queue, viewer.name
    if body.action == "correct":
        row = queue.get(item_id)
        record, errors = parse_record(model_for(row["record"]), row["record"] or {}, body.fields)
        if record is None:
            raise HTTPException(422, {"fields": errors})
        decisions.correct(queue, item_id, who, record, reason=body.reason)
    elif body.action == "accept":
        decisions.approve_despite(queue, item_id, who, body.reason or "",
                                  four_eyes=web.review_of(queue.get(item_id)["bot"]).four_eyes)
    elif body.action == "reject":
        decisions.reject(queue, item_id, who, body.reason or "")
    elif body.action == "assign":
        target = web.directory.assignable(body.assignee or who).username
        decisions.assign(queue, [item_id], target, who, reason=body.reason)
    elif body.action == "comment":
        decisions.comment(queue, item_id, who, body.reason or "")
    elif body.action == "approve_step":
        approve(queue, item_id, capacity(request, viewer), reason=body.reason, step_id=body.step_id)
    else:
        reject_step(queue, item_id, capacity(request, viewer), reason=body.reason or "",
                    step_id=body.step_id)
    return {"item": item_id, "state": queue.get(item_id)["state"]}


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
