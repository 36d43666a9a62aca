"""The Robot Framework listener (API v3) that ties a run to the store.

- every log message, task message and keyword argument is masked *before*
  Robot Framework writes it (listeners see messages ahead of output.xml);
- each task's status, message and timing goes into the run record, which is
  updated as tasks finish (so ``clerk schedule ls`` sees progress and the
  heartbeat shows the run is alive);
- each failing keyword is mirrored into the audit trail once: the innermost
  failure, not every enclosing keyword that fails because of it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from clerk.runner.context import RunContext
from clerk.runner.records import update_run

log = logging.getLogger("clerk.runner")
MAX_MESSAGE = 2000  # audit events keep the start of a long failure message


class ClerkListener:
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, context: RunContext):
        self.context = context
        self.masker = context.project.masker
        self.tasks: list[dict[str, Any]] = []
        self.keywords = 0
        self.keyword_failures = 0
        self._mirrored: set[str] = set()
        self._task_started = 0.0

    # -- masking: before output.xml sees the text --------------------------------
    def log_message(self, message: Any) -> None:
        if message.message:
            message.message = self.masker.mask_text(message.message)

    def message(self, message: Any) -> None:
        if message.message:
            message.message = self.masker.mask_text(message.message)

    # -- tasks -------------------------------------------------------------------
    def start_test(self, data: Any, result: Any) -> None:
        self._task_started = time.perf_counter()
        self._mirrored.clear()

    def end_test(self, data: Any, result: Any) -> None:
        result.message = self.masker.mask_text(result.message or "")
        self.tasks.append({
            "name": result.name, "status": result.status, "message": result.message[:MAX_MESSAGE],
            "elapsed_ms": round((time.perf_counter() - self._task_started) * 1000, 1)})
        try:
            update_run(self.context.project.store, self.context.run_id, self.counts())
        except Exception:  # noqa: BLE001 - progress is best effort; the final record is not
            log.warning("could not record progress of run %s", self.context.run_id, exc_info=True)

    # -- keywords ----------------------------------------------------------------
    def start_keyword(self, data: Any, result: Any) -> None:
        self.keywords += 1

    def end_keyword(self, data: Any, result: Any) -> None:
        args = getattr(result, "args", None)
        if args and self.masker.values:
            result.args = tuple(self.masker.mask(list(args)))
        if result.status == "FAIL":
            self._mirror_failure(result)

    def _mirror_failure(self, result: Any) -> None:
        message = self.masker.mask_text(result.message or "")
        if message in self._mirrored:
            return  # an enclosing keyword failing with the same message
        self._mirrored.add(message)
        self.keyword_failures += 1
        context = self.context
        try:
            with context.project.store.write() as conn:
                context.project.audit.append(
                    conn, actor=f"robot:{context.bot.name}", action="keyword_failed",
                    item_id=None, data={"run": context.run_id, "keyword": result.full_name,
                                        "message": message[:MAX_MESSAGE]})
        except Exception:  # noqa: BLE001 - the run goes on; the failure is in the RF log too
            log.warning("could not audit keyword failure in run %s", context.run_id,
                        exc_info=True)

    def counts(self) -> dict[str, Any]:
        statuses: dict[str, int] = {}
        for task in self.tasks:
            statuses[task["status"].lower()] = statuses.get(task["status"].lower(), 0) + 1
        return {"tasks": {"total": len(self.tasks), **statuses},
                "task_results": self.tasks,
                "items": dict(self.context.counts),
                "keywords": self.keywords, "keyword_failures": self.keyword_failures}
