from pathlib import Path

from clerk.bots import BotDefinition
from clerk.scheduler.check import bot_schedule, check_bot_schedule

GOOD = {"kind": "business", "calendar": "office", "every": "30m", "coalesce": True,
        "misfire_grace": "2h", "max_instances": 1}


def write_bot(tmp_path: Path, schedule_toml: str) -> Path:
    path = tmp_path / "bots" / "invoices.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('handler = "x:y"\n\n[schedule]\n' + schedule_toml)
    return path


def test_a_bot_without_schedule_is_fine(tmp_path):
    assert bot_schedule(BotDefinition(name="x")) is None
    assert check_bot_schedule(BotDefinition(name="x"), tmp_path / "bots/x.toml", tmp_path) == []


def test_problems_name_the_schedule_key_and_line(tmp_path):
    path = write_bot(tmp_path, 'kind = "interval"\nevery = "5 minutes"\ncoalesce = true\n')
    bot = BotDefinition(name="invoices", schedule={"kind": "interval", "every": "5 minutes",
                                                   "coalesce": True})
    problems = {p.key: p for p in check_bot_schedule(bot, path, tmp_path)}
    assert set(problems) == {"schedule.every", "schedule.misfire_grace", "schedule.max_instances"}
    assert problems["schedule.every"].line == 5
    assert "duration" in problems["schedule.every"].message


def test_a_business_schedule_needs_its_calendar(tmp_path):
    path = write_bot(tmp_path, 'calendar = "office"\n')
    problems = check_bot_schedule(BotDefinition(name="invoices", schedule=GOOD), path, tmp_path)
    assert [(p.key, p.line) for p in problems] == [("schedule.calendar", 4)]
    calendars = tmp_path / "config" / "calendars"
    calendars.mkdir(parents=True)
    (calendars / "office.toml").write_text('hours = ["08:00-17:00"]\ncountry = "DE"\n')
    assert check_bot_schedule(BotDefinition(name="invoices", schedule=GOOD), path, tmp_path) == []
