"""Bounded types for the ids and numbers routes take from a URL or a form.

Every integer a route hands to the store is checked against what the store
can hold (a 64-bit id) and every float is finite, so ``2**64``, ``inf``,
``nan`` or a negative limit is a 422 that the OpenAPI document announces,
never a database error (a 500). Routes annotate their parameters with these.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Path, Query

MAX_ID = 2**63 - 1            # BIGINT, and SQLite's INTEGER
MAX_HOURS = 24 * 366 * 100    # a century: older than any item
MAX_PAGE = 10_000

ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="a work item's id")]
ItemIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a work item's id")]
DocumentPage = Annotated[int, Path(ge=1, le=1000, description="a page of the document, from 1")]
InboxPage = Annotated[int, Query(ge=1, le=MAX_PAGE)]
AgeHours = Annotated[float | None, Query(ge=0, le=MAX_HOURS, allow_inf_nan=False)]
StepIdForm = Annotated[int | None, Form(ge=1, le=MAX_ID)]
Ref = Annotated[str, Path(min_length=1, max_length=200,
                          description="an item id or an ERP reference (number, id or key)")]


def limit(default: int, most: int) -> object:
    """A ``limit`` query parameter from 1 to ``most``."""
    return Query(default, ge=1, le=most, description=f"at most this many (1-{most})")


def item_id_of(value: object) -> int | None:
    """An item id from untrusted text (a form's list of ticked items), or None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
