"""Reviewer and approver pages: the inbox, the item page and its actions.

Routes parse the form, call one function of ``clerk.review`` and redirect
(POST/redirect/GET) or re-render the page with the errors.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from clerk.queue import ItemState
from clerk.review import decisions
from clerk.review.approvals import Capacity, approve, reject as reject_step, steps_of
from clerk.review.inbox import COUNT_CAP, InboxFilter, approval_inbox, review_inbox, sla_badge
from clerk.review.lineage import lineage
from clerk.review.budget import plan_with_budget
from clerk.review.policy import ErpFacts
from clerk.review.record_form import form_fields, model_for, parse_record
from clerk.review.settings import approval_policy
from clerk.web import render as doc
from clerk.web.params import AgeHours, DocumentPage, InboxPage, ItemId, StepIdForm, item_id_of
from clerk.web.security import Viewer, guard

router = APIRouter()
FIELD_PREFIX = "f:"


def _back(item_id: int, note: str = "") -> RedirectResponse:
    return RedirectResponse(f"/items/{item_id}{'?done=' + note if note else ''}", status_code=303)


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
    assignee = viewer.name if target in {"", "me"} else target
    assignee = request.app.state.web.directory.assignable(assignee).username   # a reviewer, or 400
    decisions.assign(request.app.state.web.queue, ids, assignee, viewer.name)
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
    mine = {s["id"] for s, _ in _eligible(request, viewer, item_id)}
    sla = sla_badge(row["updated_at"], web.review_of(row["bot"]), web.clock()) \
        if row["state"] == ItemState.NEEDS_REVIEW.value else None
    return {"row": row, "story": story, "steps": steps, "shown": shown, "my_steps": mine,
            "fields": form_fields(row["record"]), "errors": {}, "sla": sla,
            "users": [u.username for u in web.directory.all()      # whom it may be assigned to
                      if not u.disabled and u.has("reviewer")]}


def _eligible(request: Request, viewer: Viewer, item_id: int) -> list[Any]:
    from clerk.review.approvals import eligible_steps

    if not viewer.user.has("approver"):
        return []
    with request.app.state.web.project.store.read() as conn:
        return eligible_steps(conn, capacity(request, viewer), [item_id])


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


@router.post("/items/{item_id}/correct", name="item_correct")
async def correct(request: Request, item_id: ItemId, viewer: Viewer = guard("item_correct")) -> Response:
    web = request.app.state.web
    form = await request.form()
    values = {k[len(FIELD_PREFIX):]: str(v) for k, v in form.multi_items()
              if k.startswith(FIELD_PREFIX) and isinstance(v, str)}
    row = web.queue.get(item_id)
    record, errors = parse_record(model_for(row["record"]), row["record"] or {}, values)
    if record is None:
        context = _item_context(request, item_id, viewer)
        context.update(fields={**context["fields"], **values}, errors=errors)
        return web.render(request, "item.html", status=422, done="", **context)
    decisions.correct(web.queue, item_id, viewer.name, record, reason=str(form.get("reason") or ""))
    return _back(item_id, "corrected")


@router.post("/items/{item_id}/accept", name="item_accept")
def accept(request: Request, item_id: ItemId, justification: str = Form(""),
           viewer: Viewer = guard("item_accept")) -> Response:
    web = request.app.state.web
    row = web.queue.get(item_id)
    bot = web.bots.get(row["bot"])
    plan = None
    if bot is not None and row["record"]:
        record = model_for(row["record"]).model_validate(
            {k: v for k, v in row["record"].items() if k != "record_type"})
        codes = {f.get("code") for f in row["findings"] or [] if isinstance(f, dict)}
        # Without an ERP at hand: an unknown supplier is a first invoice by definition.
        facts = ErpFacts(supplier_known="unknown_supplier" not in codes,
                         first_invoice="unknown_supplier" in codes)
        plan, _ = plan_with_budget(web.project.store, web.settings.budgets, approval_policy(bot),
                                   row, record, facts)
    decisions.approve_despite(web.queue, item_id, viewer.name, justification, plan=plan,
                              four_eyes=web.review_of(row["bot"]).four_eyes)
    return _back(item_id, "accepted")


@router.post("/items/{item_id}/reject", name="item_reject")
def reject(request: Request, item_id: ItemId, reason: str = Form(""),
           viewer: Viewer = guard("item_reject")) -> Response:
    decisions.reject(request.app.state.web.queue, item_id, viewer.name, reason)
    return _back(item_id, "rejected")


@router.post("/items/{item_id}/assign", name="item_assign")
def assign(request: Request, item_id: ItemId, assignee: str = Form(""), reason: str = Form(""),
           viewer: Viewer = guard("item_assign")) -> Response:
    web = request.app.state.web
    target = web.directory.assignable(assignee.strip() or viewer.name).username
    decisions.assign(web.queue, [item_id], target, viewer.name, reason=reason)
    return _back(item_id, "assigned")


@router.post("/items/{item_id}/comment", name="item_comment")
def comment(request: Request, item_id: ItemId, body: str = Form(""),
            viewer: Viewer = guard("item_comment")) -> Response:
    decisions.comment(request.app.state.web.queue, item_id, viewer.name, body)
    return _back(item_id, "commented")


@router.get("/approvals", name="approvals")
def approvals(request: Request, viewer: Viewer = guard("approvals")) -> Response:
    web = request.app.state.web
    rows = approval_inbox(web.project.store, capacity(request, viewer), web.clock())
    return web.render(request, "approvals.html", rows=rows)


def _four_eyes(request: Request, item_id: int) -> bool:
    web = request.app.state.web
    bot = web.bots.get(web.queue.get(item_id)["bot"])
    return approval_policy(bot).four_eyes if bot else True


@router.post("/items/{item_id}/approve", name="approval_approve")
def approval_approve(request: Request, item_id: ItemId, reason: str = Form(""), step_id: StepIdForm = None,
                     viewer: Viewer = guard("approval_approve")) -> Response:
    approve(request.app.state.web.queue, item_id, capacity(request, viewer),
            reason=reason.strip()[:4000] or None, step_id=step_id,
            four_eyes=_four_eyes(request, item_id))
    return _back(item_id, "approved")


@router.post("/items/{item_id}/approval-reject", name="approval_reject")
def approval_reject(request: Request, item_id: ItemId, reason: str = Form(""),
                    step_id: StepIdForm = None,
                    viewer: Viewer = guard("approval_reject")) -> Response:
    reject_step(request.app.state.web.queue, item_id, capacity(request, viewer),
                reason=reason[:4000], step_id=step_id)
    return _back(item_id, "rejected")
