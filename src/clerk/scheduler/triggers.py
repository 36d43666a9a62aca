"""APScheduler triggers for a bot's schedule, including the business calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from clerk.scheduler.calendar import BusinessCalendar, load_calendar
from clerk.scheduler.model import ScheduleSpec


class BusinessTrigger(BaseTrigger):
    """Fires only on working days that are not holidays: every ``every``
    within business hours (counted from each opening), or at fixed ``times``."""

    def __init__(self, calendar: BusinessCalendar, *, every: timedelta | None = None,
                 times: list[time] | None = None):
        if bool(every) == bool(times):
            raise ValueError("a business trigger needs exactly one of every or times")
        self.calendar = calendar
        self.every = every
        self.times = sorted(times or [])

    def get_next_fire_time(self, previous_fire_time: datetime | None,
                           now: datetime) -> datetime | None:
        # After a fire, the next slot strictly later; on the first call, the first not in the past.
        if previous_fire_time is not None:
            return self._first_slot(previous_fire_time, strictly_after=True)
        return self._first_slot(now, strictly_after=False)

    def _first_slot(self, threshold: datetime, *, strictly_after: bool) -> datetime | None:
        def late_enough(slot: datetime) -> bool:
            return slot > threshold if strictly_after else slot >= threshold

        start_day = threshold.astimezone(self.calendar.zone).date()
        if self.times:
            return self._first_time(start_day, late_enough)
        for opens, closes in self.calendar.windows(start_day):
            if closes <= threshold:
                continue
            slot = opens
            if not late_enough(slot):
                # Jump to the first repeat at or after the threshold, then step once if equal.
                steps = -(-(threshold - opens) // self.every)
                slot = opens + steps * self.every
                if not late_enough(slot):
                    slot += self.every
            if slot < closes:
                return slot
        return None

    def _first_time(self, start_day, late_enough) -> datetime | None:  # noqa: ANN001
        zone = self.calendar.zone
        for opens, _ in self.calendar.windows(start_day):
            if opens.time() != self.calendar.hours[0][0]:
                continue  # one pass per working day
            for moment in self.times:
                slot = datetime.combine(opens.date(), moment, zone)
                if late_enough(slot):
                    return slot
        return None

    def __str__(self) -> str:
        what = f"every {self.every}" if self.every else "at " + ", ".join(t.isoformat("minutes") for t in self.times)
        return f"business[{self.calendar.name}] {what}"

    def __repr__(self) -> str:
        return f"<BusinessTrigger ({self})>"


def build_trigger(spec: ScheduleSpec, project_dir: Path) -> BaseTrigger:
    """The trigger ``spec`` describes; business calendars load from config/calendars/."""
    if spec.kind == "interval":
        return IntervalTrigger(seconds=spec.every.total_seconds(), timezone=spec.timezone)
    if spec.kind == "cron":
        return CronTrigger.from_crontab(spec.cron, timezone=spec.timezone)
    if spec.kind == "date":
        return DateTrigger(run_date=spec.at, timezone=spec.timezone)
    calendar = load_calendar(project_dir, spec.calendar)
    return BusinessTrigger(calendar, every=spec.every, times=spec.times or None)
