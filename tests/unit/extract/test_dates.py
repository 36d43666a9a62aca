from datetime import date

import pytest

from clerk.errors import ExtractionError
from clerk.extract.dates import check_languages, parse_date


@pytest.mark.parametrize("text, formats, languages", [
    ("2 november 2026", "%d %B %Y", ("nl",)), ("2. November 2026", "%d. %B %Y", ("de",)),
    ("2 Nov. 2026", "%d %b %Y", ("de",)), ("2 novembre 2026", "%d %B %Y", ("fr", "it")),
    ("2 de noviembre de 2026", "%d de %B de %Y", ("es",)), ("02 nov 2026", "%d %b %Y", ("it",)),
    ("2 NOVEMBRE 2026", "%d %B %Y", ("fr",)), ("02.11.2026", ("%d %B %Y", "%d.%m.%Y"), ("de",)),
    ("2 Nov 2026", "%d %b %Y", ("en",)), ("2026-11-02", "%Y-%m-%d", ("en",)),
])
def test_month_names_in_the_templates_languages(text, formats, languages):
    assert parse_date(text, formats, languages) == date(2026, 11, 2)


def test_accents_may_be_dropped_by_ocr_or_typist():
    assert parse_date("2 decembre 2026", "%d %B %Y", ("fr",)) == date(2026, 12, 2)
    assert parse_date("2. Marz 2026", "%d. %B %Y", ("de",)) == date(2026, 3, 2)


@pytest.mark.parametrize("text, formats, languages", [
    ("2 novembre 2026", "%d %B %Y", ("en",)),        # a French month with English names only
    ("31.11.2026", "%d.%m.%Y", ("de",)),             # no such day
    ("2 November 2026 extra", "%d %B %Y", ("en",)),  # the whole text must match
    ("O2.1l.2026", "%d.%m.%Y", ("de",)),             # a misread is not repaired into a date
])
def test_no_guessing(text, formats, languages):
    with pytest.raises(ExtractionError) as caught:
        parse_date(text, formats, languages)
    assert caught.value.reason == "bad_date"


def test_unknown_languages_are_refused():
    with pytest.raises(ValueError):
        check_languages(("zz",))
    assert check_languages(("nl", "de-AT")) == ("nl", "de-AT")
