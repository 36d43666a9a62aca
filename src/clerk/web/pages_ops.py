"""Operator pages: bots and schedules (pause, resume, run now through the
scheduler's own functions), runs with their Robot Framework reports, queue
health and charts."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup

from clerk.review import operations
from clerk.web import charts
from clerk.web.security import Viewer, guard

router = APIRouter(prefix="/ops")
RUN_FILES = {"log.html", "report.html", "output.xml"}


def _schedules(request: Request) -> dict[str, dict]:
    from clerk.scheduler.control import list_schedules

    try:
        return {row["bot"]: row for row in list_schedules(request.app.state.web.project)}
    except Exception as exc:  # noqa: BLE001 - the page still lists bots without schedule data
        return {"": {"error": f"{type(exc).__name__}: {exc}"}}


@router.get("/bots", name="ops_bots")
def bots(request: Request, viewer: Viewer = guard("ops_bots"), done: str = "") -> Response:
    web = request.app.state.web
    schedules = _schedules(request)
    problem = schedules.pop("", {}).get("error")
    rows = [{"name": name, "description": bot.description, "schedule": schedules.get(name)}
            for name, bot in sorted(web.bots.items())]
    return web.render(request, "ops_bots.html", rows=rows, problem=problem, done=done[:40])


def _bot(request: Request, name: str) -> str:
    if name not in request.app.state.web.bots:
        raise HTTPException(404, f"no bot named {name}")
    return name


@router.post("/bots/{name}/pause", name="ops_pause")
def pause(request: Request, name: str, viewer: Viewer = guard("ops_pause")) -> Response:
    from clerk.scheduler.control import pause as pause_schedule

    pause_schedule(request.app.state.web.project, _bot(request, name), actor=viewer.name)
    return RedirectResponse("/ops/bots?done=paused", status_code=303)


@router.post("/bots/{name}/resume", name="ops_resume")
def resume(request: Request, name: str, viewer: Viewer = guard("ops_resume")) -> Response:
    from clerk.scheduler.control import resume as resume_schedule

    resume_schedule(request.app.state.web.project, _bot(request, name), actor=viewer.name)
    return RedirectResponse("/ops/bots?done=resumed", status_code=303)


@router.post("/bots/{name}/run", name="ops_run_now")
def run_now(request: Request, name: str, viewer: Viewer = guard("ops_run_now")) -> Response:
    from clerk.scheduler.control import run_now as request_run_now

    request_run_now(request.app.state.web.project, _bot(request, name), actor=viewer.name)
    return RedirectResponse("/ops/bots?done=run+requested", status_code=303)


@router.get("/runs", name="ops_runs")
def runs(request: Request, viewer: Viewer = guard("ops_runs")) -> Response:
    web = request.app.state.web
    rows = operations.recent_runs(web.project.store)
    for row in rows:
        folder = _run_folder(request, row)
        row["files"] = sorted(f for f in RUN_FILES if folder and (folder / f).is_file())
    return web.render(request, "ops_runs.html", rows=rows)


def _run_folder(request: Request, row: dict) -> Path | None:
    settings = request.app.state.web.project.settings
    if not row.get("output_dir"):
        return None
    folder = Path(row["output_dir"]).resolve()
    return folder if folder.is_relative_to(settings.output_dir) else None


@router.get("/runs/{run_id}/{file}", name="ops_run_file")
def run_file(request: Request, run_id: str, file: str, viewer: Viewer = guard("ops_run_file")) -> Response:
    row = operations.run_by_id(request.app.state.web.project.store, run_id)
    folder = _run_folder(request, row) if row else None
    if folder is None or file not in RUN_FILES or not (folder / file).is_file():
        raise HTTPException(404, "no such run file")
    # RF's report runs its own scripts: served as an attachment, not inside clerk's origin.
    return FileResponse(folder / file, filename=f"{run_id}-{file}",
                        content_disposition_type="attachment")


@router.get("/health", name="ops_health")
def health(request: Request, viewer: Viewer = guard("ops_health")) -> Response:
    web = request.app.state.web
    now = web.clock()
    store = web.project.store
    per_day = charts.stacked_days(operations.items_per_day(store, now), "items per day by outcome")
    reasons = charts.bars(operations.exceptions_by_reason(store), "exceptions by reason")
    # The SVG is built (and every label escaped) by clerk.web.charts.
    return web.render(request, "ops_health.html", stats=operations.queue_health(store, now),
                      per_day=Markup(per_day), reasons=Markup(reasons))
