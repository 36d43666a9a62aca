"""Bounded types for the ids and numbers routes take from a URL or a form.

Every integer a route hands to the store is checked against what the store
can hold (a 64-bit id) and every float is finite, so ``2**64``, ``inf``,
``nan`` or a negative limit is a 422 that the OpenAPI document announces,
never a database error (a 500). Routes annotate their parameters with these.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Form, Path, Query
from pydantic import BeforeValidator

MAX_ID = 2**63 - 1            # BIGINT, and SQLite's INTEGER
MAX_HOURS = 24 * 366 * 100    # a century: older than any item
MAX_PAGE = 10_000


def _plain(pattern: str, expected: str) -> BeforeValidator:
    """A check of a number's text before pydantic reads it: pydantic would
    read "1.0", "+1", " 1" and "1_0" as 1, but a URL's number is plain digits.
    A form's empty field means "not given" (None: refused where required)."""
    shape = re.compile(pattern)

    def check(value: object) -> object:
        if value == "":
            return None
        if isinstance(value, str) and not shape.fullmatch(value):
            raise ValueError(f"expected {expected}")
        return value

    return BeforeValidator(check)


# After the FastAPI parameter in each Annotated: before it, the bounds leave the JSON schema.
Digits = _plain(r"[0-9]{1,19}", "a whole number written with the digits 0-9")
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="a work item's id"), Digits]
ItemIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a work item's id"), Digits]
DocumentPage = Annotated[int, Path(ge=1, le=1000, description="a page of the document, from 1"), Digits]
InboxPage = Annotated[int, Query(ge=1, le=MAX_PAGE), Digits]
AgeHours = Annotated[float | None, Query(ge=0, le=MAX_HOURS, allow_inf_nan=False),
                     _plain(r"[0-9]{1,9}(\.[0-9]{1,6})?", "a number like 12 or 1.5")]
StepIdForm = Annotated[int | None, Form(ge=1, le=MAX_ID), Digits]
Limit500 = Annotated[int, Query(ge=1, le=500, description="at most this many (1-500)"), Digits]
Limit1000 = Annotated[int, Query(ge=1, le=1000, description="at most this many (1-1000)"), Digits]
Ref = Annotated[str, Path(min_length=1, max_length=200,
                          description="an item id or an ERP reference (number, id or key)")]


def item_id_of(value: object) -> int | None:
    """An item id from untrusted text (a form's list of ticked items), or None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
