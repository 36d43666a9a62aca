import pickle
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clerk.errors import ConfigError
from clerk.scheduler.calendar import BusinessCalendar, load_calendar
from clerk.scheduler.triggers import BusinessTrigger

BERLIN = ZoneInfo("Europe/Berlin")
# 2026-12-24 (Thursday, the office's own) and 2026-12-25 (Friday, public) are
# closed; 26/27 are a weekend.
OFFICE = BusinessCalendar(name="office", timezone="Europe/Berlin", country="DE", subdivision="BE",
                          hours=["08:00-12:00", "13:00-17:00"], add={"12-24": "Christmas Eve"})


def fires(trigger, start, count):
    moments, previous = [], None
    now = start
    for _ in range(count):
        previous = trigger.get_next_fire_time(previous, now)
        moments.append(previous)
    return moments


def test_interval_within_business_hours_skips_lunch_nights_weekends_and_holidays():
    trigger = BusinessTrigger(OFFICE, every=timedelta(hours=2))
    start = datetime(2026, 12, 23, 11, 30, tzinfo=BERLIN)  # Wednesday before the holidays
    moments = fires(trigger, start, 5)
    assert [m.astimezone(BERLIN).replace(tzinfo=None) for m in moments] == [
        datetime(2026, 12, 23, 13, 0), datetime(2026, 12, 23, 15, 0),
        datetime(2026, 12, 28, 8, 0), datetime(2026, 12, 28, 10, 0), datetime(2026, 12, 28, 13, 0)]
    assert all(OFFICE.is_open(m) for m in moments)


def test_no_fire_on_a_holiday_or_weekend_over_a_whole_year():
    trigger = BusinessTrigger(OFFICE, every=timedelta(minutes=30))
    moments = fires(trigger, datetime(2026, 1, 1, tzinfo=UTC), 4000)
    days = {m.astimezone(BERLIN).date() for m in moments}
    assert not any(day.weekday() >= 5 for day in days)
    assert date(2026, 12, 24) not in days and date(2026, 12, 25) not in days
    assert all(time(8) <= m.astimezone(BERLIN).time() < time(17) for m in moments)
    assert moments == sorted(set(moments))  # strictly increasing, no repeats


def test_first_fire_is_not_in_the_past_and_the_next_is_strictly_later():
    trigger = BusinessTrigger(OFFICE, every=timedelta(minutes=45))
    now = datetime(2026, 12, 22, 8, 45, tzinfo=BERLIN)
    assert trigger.get_next_fire_time(None, now) == now
    assert trigger.get_next_fire_time(now, now) == datetime(2026, 12, 22, 9, 30, tzinfo=BERLIN)
    late = datetime(2026, 12, 22, 8, 46, tzinfo=BERLIN)
    assert trigger.get_next_fire_time(None, late) == datetime(2026, 12, 22, 9, 30, tzinfo=BERLIN)


def test_fixed_times_on_working_days_only():
    trigger = BusinessTrigger(OFFICE, times=[time(9), time(14, 30)])
    moments = fires(trigger, datetime(2026, 12, 23, 10, 0, tzinfo=BERLIN), 3)
    assert [m.astimezone(BERLIN).replace(tzinfo=None) for m in moments] == [
        datetime(2026, 12, 23, 14, 30), datetime(2026, 12, 28, 9, 0), datetime(2026, 12, 28, 14, 30)]


def test_across_daylight_saving_the_local_hours_hold():
    trigger = BusinessTrigger(OFFICE, times=[time(9)])
    # Friday 2026-03-27, then Monday 2026-03-30 after clocks went forward.
    moments = fires(trigger, datetime(2026, 3, 27, 7, 0, tzinfo=UTC), 2)
    assert [m.astimezone(UTC).hour for m in moments] == [8, 7]


def test_a_calendar_that_never_works_gives_no_fire_time():
    never = BusinessCalendar(working_days=[], name="never", country="DE")
    assert BusinessTrigger(never, every=timedelta(hours=1)).get_next_fire_time(
        None, datetime(2026, 1, 1, tzinfo=UTC)) is None


def test_trigger_pickles_for_the_job_store():
    trigger = BusinessTrigger(OFFICE, every=timedelta(minutes=15))
    again = pickle.loads(pickle.dumps(trigger))
    now = datetime(2026, 12, 23, 9, 7, tzinfo=BERLIN)
    assert again.get_next_fire_time(None, now) == trigger.get_next_fire_time(None, now)


def test_business_hours_for_review_slas():
    friday_afternoon = datetime(2026, 12, 18, 16, 0, tzinfo=BERLIN)
    # 1 h on Friday, then 7 h on Monday: 08-12, 13-16.
    assert OFFICE.add_business_hours(friday_afternoon, 8) == datetime(2026, 12, 21, 16, 0, tzinfo=BERLIN)
    assert OFFICE.add_business_hours(datetime(2026, 12, 23, 12, 30, tzinfo=BERLIN), 1) == \
        datetime(2026, 12, 23, 14, 0, tzinfo=BERLIN)


def test_overlapping_or_backwards_hours_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(hours=["08:00-12:00", "11:00-13:00"], country="DE")
    with pytest.raises(ValueError, match="end before"):
        BusinessCalendar(hours=["12:00-08:00"], country="DE")
    with pytest.raises(ValueError, match="at least one window"):
        BusinessCalendar(hours=[], country="DE")


def test_load_calendar_from_config(tmp_path):
    folder = tmp_path / "config" / "calendars"
    folder.mkdir(parents=True)
    (folder / "office.toml").write_text(
        'timezone = "Europe/Berlin"\nworking_days = ["mon", "tue"]\n'
        'hours = ["09:00-17:00"]\ncountry = "AT"\n[add]\n2026-12-22 = "Inventory"\n')
    calendar = load_calendar(tmp_path, "office")
    assert calendar.working_days == ["mon", "tue"] and calendar.closed_for(date(2026, 12, 22)) == "Inventory"
    (folder / "bad.toml").write_text('country = "DE"\nworking_days = ["someday"]\n')
    with pytest.raises(ConfigError, match="working_days"):
        load_calendar(tmp_path, "bad")
    with pytest.raises(ConfigError, match="no business calendar"):
        load_calendar(tmp_path, "missing")
