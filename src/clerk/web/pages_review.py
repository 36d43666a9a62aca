"""Reviewer and approver pages: the inbox, the item page and its actions.

Routes parse the form, call one function of ``clerk.review`` and redirect
(POST/redirect/GET) or re-render the page with the errors.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from pydantic import ValidationError

from clerk.decisions import (
    Accept, ApproveStep, Comment, Correct, Reassign, RecordInvalid, RejectItem, RejectStep,
)
from clerk.queue import ItemState
from clerk.review.approvals import Capacity, steps_of
from clerk.review.inbox import COUNT_CAP, InboxFilter, approval_inbox, review_inbox, sla_badge
from clerk.review.lineage import lineage
from clerk.review.record_form import form_fields
from clerk.web import render as doc
from clerk.web.params import AgeHours, DocumentPage, InboxPage, ItemId, StepIdForm, item_id_of
from clerk.web.security import Viewer, guard

router = APIRouter()
FIELD_PREFIX = "f:"


def capacity(request: Request, viewer: Viewer) -> Capacity:
    web = request.app.state.web
    return Capacity(viewer.user, frozenset(web.directory.represented_by(viewer.name, web.clock())))


@router.get("/inbox", name="inbox")
def inbox(request: Request, viewer: Viewer = guard("inbox"), bot: str = "", supplier: str = "",
          reason: str = "", older_than_hours: AgeHours = None, assignee: str = "",
          page: InboxPage = 1) -> Response:
    web = request.app.state.web
    f = InboxFilter(bot=bot or None, supplier=supplier[:100] or None, reason=reason or None,
                    older_than_hours=older_than_hours,
                    assignee=viewer.name if assignee == "me" else (assignee or None),
                    page=page)
    rows, total = review_inbox(web.project.store, f, now=web.clock(), page_size=web.settings.page_size,
                               reviews=web.reviews(), default=web.review_of(""))
    return web.render(request, "inbox.html", rows=rows, total=total, capped=total > COUNT_CAP, f=f, assignee_param=assignee,
                      bots=sorted(web.bots), reasons=web.reason_codes(),
                      pages=(total + web.settings.page_size - 1) // web.settings.page_size)


@router.post("/inbox/assign", name="bulk_assign")
async def bulk_assign(request: Request, viewer: Viewer = guard("bulk_assign")) -> Response:
    form = await request.form()
    ids = [n for n in map(item_id_of, form.getlist("item")) if n is not None][:500]
    target = str(form.get("assignee") or "")
    web = request.app.state.web
    action = Reassign(assignee=None if target in {"", "me"} else target[:100])
    web.decisions.decide_many(web.actor(viewer, "web"), ids, action)
    return RedirectResponse("/inbox", status_code=303)


def _item_context(request: Request, item_id: int, viewer: Viewer) -> dict[str, Any]:
    web = request.app.state.web
    story = lineage(web.project.store, item_id)
    if not story:
        raise HTTPException(404, f"no work item {item_id}")
    row = web.queue.get(item_id)
    with web.project.store.read() as conn:
        steps = steps_of(conn, item_id)
    shown = doc.show(web.project.settings, row["payload"] or {}, web.settings.render_pages)
    mine = {s["id"] for s in web.decisions.my_steps(web.actor(viewer, "web"), item_id)}
    sla = sla_badge(row["updated_at"], web.review_of(row["bot"]), web.clock()) \
        if row["state"] == ItemState.NEEDS_REVIEW.value else None
    return {"row": row, "story": story, "steps": steps, "shown": shown, "my_steps": mine,
            "fields": form_fields(row["record"]), "errors": {}, "sla": sla,
            "users": [u.username for u in web.directory.all()      # whom it may be assigned to
                      if not u.disabled and u.has("reviewer")]}


@router.get("/items/{item_id}", name="item")
def item(request: Request, item_id: ItemId, viewer: Viewer = guard("item"), done: str = "") -> Response:
    context = _item_context(request, item_id, viewer)
    return request.app.state.web.render(request, "item.html", done=done[:40], **context)


@router.get("/items/{item_id}/pages/{page}.png", name="item_page")
def item_page(request: Request, item_id: ItemId, page: DocumentPage,
              viewer: Viewer = guard("item_page")) -> Response:
    web = request.app.state.web
    payload = web.queue.get(item_id)["payload"] or {}
    path = doc.page_file(doc.cache_dir(web.project.settings), str(payload.get("sha256") or ""), page)
    if path is None:
        raise HTTPException(404, "no such page")
    return FileResponse(path, media_type="image/png")


def _decide(request: Request, viewer: Viewer, item_id: int, action: Any) -> Response:
    """Take the decision, then POST/redirect/GET to the item page, which shows what
    came of it (a correction's new findings, the steps opened) at once: the
    decision stored them before answering. Refusals go to the app's handlers."""
    web = request.app.state.web
    outcome = web.decisions.decide(web.actor(viewer, "web"), item_id, action)
    return RedirectResponse(f"/items/{item_id}?done={DONE[action.kind]}-{outcome.state.value}",
                            status_code=303)


DONE = {"correct": "corrected", "accept": "accepted", "reject": "rejected", "assign": "assigned",
        "comment": "commented", "approve_step": "approved", "reject_step": "rejected"}


@router.post("/items/{item_id}/correct", name="item_correct")
async def correct(request: Request, item_id: ItemId, viewer: Viewer = guard("item_correct")) -> Response:
    form = await request.form()
    values = {k[len(FIELD_PREFIX):]: str(v) for k, v in form.multi_items()
              if k.startswith(FIELD_PREFIX) and isinstance(v, str)}
    try:
        action = Correct(fields=values, reason=str(form.get("reason") or "") or None)
        return _decide(request, viewer, item_id, action)
    except (RecordInvalid, ValidationError) as exc:
        errors = exc.fields if isinstance(exc, RecordInvalid) else {"": "the form is too large"}
        context = _item_context(request, item_id, viewer)
        context.update(fields={**context["fields"], **values}, errors=errors)
        return request.app.state.web.render(request, "item.html", status=422, done="", **context)


@router.post("/items/{item_id}/accept", name="item_accept")
def accept(request: Request, item_id: ItemId, justification: str = Form(""),
           viewer: Viewer = guard("item_accept")) -> Response:
    return _decide(request, viewer, item_id, Accept(justification=justification[:4000]))


@router.post("/items/{item_id}/reject", name="item_reject")
def reject(request: Request, item_id: ItemId, reason: str = Form(""),
           viewer: Viewer = guard("item_reject")) -> Response:
    return _decide(request, viewer, item_id, RejectItem(reason=reason[:4000]))


@router.post("/items/{item_id}/assign", name="item_assign")
def assign(request: Request, item_id: ItemId, assignee: str = Form(""), reason: str = Form(""),
           viewer: Viewer = guard("item_assign")) -> Response:
    action = Reassign(assignee=assignee.strip()[:100] or None, reason=reason[:4000] or None)
    return _decide(request, viewer, item_id, action)


@router.post("/items/{item_id}/comment", name="item_comment")
def comment(request: Request, item_id: ItemId, body: str = Form(""),
            viewer: Viewer = guard("item_comment")) -> Response:
    return _decide(request, viewer, item_id, Comment(body=body[:4000]))


@router.get("/approvals", name="approvals")
def approvals(request: Request, viewer: Viewer = guard("approvals")) -> Response:
    web = request.app.state.web
    rows = approval_inbox(web.project.store, capacity(request, viewer), web.clock())
    return web.render(request, "approvals.html", rows=rows)


@router.post("/items/{item_id}/approve", name="approval_approve")
def approval_approve(request: Request, item_id: ItemId, reason: str = Form(""),
                     step_id: int | None = Form(None, ge=1, le=2**53),
                     viewer: Viewer = guard("approval_approve")) -> Response:
    action = ApproveStep(step_id=step_id, reason=reason[:4000] or None)
    return _decide(request, viewer, item_id, action)


@router.post("/items/{item_id}/approval-reject", name="approval_reject")
def approval_reject(request: Request, item_id: ItemId, reason: str = Form(""),
                    step_id: int | None = Form(None, ge=1, le=2**53),
                    viewer: Viewer = guard("approval_reject")) -> Response:
    return _decide(request, viewer, item_id, RejectStep(step_id=step_id, reason=reason[:4000]))
