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
