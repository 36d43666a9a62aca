from datetime import timedelta

import pytest
from pydantic import ValidationError

from clerk.scheduler.model import ScheduleSpec, parse_duration

EXPLICIT = {"coalesce": True, "misfire_grace": "1h", "max_instances": 1}


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200),
                                               ("1d", 86400), (90, 90), ("1.5m", 90)])
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["15", "m", "15 minutes", True, None])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize("missing", ["coalesce", "misfire_grace", "max_instances"])
def test_misfire_behaviour_must_be_explicit(missing):
    values = {"kind": "interval", "every": "5m", **EXPLICIT}
    del values[missing]
    with pytest.raises(ValidationError) as error:
        ScheduleSpec(**values)
    assert error.value.errors()[0]["loc"] == (missing,)


@pytest.mark.parametrize(("values", "message"), [
    ({"kind": "interval"}, "needs every"),
    ({"kind": "cron"}, "needs cron"),
    ({"kind": "date"}, "needs at"),
    ({"kind": "business", "calendar": "office"}, "exactly one of"),
    ({"kind": "business", "calendar": "office", "every": "1h", "times": ["09:00"]}, "exactly one of"),
    ({"kind": "date", "at": "2026-12-01T09:00:00"}, "UTC offset"),
    ({"kind": "cron", "cron": "0 25 * * *"}, "crontab"),
    ({"kind": "interval", "every": "0s"}, "longer than zero"),
    ({"kind": "interval", "every": "5m", "timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"kind": "hourly"}, "kind"),
])
def test_invalid_schedules(values, message):
    with pytest.raises(ValidationError, match=message):
        ScheduleSpec(**{**EXPLICIT, **values})


def test_fingerprint_ignores_enabled_but_not_the_trigger():
    base = ScheduleSpec(kind="interval", every="5m", **EXPLICIT)
    assert base.fingerprint() == ScheduleSpec(kind="interval", every="5m", enabled=False,
                                              **EXPLICIT).fingerprint()
    assert base.fingerprint() != ScheduleSpec(kind="interval", every="6m", **EXPLICIT).fingerprint()
