"""The ``[schedule]`` table of a bot, typed.

Coalescing, misfire grace and max instances have no defaults on purpose:
APScheduler's own default grace of one second silently drops every run that
was due while the scheduler was down, so each bot states what it wants.

```toml
[schedule]
kind = "interval"              # interval | cron | date | business
every = "15m"                  # interval, business: 30s, 15m, 2h, 1d
coalesce = true                # missed runs fire once, not once per due time
misfire_grace = "1h"           # how late a run may still fire
max_instances = 1              # queued or running runs of this bot at once
```
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object) -> timedelta:
    """``"90s"``, ``"15m"``, ``"2h"``, ``"1d"`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    raise ValueError("expected a duration like '30s', '15m', '2h', '1d' or seconds as a number")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


class ScheduleSpec(BaseModel):
    """When a bot runs. ``kind`` picks the trigger; the rest says how it
    behaves when runs are missed or overlap."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["interval", "cron", "date", "business"]
    enabled: bool = True
    timezone: str = "UTC"
    # interval and business
    every: Duration | None = None
    # cron: five fields, minute hour day month day-of-week
    cron: str | None = None
    # date: one run at this moment
    at: datetime | None = None
    # business: a calendar in config/calendars/<name>.toml, and either a
    # repeat within business hours (``every``) or fixed times of the day
    calendar: str | None = None
    times: list[time] = Field(default_factory=list)
    coalesce: bool
    misfire_grace: Duration
    max_instances: int = Field(ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)

    @field_validator("every", "misfire_grace")
    @classmethod
    def _positive(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value.total_seconds() <= 0:
            raise ValueError("must be longer than zero")
        return value

    @field_validator("cron")
    @classmethod
    def _cron_fields(cls, value: str | None) -> str | None:
        if value is not None:
            from apscheduler.triggers.cron import CronTrigger
            try:
                CronTrigger.from_crontab(value)
            except ValueError as exc:
                raise ValueError(f"not a crontab expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _fields_for_kind(self) -> ScheduleSpec:
        needed = {"interval": ["every"], "cron": ["cron"], "date": ["at"],
                  "business": ["calendar"]}[self.kind]
        missing = [name for name in needed if getattr(self, name) in (None, [])]
        if missing:
            raise ValueError(f"kind = {self.kind!r} needs {', '.join(missing)}")
        if self.kind == "business" and bool(self.every) == bool(self.times):
            raise ValueError("kind = 'business' needs exactly one of 'every' or 'times'")
        if self.kind == "date" and self.at is not None and self.at.tzinfo is None:
            raise ValueError("'at' needs a UTC offset, e.g. 2026-12-01T09:00:00+01:00")
        return self

    def fingerprint(self) -> str:
        """Changes when the trigger changes; pausing and resuming do not."""
        return self.model_dump_json(exclude={"enabled"})
