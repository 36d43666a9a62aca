"""The lineage of an item or an ERP record, for auditors: where the document
came from, its hash, extraction, every rule result, every human decision,
the ERP reference and the chain status of each event."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Text, cast, select

from clerk.audit.events import as_utc
from clerk.queue.inspect import item_history
from clerk.review.tables import approval_decisions, approval_steps, item_comments
from clerk.store import Store
from clerk.store.schema import work_items

wi = work_items.c
MACHINE = {"enqueued", "extracted", "validated", "needs_review", "posting", "posted", "failed",
           "retry_started", "lease_taken_over", "duplicate_received", "quarantined"}


def find_item(store: Store, ref: str) -> int | None:
    """An item id, or the item whose ERP reference (number, id or key) is ``ref``."""
    # ASCII digits that fit a 64-bit id: "²" is a digit to str.isdigit, and 2**64 fits no id column.
    if ref.isascii() and ref.isdigit() and len(ref) <= 19 and int(ref) < 2**63:
        with store.read() as conn:
            if conn.scalar(select(wi.id).where(wi.id == int(ref))) is not None:
                return int(ref)
    needle = ref.strip()
    if not needle:
        return None
    with store.read() as conn:
        rows = conn.execute(select(wi.id, wi.erp_ref).where(
            wi.erp_ref.is_not(None), cast(wi.erp_ref, Text).contains(needle))
            .order_by(wi.id.desc()).limit(50)).all()
    for row in rows:
        erp = row.erp_ref or {}
        if needle in {str(erp.get("number")), str(erp.get("id")), str(erp.get("idempotency_key"))}:
            return row.id
    return None


def lineage(store: Store, item_id: int) -> dict[str, Any]:
    """Everything an auditor asks about one item, in the order it happened."""
    history = item_history(store, item_id)
    if not history:
        return {}
    item = history["item"]
    payload = item.payload or {}
    events = [_event(e) for e in history["events"]]
    with store.read() as conn:
        steps = [dict(r._mapping) for r in conn.execute(
            select(approval_steps).where(approval_steps.c.item_id == item_id)
            .order_by(approval_steps.c.position, approval_steps.c.id))]
        decisions = [dict(r._mapping) for r in conn.execute(
            select(approval_decisions).where(approval_decisions.c.item_id == item_id)
            .order_by(approval_decisions.c.id))]
        comments = comments_of(conn, item_id)
    return {
        "item": {"id": item.id, "bot": item.bot, "state": item.state.value,
                 "document_key": item.document_key, "retry_chain": history["retry_chain"]},
        "source": {"kind": payload.get("kind"), "source": payload.get("source"),
                   "filename": payload.get("filename"), "content_type": payload.get("content_type"),
                   "origin": payload.get("origin") or {}},
        "sha256": payload.get("sha256"),
        "extraction": [e for e in events if e["action"] == "extracted"],
        "findings": item.findings or [],
        "rule_runs": [e for e in events if e["action"] in {"validated", "needs_review"}],
        "decisions": [e for e in events if e["action"] not in MACHINE],
        "approval_steps": steps, "approval_decisions": decisions, "comments": comments,
        "erp_ref": item.erp_ref, "events": events,
        "chain": {"sealed": sum(1 for e in events if e["seq"] is not None),
                  "unsealed": sum(1 for e in events if e["seq"] is None)},
    }


def _event(row: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(row["data"])
    except (TypeError, ValueError):
        data = {"raw": row["data"]}
    return {"id": row["id"], "seq": row["seq"], "hash": row["hash"], "actor": row["actor"],
            "action": row["action"], "at": as_utc(row["at"]).isoformat(timespec="seconds"),
            "data": data}


def render_text(story: dict[str, Any]) -> list[str]:
    """The lineage as plain lines for the terminal."""
    item, source = story["item"], story["source"]
    origin = source["origin"]
    lines = [f"item {item['id']}  bot {item['bot']}  state {item['state']}",
             f"source: {source['kind']} {source['source'] or ''}  file {source['filename']}",
             f"  message-id {origin.get('message-id') or origin.get('message_id') or '-'}  "
             f"subject {origin.get('subject') or '-'}  portal {origin.get('portal') or '-'} "
             f"page {origin.get('page') or '-'}",
             f"sha256: {story['sha256'] or '-'}",
             f"erp: {json.dumps(story['erp_ref']) if story['erp_ref'] else '-'}",
             f"findings: {len(story['findings'])}"]
    lines += [f"  {f.get('severity')} {f.get('code')} {f.get('field') or ''}: {f.get('message')}"
              for f in story["findings"]]
    lines.append(f"events ({story['chain']['sealed']} sealed, {story['chain']['unsealed']} not yet):")
    lines += [f"  {e['at']}  #{e['seq'] if e['seq'] is not None else '-'}  {e['actor']}  "
              f"{e['action']}  {json.dumps(e['data'], ensure_ascii=False)[:160]}"
              for e in story["events"]]
    return lines


def comments_of(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(
        select(item_comments).where(item_comments.c.item_id == item_id)
        .order_by(item_comments.c.id))]
