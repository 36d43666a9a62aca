"""Scheduling bots: triggers and business calendars, the job store in clerk's
database, leader election, and run requests that workers execute."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

if TYPE_CHECKING:
    from clerk.scheduler.calendar import BusinessCalendar, load_calendar
    from clerk.scheduler.check import bot_schedule, check_bot_schedule
    from clerk.scheduler.model import ScheduleSpec
    from clerk.scheduler.service import SchedulerService
    from clerk.scheduler.triggers import BusinessTrigger, build_trigger

# Loaded on first use, so that a light submodule stays light (see clerk._lazy).
__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "calendar": ("BusinessCalendar", "load_calendar"),
    "check": ("bot_schedule", "check_bot_schedule"),
    "model": ("ScheduleSpec",),
    "service": ("SchedulerService",),
    "triggers": ("BusinessTrigger", "build_trigger"),
})
