"""Business calendars: working days, holidays and business hours.

``config/calendars/<name>.toml``:

```toml
timezone = "Europe/Berlin"
working_days = ["mon", "tue", "wed", "thu", "fri"]
hours = ["08:00-12:00", "13:00-17:00"]
holidays = ["2026-12-24", "2026-12-25", "2026-12-26"]
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clerk.config import config_error_from
from clerk.errors import ConfigError

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CALENDARS_DIR = Path("config") / "calendars"


class BusinessCalendar(BaseModel):
    """When the business works. Frozen and plain, so triggers that hold one
    pickle into APScheduler's job store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "default"
    timezone: str = "UTC"
    working_days: list[str] = Field(default_factory=lambda: DAYS[:5])
    hours: list[tuple[time, time]] = Field(default_factory=lambda: [(time(9), time(17))])
    holidays: frozenset[date] = frozenset()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from clerk.scheduler.model import known_zone

        return known_zone(value)

    @field_validator("working_days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        unknown = [day for day in value if day.lower()[:3] not in DAYS]
        if unknown:
            raise ValueError(f"unknown day(s) {unknown}; use {', '.join(DAYS)}")
        return [day.lower()[:3] for day in value]

    @field_validator("hours", mode="before")
    @classmethod
    def _windows(cls, value: object) -> object:
        if not isinstance(value, list):
            return value
        windows = [_window(item) if isinstance(item, str) else item for item in value]
        ordered = sorted(windows)
        for (_, end), (start, _) in zip(ordered, ordered[1:]):
            if start < end:
                raise ValueError("business hours overlap")
        return ordered

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        return DAYS[day.weekday()] in self.working_days and day not in self.holidays

    def windows(self, start: date) -> Iterator[tuple[datetime, datetime]]:
        """Business-hour windows (aware, in the calendar's zone) from ``start`` on;
        stops after a year without a working day (a calendar that never works)."""
        day, idle = start, 0
        while idle < 366:
            if self.is_working_day(day):
                idle = 0
                for opens, closes in self.hours:
                    yield (datetime.combine(day, opens, self.zone),
                           datetime.combine(day, closes, self.zone))
            else:
                idle += 1
            day += timedelta(days=1)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and any(
            opens <= local.time() < closes for opens, closes in self.hours)

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of business time after ``start`` (review SLAs)."""
        left = timedelta(hours=hours)
        for opens, closes in self.windows(start.astimezone(self.zone).date()):
            begin = max(opens, start.astimezone(self.zone))
            if begin >= closes:
                continue
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise ConfigError(f"calendar {self.name}", "working_days", "the calendar has no working days")


def _window(text: str) -> tuple[time, time]:
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"business hours look like '08:00-12:00', got {text!r}") from None
    if opens >= closes:
        raise ValueError(f"business hours {text!r} end before they start")
    return opens, closes


def load_calendar(project_dir: Path, name: str) -> BusinessCalendar:
    path = project_dir / CALENDARS_DIR / f"{name}.toml"
    if not path.is_file():
        raise ConfigError(str(path), None, f"no business calendar named {name!r}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), None, f"not valid TOML: {exc}") from None
    try:
        return BusinessCalendar(name=name, **data)
    except ValidationError as exc:
        raise config_error_from(exc, path) from None
