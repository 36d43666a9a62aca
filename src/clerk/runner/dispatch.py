"""The worker's side of scheduled runs: claim a run request, run the bot.

``claim_and_execute_run`` is the hook ``clerk worker`` calls between item
batches, so any worker on any machine executes scheduled runs."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from clerk.bots import load_bots
from clerk.project import Project
from clerk.runner.requests import claim_request, finish_request, heartbeat
from clerk.runner.run import run_bot

log = logging.getLogger("clerk.runner")
HEARTBEAT_SECONDS = 15.0
STALE_AFTER = timedelta(minutes=2)  # eight missed heartbeats: the worker is gone


def claim_and_execute_run(project: Project, worker_name: str, *, bots: list[str] | None = None,
                          heartbeat_seconds: float = HEARTBEAT_SECONDS,
                          stale_after: timedelta = STALE_AFTER) -> bool:
    """Run one requested bot run if there is one for this worker; ``True`` if it did."""
    definitions = load_bots(project.settings.project_dir)
    concurrency = {name: bot.concurrency for name, bot in definitions.items()
                   if bot.robot or bot.handler}
    request = claim_request(project.store, worker_name, concurrency=concurrency,
                            stale_after=stale_after, bots=bots)
    if request is None:
        return False
    beating = threading.Event()
    beat = threading.Thread(target=_beat, daemon=True, name=f"run-request-{request.id}",
                            args=(project, request.id, worker_name, heartbeat_seconds, beating))
    beat.start()
    try:
        outcome = run_bot(project, definitions[request.bot], trigger=request.trigger,
                          worker=worker_name, request_id=request.id)
    except Exception as exc:  # noqa: BLE001 - recorded on the request; the worker goes on
        log.exception("run request %s of bot %s failed to run", request.id, request.bot)
        finish_request(project.store, request.id, worker_name, run_id=None, ok=False,
                       error=project.masker.mask_text(f"{type(exc).__name__}: {exc}"))
        return True
    finally:
        beating.set()
        beat.join(timeout=5)
    finish_request(project.store, request.id, worker_name, run_id=outcome.run_id, ok=True,
                   error=None if outcome.ok else f"run {outcome.status}")
    return True


def _beat(project: Project, request_id: int, worker: str, every: float,
          stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            if not heartbeat(project.store, request_id, worker):
                log.warning("run request %s was taken over by another worker", request_id)
                return
        except Exception:  # noqa: BLE001 - retried next beat
            log.warning("heartbeat of run request %s failed", request_id, exc_info=True)
