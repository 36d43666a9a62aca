"""The ``holidays`` package behind business calendars: what it knows (to
check a calendar file) and the public holidays of one year.

Years are computed on first use and memoised: a holiday set depends only on
(country, subdivision, categories, year), and a scheduler asks for the same
few years thousands of times.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

# Removals by name are checked against the names the package uses over this
# span: wide enough for any holiday a project would plan around.
NAME_YEARS = range(1990, 2101)


@lru_cache(maxsize=1)
def _countries() -> dict[str, list[str]]:
    return holidays.list_supported_countries()


def check_country(code: str) -> str:
    """``code`` as the package spells it; ValueError naming near misses."""
    countries = _countries()
    if code in countries:
        return code
    if code.upper() in countries:
        return code.upper()
    near = difflib.get_close_matches(code.upper(), list(countries), n=3)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise ValueError(f"unknown country {code!r}: use an ISO 3166 code the holidays package "
                     f"knows (DE, AT, CH, FR, GB, US ...){hint}")


def check_subdivision(country: str, subdivision: str) -> str:
    """The subdivision's code (an alias such as 'Berlin' gives 'BE')."""
    known = _countries()[country]
    if subdivision in known:
        return subdivision
    aliases = getattr(holidays.country_holidays(country), "subdivisions_aliases", {}) or {}
    by_upper = {code.upper(): code for code in known}
    found = aliases.get(subdivision) or by_upper.get(subdivision.upper())
    if found:
        return found
    if not known:
        raise ValueError(f"{country} has no subdivisions in the holidays package; leave it out")
    raise ValueError(f"unknown subdivision {subdivision!r} of {country}; "
                     f"known: {', '.join(sorted(known))}")


def check_categories(country: str, subdivision: str | None, wanted: list[str]) -> tuple[str, ...]:
    supported = holidays.country_holidays(country, subdiv=subdivision).supported_categories
    unknown = [name for name in wanted if name.lower() not in supported]
    if unknown or not wanted:
        raise ValueError(f"unknown holiday categories {unknown or wanted} for {country}; "
                         f"known: {', '.join(sorted(supported))}")
    return tuple(sorted({name.lower() for name in wanted}))


@lru_cache(maxsize=512)
def public_holidays(country: str, subdivision: str | None, categories: tuple[str, ...],
                    year: int) -> Mapping[date, str]:
    """date -> name of every holiday of ``year`` (read-only)."""
    found = holidays.country_holidays(country, subdiv=subdivision, categories=categories,
                                      years=year)
    return MappingProxyType(dict(found))


@lru_cache(maxsize=64)
def holiday_names(country: str, subdivision: str | None, categories: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for year in NAME_YEARS:
        for joined in public_holidays(country, subdivision, categories, year).values():
            names.update(joined.split("; "))
    return frozenset(names)
