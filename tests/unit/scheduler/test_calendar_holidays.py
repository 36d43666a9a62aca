"""Business calendars on the ``holidays`` package: the shipped office calendar
in any year, the project's own additions and removals, and clear errors for
a country, subdivision or removal the package does not know."""

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from clerk.bots import load_bots
from clerk.errors import ConfigError
from clerk.scheduler.calendar import BusinessCalendar, load_calendar
from clerk.scheduler.check import check_bot_schedule
from clerk.scheduler.jobstore import sync_jobs

REPO = Path(__file__).resolve().parents[3]
BERLIN = ZoneInfo("Europe/Berlin")


def write_calendar(root: Path, text: str, name: str = "office") -> Path:
    folder = root / "config" / "calendars"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("day", "name"), [
    (date(2027, 3, 26), "Good Friday"),
    (date(2030, 4, 19), "Good Friday"),
    (date(2030, 4, 22), "Easter Monday"),
    (date(2031, 10, 3), "German Unity Day"),
    (date(2030, 3, 8), "Women's Day"),            # Berlin only
    (date(2035, 12, 24), "Christmas Eve"),        # the office's own, every year
    (date(2041, 12, 31), "New Year's Eve"),
])
def test_the_shipped_office_calendar_is_closed_on_holidays_of_any_year(day, name):
    office = load_calendar(REPO, "office")
    assert office.closed_for(day) == name
    assert not office.is_working_day(day)
    assert not office.is_open(datetime.combine(day, datetime.min.time(), BERLIN) + timedelta(hours=10))


def test_the_shipped_office_calendar_works_on_ordinary_days_after_2027():
    office = load_calendar(REPO, "office")
    assert office.is_working_day(date(2027, 1, 4))                        # the day the old file ended
    assert office.is_open(datetime(2030, 4, 18, 10, tzinfo=BERLIN))      # Thursday before Easter


def test_the_shipped_bots_schedules_check_clean_on_the_new_calendar():
    for name, bot in load_bots(REPO).items():
        assert check_bot_schedule(bot, REPO / "bots" / f"{name}.toml", REPO) == [], name


def test_additions_every_year_and_once():
    calendar = BusinessCalendar(country="DE", add={"11-11": "Carnival", "2029-06-01": "Office move"})
    assert calendar.closed_for(date(2033, 11, 11)) == "Carnival"
    assert calendar.closed_for(date(2029, 6, 1)) == "Office move"
    assert calendar.closed_for(date(2030, 6, 3)) is None


def test_removals_by_name_every_year_and_by_date_once():
    calendar = BusinessCalendar(country="DE", subdivision="BE",
                                remove=["Women's Day", date(2030, 5, 30)])   # TOML gives a date
    assert calendar.is_working_day(date(2030, 3, 8)) and calendar.is_working_day(date(2032, 3, 8))
    assert calendar.is_working_day(date(2030, 5, 30))                       # Ascension 2030 worked
    assert not calendar.is_working_day(date(2031, 5, 22))                   # Ascension 2031 is not


def test_a_day_with_two_holidays_stays_closed_unless_both_are_removed():
    # 2008-05-01 was both Ascension Day and Labor Day.
    one = BusinessCalendar(country="DE", remove=["Labor Day"])
    both = BusinessCalendar(country="DE", remove=["Labor Day", "Ascension Day"])
    assert one.closed_for(date(2008, 5, 1)) is not None
    assert both.closed_for(date(2008, 5, 1)) is None


def test_a_subdivision_alias_and_an_extra_category():
    bavaria = BusinessCalendar(country="de", subdivision="Bayern", categories=["public", "catholic"])
    assert (bavaria.country, bavaria.subdivision) == ("DE", "BY")
    assert bavaria.closed_for(date(2030, 8, 15)) == "Assumption Day"


@pytest.mark.parametrize(("text", "key", "words"), [
    ('country = "XX"\n', "country", "unknown country 'XX'"),
    ('country = "DEU "\n', "country", "unknown country"),
    ('country = "DE"\nsubdivision = "Atlantis"\n', "subdivision", "BB, BE, BW"),
    ('country = "DE"\ncategories = ["school-ish"]\n', "categories", "unknown holiday categories"),
    ('country = "DE"\nremove = ["Labour Day"]\n', "remove", "not a holiday of DE"),
    ('country = "DE"\nremove = [2030-04-20]\n', "remove", "2030-04-20 is not a holiday"),
    ('country = "DE"\n[add]\n"13-01" = "x"\n', "add", "'MM-DD'"),
    ('country = "DE"\n[add]\n"12-24" = " "\n', "add", "needs a name"),
    ('holidays = [2026-12-24]\n', None, "'holidays' lists are gone"),
    ('timezone = "UTC"\n', "country", "Field required"),
])
def test_calendar_errors_name_the_file_and_key(tmp_path, text, key, words):
    path = write_calendar(tmp_path, text, "bad")
    with pytest.raises(ConfigError) as caught:
        load_calendar(tmp_path, "bad")
    assert caught.value.file == str(path)
    assert caught.value.key == key or (key is None and not caught.value.key)
    assert words in caught.value.message


def test_a_calendar_name_cannot_leave_config_calendars(tmp_path):
    write_calendar(tmp_path, 'country = "DE"\n', "office")
    with pytest.raises(ConfigError, match="letters, digits"):
        load_calendar(tmp_path / "config" / "calendars" / "x", "../office")


def test_subtracting_business_hours_crosses_easter_backwards():
    office = load_calendar(REPO, "office")
    tuesday_noon = datetime(2030, 4, 23, 12, 0, tzinfo=BERLIN)
    # 5 h on Tuesday morning (07-12), then 3 h back from Thursday 18:00.
    assert office.subtract_business_hours(tuesday_noon, 8) == datetime(2030, 4, 18, 15, 0, tzinfo=BERLIN)
    assert office.add_business_hours(datetime(2030, 4, 18, 15, 0, tzinfo=BERLIN), 8) == tuesday_noon


def test_an_edited_calendar_reaches_the_job_store(tmp_path):
    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "ap.toml").write_text(
        '[schedule]\nkind = "business"\ncalendar = "office"\nevery = "1h"\n'
        'coalesce = true\nmisfire_grace = "1h"\nmax_instances = 1\n')
    write_calendar(tmp_path, 'country = "DE"\n')
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()}, timezone=UTC)
    scheduler.start(paused=True)
    try:
        assert sync_jobs(scheduler, tmp_path).added == ["ap"]
        assert sync_jobs(scheduler, tmp_path).kept == ["ap"]
        write_calendar(tmp_path, 'country = "DE"\n[add]\n"06-01" = "Founders day"\n')
        assert sync_jobs(scheduler, tmp_path).changed == ["ap"]
        job = scheduler.get_job("ap")
        assert job.trigger.calendar.closed_for(date(2031, 6, 1)) == "Founders day"
    finally:
        scheduler.shutdown(wait=False)


def test_the_shipped_supplier_bot_is_scheduled_past_easter_2030(tmp_path):
    for folder in ("bots", "config"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()}, timezone=UTC)
    scheduler.start(paused=True)
    try:
        assert "supplier_invoices" in sync_jobs(scheduler, tmp_path).added
        trigger = scheduler.get_job("supplier_invoices").trigger
        thursday_evening = datetime(2030, 4, 18, 17, 30, tzinfo=BERLIN)
        assert trigger.get_next_fire_time(thursday_evening, thursday_evening) == \
            datetime(2030, 4, 23, 7, 0, tzinfo=BERLIN)
    finally:
        scheduler.shutdown(wait=False)
