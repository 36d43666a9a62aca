"""Handlers the worker-process tests load by path (``module:function``)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from clerk.queue import ItemState

STEPS = (ItemState.EXTRACTED, ItemState.VALIDATED, ItemState.POSTING, ItemState.POSTED)


def walk_to_posted(queue, lease):  # noqa: ANN001, ANN201
    """Take the item through every step and log it once it is posted."""
    for state in STEPS:
        lease = queue.advance(lease, state)
    log_dir = Path(os.environ["CLERK_TEST_LOG_DIR"])
    with open(log_dir / f"{os.getpid()}.log", "a", encoding="utf-8") as log:
        log.write(f"{lease.item_id}\n")
    return lease


def hold_forever(queue, lease):  # noqa: ANN001, ANN201
    """Announce the lease, then block until the process is killed."""
    marker = Path(os.environ["CLERK_TEST_LOG_DIR"]) / f"holding-{os.getpid()}"
    marker.write_text(str(lease.item_id))
    threading.Event().wait()


_PIPELINES: dict = {}


def _pipeline(lease):  # noqa: ANN001, ANN202
    """The standard pipeline of this process's project (CLERK_PROJECT)."""
    from clerk.bots import load_bots
    from clerk.config import load_settings
    from clerk.pipeline import BotPipeline
    from clerk.project import open_project

    if lease.bot not in _PIPELINES:
        project = open_project(load_settings(Path(os.environ["CLERK_PROJECT"])))
        _PIPELINES[lease.bot] = BotPipeline(project, load_bots(project.settings.project_dir)[lease.bot])
    return _PIPELINES[lease.bot]


def die_after_create(queue, lease):  # noqa: ANN001, ANN201
    """The standard pipeline, except that the process is SIGKILLed right after the
    ERP created the invoice and before the item is marked posted."""
    import signal

    pipeline = _pipeline(lease)
    create = pipeline.connector.create

    def create_then_die(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        ref = create(*args, **kwargs)
        Path(os.environ["CLERK_TEST_LOG_DIR"], "created").write_text(str(ref.id))
        os.kill(os.getpid(), signal.SIGKILL)

    pipeline.connector.create = create_then_die
    return pipeline.process(queue, lease)
