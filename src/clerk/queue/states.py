"""The work item lifecycle: states, review status, priorities, legal moves.

    collected -> extracted -> validated -> [awaiting_approval -> approved] -> posting -> posted

Side exits: needs_review (a person must look), failed (system exception,
retried with backoff), rejected, quarantined (unsafe or unreadable input).
"""

from __future__ import annotations

from enum import Enum, IntEnum


class ItemState(str, Enum):
    COLLECTED = "collected"
    EXTRACTED = "extracted"
    VALIDATED = "validated"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    POSTING = "posting"
    POSTED = "posted"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"
    REJECTED = "rejected"
    QUARANTINED = "quarantined"


class ReviewStatus(str, Enum):
    """The human side of an item, kept apart from its processing state."""

    NONE = "none"
    IN_REVIEW = "in_review"
    VERIFIED = "verified"
    RETRIED = "retried"


class Priority(IntEnum):
    """Lower sorts first."""

    HIGH = 0
    NORMAL = 1
    LOW = 2


S = ItemState

# States a worker may lease: there is machine work to do.
LEASABLE: frozenset[ItemState] = frozenset(
    {S.COLLECTED, S.EXTRACTED, S.VALIDATED, S.APPROVED, S.POSTING, S.FAILED}
)
# States waiting for a person.
WAITING_FOR_PEOPLE: frozenset[ItemState] = frozenset({S.NEEDS_REVIEW, S.AWAITING_APPROVAL})
TERMINAL: frozenset[ItemState] = frozenset({S.POSTED, S.REJECTED, S.QUARANTINED})
# States a failed item may resume in when its retry is due.
RESUMABLE: frozenset[ItemState] = frozenset({S.COLLECTED, S.EXTRACTED, S.VALIDATED, S.APPROVED, S.POSTING})

_EXITS = {S.NEEDS_REVIEW, S.FAILED, S.REJECTED, S.QUARANTINED}

ALLOWED: dict[ItemState, frozenset[ItemState]] = {
    S.COLLECTED: frozenset({S.EXTRACTED} | _EXITS),
    S.EXTRACTED: frozenset({S.VALIDATED} | _EXITS),
    S.VALIDATED: frozenset({S.AWAITING_APPROVAL, S.POSTING} | _EXITS - {S.QUARANTINED}),
    S.AWAITING_APPROVAL: frozenset({S.APPROVED, S.REJECTED, S.NEEDS_REVIEW}),
    S.APPROVED: frozenset({S.POSTING, S.NEEDS_REVIEW, S.FAILED}),
    S.POSTING: frozenset({S.POSTED, S.NEEDS_REVIEW, S.FAILED}),
    S.FAILED: frozenset(RESUMABLE | {S.NEEDS_REVIEW, S.REJECTED}),
    # A reviewer corrects and sends the item back to the step that must run
    # again, approves it onward, or ends it.
    S.NEEDS_REVIEW: frozenset({S.COLLECTED, S.EXTRACTED, S.VALIDATED, S.APPROVED,
                               S.AWAITING_APPROVAL, S.REJECTED,
                               # only to resume an item that left off while posting
                               S.POSTING}),
    S.QUARANTINED: frozenset({S.NEEDS_REVIEW}),
    S.POSTED: frozenset(),
    S.REJECTED: frozenset(),
}


def is_allowed(from_state: ItemState, to_state: ItemState) -> bool:
    return to_state in ALLOWED[from_state]
