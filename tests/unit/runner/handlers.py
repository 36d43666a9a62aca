"""Handlers the runner tests name as ``module:function`` in bot definitions."""

from __future__ import annotations

from clerk.errors import BusinessException
from clerk.queue import ItemState

STEPS = (ItemState.EXTRACTED, ItemState.VALIDATED, ItemState.POSTING, ItemState.POSTED)


def walk_to_posted(queue, lease):  # noqa: ANN001, ANN201
    """Posts every item, except documents whose key says 'review'."""
    if "review" in lease.document_key:
        raise BusinessException("needs_a_person", f"document {lease.document_key} needs a look")
    for state in STEPS:
        lease = queue.advance(lease, state)
    return lease
