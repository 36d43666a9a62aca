"""What ``clerk run`` does around a robot for the Robocorp work-item libraries."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from clerk.runner.context import RunContext
from clerk.workitems import ENVIRONMENT


@contextmanager
def workitem_adapters(context: RunContext) -> Iterator[None]:
    """Point both libraries at clerk's adapters for the run (the robot runs in
    this process), then end what the run left open: robocorp.workitems' cached
    context (it lives until robocorp-tasks ends a task, which never happens
    under Robot Framework) and leases on items reserved but never released."""
    previous = {name: os.environ.get(name) for name in ENVIRONMENT}
    os.environ.update(ENVIRONMENT)
    try:
        yield
    finally:
        _end_robocorp_task()
        bridge = context.cache.get("workitems")
        if bridge is not None:
            bridge.give_back()
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _end_robocorp_task() -> None:
    if "robocorp.workitems" not in sys.modules:
        return
    from robocorp.tasks._hooks import after_task_run

    after_task_run(None)   # releases task_cache'd objects; no task object outside robocorp-tasks
