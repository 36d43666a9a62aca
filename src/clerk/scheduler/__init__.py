"""Scheduling bots: triggers and business calendars, the job store in clerk's
database, leader election, and run requests that workers execute."""

from clerk.scheduler.calendar import BusinessCalendar, load_calendar
from clerk.scheduler.check import bot_schedule, check_bot_schedule
from clerk.scheduler.model import ScheduleSpec
from clerk.scheduler.service import SchedulerService
from clerk.scheduler.triggers import BusinessTrigger, build_trigger

__all__ = ["BusinessCalendar", "BusinessTrigger", "ScheduleSpec", "SchedulerService",
           "bot_schedule", "build_trigger", "check_bot_schedule", "load_calendar"]
