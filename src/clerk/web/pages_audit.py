"""Auditor pages: trail search, lineage, chain verification, export, proofs."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from clerk.audit.checkpoint import latest_checkpoint
from clerk.audit.export import export_events
from clerk.audit.proof import ProofError, prove_record
from clerk.audit.sealer import load_signer
from clerk.audit.verify import verify
from clerk.errors import ConfigError
from clerk.review.lineage import find_item, lineage
from clerk.review.trail import search_events
from clerk.web.params import ItemIdQuery
from clerk.web.security import Viewer, guard

router = APIRouter(prefix="/audit")


def _date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        raise HTTPException(400, "dates are YYYY-MM-DD or ISO times") from None


@router.get("", name="audit_search")
def search(request: Request, viewer: Viewer = guard("audit_search"), actor: str = "", action: str = "",
           item_id: ItemIdQuery = None, since: str = "", until: str = "", text: str = "") -> Response:
    web = request.app.state.web
    events = search_events(web.project.store, actor=actor or None, action=action or None,
                           item_id=item_id, since=_date(since), until=_date(until),
                           text=text or None)
    return web.render(request, "audit.html", events=events,
                      q={"actor": actor, "action": action, "item_id": item_id or "",
                         "since": since, "until": until, "text": text})


@router.get("/lineage", name="audit_lineage")
def show_lineage(request: Request, ref: str = "", viewer: Viewer = guard("audit_lineage")) -> Response:
    web = request.app.state.web
    item_id = find_item(web.project.store, ref[:200]) if ref else None
    story = lineage(web.project.store, item_id) if item_id else None
    if ref and not story:
        return web.render(request, "lineage.html", status=404, story=None, ref=ref)
    return web.render(request, "lineage.html", story=story, ref=ref)


@router.get("/verify", name="audit_verify")
def chain(request: Request, viewer: Viewer = guard("audit_verify")) -> Response:
    web = request.app.state.web
    return web.render(request, "verify.html", report=verify(web.project.store))


@router.get("/export", name="audit_export")
def export(request: Request, format: str = "jsonl", item_id: ItemIdQuery = None,  # noqa: A002
           viewer: Viewer = guard("audit_export")) -> Response:
    if format not in {"jsonl", "csv"}:
        raise HTTPException(400, "format is jsonl or csv")
    web = request.app.state.web
    handle = tempfile.NamedTemporaryFile(suffix=f".{format}", delete=False)
    handle.close()
    path = Path(handle.name)
    export_events(web.project.store, path, format, item_id=item_id)
    with web.project.store.write() as conn:
        web.project.audit.append(conn, actor=viewer.name, action="audit_exported", item_id=None,
                                 data={"format": format, "item_id": item_id})
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return FileResponse(path, media_type=media, filename=f"clerk-audit.{format}",
                        background=BackgroundTask(path.unlink, missing_ok=True))


@router.get("/proofs", name="audit_proofs")
def proofs(request: Request, ref: str = "", viewer: Viewer = guard("audit_proofs")) -> Response:
    web = request.app.state.web
    return web.render(request, "proofs.html", checkpoint=latest_checkpoint(web.project.store),
                      ref=ref[:200])


@router.get("/proof", name="audit_proof")
def proof_download(request: Request, ref: str = "", held_size: int | None = None,
                   viewer: Viewer = guard("audit_proof")) -> Response:
    """proof.json for one record, for `python -m clerk.audit.offline`."""
    if not ref.strip():
        raise HTTPException(400, "name an item id or an ERP reference")
    if held_size is not None and held_size < 1:
        raise HTTPException(400, "the held checkpoint's tree size is a positive number")
    web = request.app.state.web
    try:
        proof = prove_record(web.project.store, ref[:200], held_size=held_size)
    except ProofError as exc:
        raise HTTPException(404, str(exc)) from None
    with web.project.store.write() as conn:
        web.project.audit.append(conn, actor=viewer.name, action="audit_proof_downloaded",
                                 item_id=proof["record"]["items"][-1],
                                 data={"ref": ref[:200], "tree_size": proof["checkpoint"]["tree_size"]})
    return _download(json.dumps(proof, indent=1, sort_keys=True) + "\n", "application/json",
                     f"clerk-proof-{proof['record']['items'][-1]}.json")


@router.get("/checkpoint.json", name="audit_checkpoint")
def checkpoint_download(request: Request, viewer: Viewer = guard("audit_checkpoint")) -> Response:
    point = latest_checkpoint(request.app.state.web.project.store)
    if point is None:
        raise HTTPException(404, "no signed checkpoint yet")
    return _download(point.to_json() + "\n", "application/json", f"clerk-checkpoint-{point.tree_size}.json")


@router.get("/key.pub", name="audit_key")
def public_key(request: Request, viewer: Viewer = guard("audit_key")) -> Response:
    project = request.app.state.web.project
    try:
        signer = load_signer(project.settings.audit, project.secrets)
    except ConfigError:
        signer = None
    if signer is None:
        raise HTTPException(404, "no readable signing key is configured")
    return _download(signer.public_pem().decode(), "application/x-pem-file", "auditor.pub")


def _download(text: str, media: str, filename: str) -> Response:
    return Response(text, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})
