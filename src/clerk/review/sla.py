"""Review SLAs in SQL and on the page: one clock for the inbox, the item
page and the escalation pass (wall clock or business hours, as each bot's
``[review]`` says; see ``ReviewSettings``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_

from clerk.review.settings import ReviewSettings
from clerk.store.schema import work_items

wi = work_items.c


def sla_badge(entered: datetime, review: ReviewSettings, now: datetime) -> tuple[str, datetime]:
    """('overdue' | 'due' | 'ok', due time) for an item waiting since ``entered``."""
    return review.badge(entered, now)


def overdue_condition(reviews: dict[str, ReviewSettings], default: ReviewSettings,
                      now: datetime) -> Any:
    """SQL: the item is past its bot's SLA at ``now`` (wall clock or business hours)."""
    per_bot = [and_(wi.bot == bot, wi.updated_at <= r.overdue_if_entered_by(now))
               for bot, r in reviews.items()]
    others = and_(wi.bot.not_in(list(reviews)) if reviews else True,
                  wi.updated_at <= default.overdue_if_entered_by(now))
    return or_(*per_bot, others)


def mixed_clocks(reviews: dict[str, ReviewSettings], default: ReviewSettings, now: datetime) -> bool:
    """Bots whose SLAs differ at ``now``: the oldest item is then not necessarily the most overdue."""
    return len({r.overdue_if_entered_by(now) for r in [*reviews.values(), default]}) > 1
