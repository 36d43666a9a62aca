"""Business calendars: working days, public holidays and business hours.

The public holidays come from the ``holidays`` package, computed for any
year, so a calendar never runs out: no hand-kept list of dates that ends one
December. ``config/calendars/<name>.toml``:

```toml
timezone = "Europe/Berlin"
working_days = ["mon", "tue", "wed", "thu", "fri"]
hours = ["08:00-12:00", "13:00-17:00"]
country = "DE"                  # ISO 3166 code known to the holidays package
subdivision = "BE"              # optional: state, province, canton ...
categories = ["public"]         # optional: the package's holiday categories
remove = ["Women's Day"]        # holidays the office works (a name, or a date)

[add]                           # extra closed days: "MM-DD" every year, or one date
"12-24" = "Christmas Eve"
"2027-05-07" = "Office move"
```
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo,
                      field_validator, model_validator)

from clerk.config import config_error_from
from clerk.errors import ConfigError
from clerk.scheduler._holidays import (check_categories, check_country, check_subdivision,
                                       holiday_names, public_holidays)
from clerk.scheduler.model import known_zone

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CALENDARS_DIR = Path("config") / "calendars"
CALENDAR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_YEARLY = re.compile(r"^\d{2}-\d{2}$")
# A calendar that finds no working day within a year never works: stop looking.
IDLE_DAYS = 366
# Business time is counted over at most ten years of calendar days, so a huge
# SLA on a narrow calendar is a config error, not a request that never ends.
SPAN_DAYS = 3660


class BusinessCalendar(BaseModel):
    """When the business works. Frozen and plain (no holidays object inside),
    so triggers that hold one pickle into APScheduler's job store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "default"
    timezone: Annotated[str, AfterValidator(known_zone)] = "UTC"
    working_days: list[str] = Field(default_factory=lambda: DAYS[:5])
    hours: list[tuple[time, time]] = Field(default_factory=lambda: [(time(9), time(17))])
    country: Annotated[str, AfterValidator(check_country)] = Field(
        description="ISO 3166 country code, as the holidays package knows it")
    subdivision: str | None = Field(None, description="state, province, canton ... of the country")
    categories: tuple[str, ...] = Field(("public",), description="the package's holiday categories")
    add: dict[str, str] = Field(default_factory=dict, description="extra closed days: 'MM-DD' "
                                "(every year) or 'YYYY-MM-DD' (once) -> name")
    remove: list[str] = Field(default_factory=list,
                              description="holidays the office works: a holiday's name or a date")

    @model_validator(mode="before")
    @classmethod
    def _no_date_list(cls, data: object) -> object:
        if isinstance(data, dict) and "holidays" in data:
            raise ValueError("'holidays' lists are gone (they end one day): set country (and "
                             "subdivision), and put the office's own closed days under [add]")
        return data

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
        if not value:
            # A working day without hours would never let a business clock advance.
            raise ValueError("needs at least one window, e.g. ['08:00-17:00']")
        windows = [_window(item) if isinstance(item, str) else item for item in value]
        ordered = sorted(windows)
        for (_, end), (start, _) in zip(ordered, ordered[1:]):
            if start < end:
                raise ValueError("business hours overlap")
        return ordered

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")
        return value if value is None or country is None else check_subdivision(country, value)

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: object, info: ValidationInfo) -> object:
        country = info.data.get("country")
        if isinstance(value, str):
            value = [value]
        if country is None or not isinstance(value, (list, tuple)):
            return value
        return check_categories(country, info.data.get("subdivision"), [str(v) for v in value])

    @field_validator("add")
    @classmethod
    def _added_days(cls, value: dict[str, str]) -> dict[str, str]:
        for key, label in value.items():
            _closed_day_key(key)
            if not label.strip():
                raise ValueError(f"closed day {key} needs a name")
        return value

    @field_validator("remove", mode="before")
    @classmethod
    def _dates_as_text(cls, value: object) -> object:
        # TOML dates (remove = [2027-10-03]) arrive as date objects.
        if isinstance(value, list):
            return [item.isoformat() if isinstance(item, date) else item for item in value]
        return value

    @field_validator("remove")
    @classmethod
    def _removed_holidays(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if "country" not in info.data or "categories" not in info.data:
            return value
        where = (info.data["country"], info.data.get("subdivision"), info.data["categories"])
        for entry in value:
            _check_removal(entry, *where)
        return value

    @model_validator(mode="after")
    def _add_and_remove_differ(self) -> BusinessCalendar:
        both = sorted(set(self.add) & set(self.remove))
        if both:
            raise ValueError(f"{', '.join(both)} both added and removed")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def closed_for(self, day: date) -> str | None:
        """The name of the holiday or closure on ``day``, None if it is not one
        (weekends are not closures: see ``working_days``)."""
        own = self.add.get(day.isoformat()) or self.add.get(day.strftime("%m-%d"))
        if own:
            return own
        name = public_holidays(self.country, self.subdivision, self.categories, day.year).get(day)
        if name is None or day.isoformat() in self.remove:
            return None
        # Two holidays on one day come joined ("Ascension Day; Labor Day"):
        # the day stays closed unless the office works both.
        if set(name.split("; ")) <= set(self.remove):
            return None
        return name

    def is_working_day(self, day: date) -> bool:
        return DAYS[day.weekday()] in self.working_days and self.closed_for(day) is None

    def windows(self, start: date) -> Iterator[tuple[datetime, datetime]]:
        """Business-hour windows (aware, in the calendar's zone) from ``start`` on;
        stops after a year without a working day (a calendar that never works),
        or after ten years."""
        return self._walk(start, timedelta(days=1))

    def windows_before(self, end: date) -> Iterator[tuple[datetime, datetime]]:
        """The windows of ``end`` and the days before it, latest first."""
        return self._walk(end, timedelta(days=-1))

    def _walk(self, day: date, step: timedelta) -> Iterator[tuple[datetime, datetime]]:
        idle = 0
        for _ in range(SPAN_DAYS):
            if idle >= IDLE_DAYS:
                return
            if self.is_working_day(day):
                idle = 0
                hours = self.hours if step.days > 0 else list(reversed(self.hours))
                for opens, closes in hours:
                    yield (datetime.combine(day, opens, self.zone),
                           datetime.combine(day, closes, self.zone))
            else:
                idle += 1
            day += step

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self.is_working_day(local.date()) and any(
            opens <= local.time() < closes for opens, closes in self.hours)

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of business time after ``start`` (review SLAs)."""
        left = timedelta(hours=hours)
        start = start.astimezone(self.zone)
        for opens, closes in self.windows(start.date()):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise self._too_little_time(hours)

    def subtract_business_hours(self, end: datetime, hours: float) -> datetime:
        """The latest moment with ``hours`` of business time between it and
        ``end``: whatever started at or before it is ``hours`` old by ``end``."""
        left = timedelta(hours=hours)
        end = end.astimezone(self.zone)
        for opens, closes in self.windows_before(end.date()):
            finish = min(closes, end)
            if finish <= opens:
                continue
            if finish - left >= opens:
                return finish - left
            left -= finish - opens
        raise self._too_little_time(hours)

    def _too_little_time(self, hours: float) -> ConfigError:
        return ConfigError(str(CALENDARS_DIR / f"{self.name}.toml"), "working_days",
                           f"{hours:g} business hours do not fit into {SPAN_DAYS // 366} years "
                           "of this calendar (no working days, or too few hours)")


def _window(text: str) -> tuple[time, time]:
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"business hours look like '08:00-12:00', got {text!r}") from None
    if opens >= closes:
        raise ValueError(f"business hours {text!r} end before they start")
    return opens, closes


def _closed_day_key(key: str) -> None:
    """'MM-DD' (every year; 02-29 in leap years) or 'YYYY-MM-DD' (once)."""
    try:
        date.fromisoformat(f"2000-{key}" if _YEARLY.match(key) else key)
    except ValueError:
        raise ValueError(f"closed day {key!r}: use 'MM-DD' for every year or 'YYYY-MM-DD' "
                         "for one day") from None


def _check_removal(entry: str, country: str, subdivision: str | None,
                   categories: tuple[str, ...]) -> None:
    """A removal names a holiday the package knows, or a date that is one."""
    try:
        day = date.fromisoformat(entry)
    except ValueError:
        names = holiday_names(country, subdivision, categories)
        if entry not in names:
            raise ValueError(f"{entry!r} is not a holiday of {country}"
                             f"{'-' + subdivision if subdivision else ''}; "
                             f"known: {', '.join(sorted(names))}") from None
        return
    if day not in public_holidays(country, subdivision, categories, day.year):
        raise ValueError(f"{entry} is not a holiday of {country}"
                         f"{'-' + subdivision if subdivision else ''}")


def load_calendar(project_dir: Path, name: str) -> BusinessCalendar:
    """``config/calendars/<name>.toml``; ConfigError naming the file and key."""
    if not CALENDAR_NAME.match(name):
        raise ConfigError(str(project_dir / CALENDARS_DIR), None,
                          f"calendar names are letters, digits, '-' and '_', got {name!r}")
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
