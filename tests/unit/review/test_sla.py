"""Review SLAs in business hours: the shipped bots' ``[review]`` tables, due
times over weekends and holidays, one clock for SQL and badges."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.bots import BotDefinition, load_bots
from clerk.errors import ConfigError
from clerk.queue import ItemState
from clerk.review.inbox import InboxFilter, review_inbox
from clerk.review.settings import ReviewSettings, load_review_settings
from clerk.scheduler.calendar import BusinessCalendar, load_calendar
from tests.unit.review.conftest import item_in

REPO = Path(__file__).resolve().parents[3]
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = load_calendar(REPO, "office")
EIGHT_BUSINESS_HOURS = ReviewSettings(sla_business_hours=8, calendar=OFFICE)


def test_the_shipped_bots_review_tables_load_on_the_office_calendar():
    reviews = {name: load_review_settings(bot, REPO) for name, bot in load_bots(REPO).items()}
    assert reviews["supplier_invoices"].sla_business_hours == 8
    assert reviews["order_confirmations"].sla_business_hours == 16
    assert {r.calendar.name for r in reviews.values()} == {"office"}
    assert reviews["supplier_invoices"].group == "accounts-payable"


def test_due_over_a_weekend_counts_business_hours():
    friday = datetime(2026, 12, 18, 17, 0, tzinfo=BERLIN)
    # 1 h on Friday (17-18), then Monday 07-12 and 13-15.
    assert EIGHT_BUSINESS_HOURS.due_at(friday) == datetime(2026, 12, 21, 15, 0, tzinfo=BERLIN)


def test_due_over_easter_2030_skips_good_friday_and_easter_monday():
    thursday = datetime(2030, 4, 18, 15, 0, tzinfo=BERLIN)
    due = EIGHT_BUSINESS_HOURS.due_at(thursday)
    assert due == datetime(2030, 4, 23, 12, 0, tzinfo=BERLIN) and due.tzinfo == UTC
    assert EIGHT_BUSINESS_HOURS.badge(thursday, due - timedelta(minutes=1))[0] == "due"
    assert EIGHT_BUSINESS_HOURS.badge(thursday, datetime(2030, 4, 22, 23, 0, tzinfo=BERLIN))[0] == "ok"
    assert EIGHT_BUSINESS_HOURS.badge(thursday, due)[0] == "overdue"


def test_a_wall_clock_sla_is_unchanged():
    entered = datetime(2030, 4, 18, 15, 0, tzinfo=UTC)
    assert ReviewSettings(sla_hours=8).due_at(entered) == entered + timedelta(hours=8)
    assert ReviewSettings().sla_text == "24 h"


@settings(max_examples=300, deadline=None)
@given(entered=st.datetimes(datetime(2029, 12, 1), datetime(2031, 1, 31), timezones=st.just(UTC)),
       waited_minutes=st.integers(0, 60 * 24 * 21))
def test_the_sql_bound_and_the_badge_agree(entered, waited_minutes):
    """The inbox and escalation select overdue items by ``overdue_if_entered_by``;
    pages show ``due_at``: an item is overdue by one exactly when by the other."""
    now = entered + timedelta(minutes=waited_minutes)
    by_bound = entered <= EIGHT_BUSINESS_HOURS.overdue_if_entered_by(now)
    assert by_bound == (EIGHT_BUSINESS_HOURS.due_at(entered) <= now)


@pytest.mark.parametrize(("review", "key", "words"), [
    ({"sla_business_hours": 8, "calendar": "nowhere"}, "review.calendar", "no business calendar named"),
    ({"sla_business_hours": 8, "calendar": "../office"}, "review.calendar", "letters, digits"),
    ({"sla_business_hours": 8}, "review", "needs calendar"),
    ({"calendar": "office"}, "review", "set sla_business_hours"),
    ({"sla_hours": 4, "sla_business_hours": 8, "calendar": "office"}, "review", "not both"),
    ({"sla_business_hours": 0, "calendar": "office"}, "review.sla_business_hours", "greater than 0"),
    ({"sla_hours": 1e12}, "review.sla_hours", "less than or equal to 8784"),
    ({"sla_business_hours": 8, "calendar": "office", "sla": 3}, "review.sla", "unknown key"),
])
def test_review_table_errors_name_the_bot_file_and_key(review, key, words):
    bot = BotDefinition(name="ap", review=review)
    with pytest.raises(ConfigError) as caught:
        load_review_settings(bot, REPO)
    assert (caught.value.file, caught.value.key) == ("bots/ap.toml", key)
    assert words in caught.value.message


def test_a_broken_calendar_file_is_named_from_the_bot(tmp_path):
    (tmp_path / "config" / "calendars").mkdir(parents=True)
    (tmp_path / "config" / "calendars" / "office.toml").write_text('country = "ZZ"\n')
    bot = BotDefinition(name="ap", review={"sla_business_hours": 8, "calendar": "office"})
    with pytest.raises(ConfigError) as caught:
        load_review_settings(bot, tmp_path)
    assert caught.value.key == "review.calendar"
    assert "unknown country 'ZZ'" in caught.value.message and "office.toml" in caught.value.message


def test_a_calendar_by_name_needs_the_project():
    with pytest.raises(ValueError, match="needs the project"):
        ReviewSettings(sla_business_hours=8, calendar="office")


def test_the_inbox_puts_the_business_overdue_item_first(store, queue, clock):  # noqa: ANN001
    clock.now = datetime(2030, 4, 18, 15, 0, tzinfo=BERLIN).astimezone(UTC)   # Thursday
    business = item_in(queue, ItemState.NEEDS_REVIEW, key="b", bot="invoices")
    clock.now = datetime(2030, 4, 22, 12, 0, tzinfo=BERLIN).astimezone(UTC)   # Easter Monday
    wall = item_in(queue, ItemState.NEEDS_REVIEW, key="w", bot="orders")
    reviews = {"invoices": EIGHT_BUSINESS_HOURS, "orders": ReviewSettings(sla_hours=1)}

    def inbox_at(now: datetime) -> list[tuple[int, str]]:
        rows, _ = review_inbox(store, InboxFilter(), now=now.astimezone(UTC), page_size=10,
                               reviews=reviews, default=ReviewSettings())
        return [(row["id"], row["sla"]) for row in rows]

    # Tuesday 11:00: the wall-clock item is long overdue, the business one is not (7 of 8 h).
    assert inbox_at(datetime(2030, 4, 23, 11, 0, tzinfo=BERLIN)) == [(wall, "overdue"), (business, "due")]
    # Tuesday 12:00: both overdue, the older first.
    assert inbox_at(datetime(2030, 4, 23, 12, 0, tzinfo=BERLIN)) == [(business, "overdue"),
                                                                     (wall, "overdue")]


def test_an_sla_that_does_not_fit_the_calendar_is_a_config_error_at_once():
    narrow = BusinessCalendar(name="narrow", country="DE", hours=["09:00-09:01"])
    review = ReviewSettings(sla_business_hours=366 * 24, calendar=narrow)
    # The walk is bounded (ten years of days), so this raises instead of running for ever.
    for clock in (review.due_at, review.overdue_if_entered_by):
        with pytest.raises(ConfigError, match="do not fit into 10 years") as caught:
            clock(datetime(2030, 1, 1, tzinfo=UTC))
        assert caught.value.file == "config/calendars/narrow.toml"
