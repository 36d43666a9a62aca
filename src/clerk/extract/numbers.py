"""Numbers and dates as suppliers print them: "1,234.56", "1.234,56", "1 234,56", "€ 1'234.56".

A currency symbol or ISO code before or after the amount is dropped;
format ``auto`` takes the last separator followed by one or two digits as
the decimal mark and refuses what stays ambiguous ("1.234": a thousand, or
one and a quarter?) rather than guess.
"""

from __future__ import annotations

from datetime import date, datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from clerk.errors import ExtractionError

NumberFormat = Literal["1,234.56", "1.234,56", "1 234,56", "1234.56", "1'234.56", "auto"]
_SEPARATORS = {  # (thousands, decimal)
    "1,234.56": (",", "."), "1.234,56": (".", ","), "1 234,56": (" ", ","), "1234.56": ("", "."),
    "1'234.56": ("'", "."),
}
_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[€$£¥]|CHF|Fr\.)\s*|\s*(?:[A-Z]{3}|[€$£¥]|CHF)$")
_LAST_SEPARATOR = re.compile(r"[.,'](\d+)-?$")
_SPACES = ("\u00a0", "\u202f", "\u2009", " ")


def parse_amount(text: str, number_format: NumberFormat, what: str = "amount") -> Decimal:
    """``"1.234,56"`` with format ``"1.234,56"`` -> ``Decimal("1234.56")``; trailing or leading minus kept."""
    cleaned = _CURRENCY.sub("", text.strip()).strip()
    if number_format == "auto":
        number_format = _guess_format(cleaned, what)
    thousands, decimal = _SEPARATORS[number_format]
    for space in _SPACES:
        cleaned = cleaned.replace(space, " " if thousands == " " else "")
    negative = cleaned.startswith("-") or cleaned.endswith("-")
    cleaned = cleaned.strip("-").strip()
    if thousands:
        cleaned = cleaned.replace(thousands, "")
    cleaned = cleaned.replace(decimal, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ExtractionError("bad_number", f"{what}: {text[:40]!r} is not a number in {number_format}") from None
    if not value.is_finite():
        raise ExtractionError("bad_number", f"{what}: {text[:40]!r} is not finite")
    return -value if negative else value


def _guess_format(text: str, what: str) -> NumberFormat:
    compact = "".join(text.split())
    last = _LAST_SEPARATOR.search(compact)
    if last is None:
        return "1234.56"
    mark, digits = compact[last.start()], last.group(1)
    if len(digits) == 3 and len(set(re.findall(r"[.,']", compact))) == 1:
        raise ExtractionError("bad_number", f"{what}: {text[:40]!r} is ambiguous (thousands or decimals?); "
                                            "give the template a number_format")
    if mark == "'":
        raise ExtractionError("bad_number", f"{what}: {text[:40]!r} ends in a thousands mark")
    if mark == ",":
        return "1 234,56" if " " in text.strip() and "." not in compact else "1.234,56"
    return "1'234.56" if "'" in compact else "1,234.56"


def parse_date(text: str, date_format: str, what: str = "date") -> date:
    """``text`` by a strptime format (``%d.%m.%Y``); English month names for ``%b``."""
    try:
        return datetime.strptime(text.strip(), date_format).date()
    except ValueError:
        raise ExtractionError("bad_date", f"{what}: {text[:40]!r} does not match {date_format}") from None
