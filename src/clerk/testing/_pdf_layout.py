"""What one supplier prints: labels, number format, and dates (month names in its language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

@dataclass(frozen=True)
class Layout:
    """The words and formats one supplier prints; mirrors config/templates/<name>.yml."""

    title: str
    credit_title: str
    tax_id: str
    number: str
    issue_date: str
    due_date: str
    order: str
    bill_to: str
    header: tuple[str, ...]
    net: str
    tax: str
    gross: str
    payable: str
    iban: str
    date_format: str
    thousands: str
    decimal: str
    currency_suffix: bool
    month_language: str | None = None   # %B / %b in CLDR names of this language (babel); None: English




def printed_date(value: date, layout: Layout) -> str:
    """``value`` by ``layout.date_format``, month names in ``layout.month_language``."""
    fmt = layout.date_format
    if layout.month_language:
        from babel import Locale

        months = Locale.parse(layout.month_language).months["format"]
        fmt = fmt.replace("%B", months["wide"][value.month]).replace("%b", months["abbreviated"][value.month])
    return value.strftime(fmt)
