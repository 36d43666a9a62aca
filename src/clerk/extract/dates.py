"""Dates as suppliers print them, in their own language: "2 novembre 2026", "2. November 2026".

A template names its formats (strptime codes) and its languages. ``%B`` and
``%b`` match the month names CLDR gives for those languages (through babel),
wide and abbreviated, with or without the abbreviation's dot, ignoring case;
everything else in the format must match exactly. Strict on purpose: a
fuzzy date parser turns a misread scan into a plausible wrong date, which is
the one thing extraction must never do.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from clerk.errors import ExtractionError

_NUMERIC = {"%d": r"(?P<day>\d{1,2})", "%m": r"(?P<month>\d{1,2})", "%Y": r"(?P<year>\d{4})",
            "%y": r"(?P<short_year>\d{2})", "%-d": r"(?P<day>\d{1,2})", "%-m": r"(?P<month>\d{1,2})"}


def check_languages(languages: tuple[str, ...]) -> tuple[str, ...]:
    """``languages`` unchanged, or ``ValueError`` naming the ones CLDR does not know."""
    unknown = [code for code in languages if _locale(code) is None]
    if unknown or not languages:
        raise ValueError(f"unknown date languages {unknown}: use codes such as en, de, fr, nl, it, es")
    return languages


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def _fold(text: str) -> str:
    # "Décembre" and "decembre", "März" and "marz": OCR and typists drop accents.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).rstrip(".")


@lru_cache(maxsize=64)
def month_names(languages: tuple[str, ...]) -> dict[str, int]:
    """Folded month name -> month number, every width and context CLDR has for ``languages``."""
    names: dict[str, int] = {}
    for code in languages:
        locale = _locale(code)
        if locale is None:
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    names.setdefault(_fold(name), number)
    return names


@lru_cache(maxsize=256)
def _format_regex(date_format: str) -> re.Pattern[str]:
    parts, index = [], 0
    while index < len(date_format):
        two, three = date_format[index:index + 2], date_format[index:index + 3]
        if three in _NUMERIC:
            parts.append(_NUMERIC[three])
            index += 3
        elif two in _NUMERIC:
            parts.append(_NUMERIC[two])
            index += 2
        elif two in ("%B", "%b"):
            parts.append(r"(?P<month_name>[^\W\d_]+\.?)")
            index += 2
        elif date_format[index] == " ":
            parts.append(r"\s+")
            index += 1
        else:
            parts.append(re.escape(date_format[index]))
            index += 1
    return re.compile("".join(parts), re.IGNORECASE)


def _from_match(match: re.Match[str], languages: tuple[str, ...]) -> date | None:
    groups = match.groupdict()
    if groups.get("month_name") is not None:
        month = month_names(languages).get(_fold(groups["month_name"]))
        if month is None:
            return None
    else:
        month = int(groups["month"])
    year = int(groups["year"]) if groups.get("year") else 2000 + int(groups["short_year"])
    try:
        return date(year, month, int(groups["day"]))
    except (ValueError, TypeError, KeyError):
        return None


def parse_date(text: str, formats: tuple[str, ...] | str, languages: tuple[str, ...] = ("en",),
               what: str = "date") -> date:
    """``text`` by the first of ``formats`` it matches in full; ``ExtractionError('bad_date')`` otherwise."""
    formats = (formats,) if isinstance(formats, str) else formats
    cleaned = " ".join(text.split())
    for date_format in formats:
        match = _format_regex(date_format).fullmatch(cleaned)
        if match is not None and (value := _from_match(match, languages)) is not None:
            return value
    raise ExtractionError("bad_date", f"{what}: {text[:40]!r} is not a date in {' or '.join(formats)} "
                                      f"({', '.join(languages)})")
