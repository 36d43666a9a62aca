"""This project's own invoice rules, picked up by path from keywords/.

A rule is a plain function ``(record, context) -> list[Finding]`` marked with
``@rule``; clerk runs it after the built-in rules, and a Robot Framework task
can call it as a keyword too.
"""

from __future__ import annotations

from decimal import Decimal

from clerk.models.invoice import Invoice
from clerk.validation import Finding, rule, warning

# Round sums on an invoice are rarely real purchases of goods; ask someone to look.
ROUND_AMOUNT_FROM = Decimal("1000")


@rule("weekend_invoice_date", applies_to=Invoice)
def weekend_invoice_date(invoice: Invoice, context: object) -> list[Finding]:
    """An invoice dated on a Saturday or Sunday is unusual: show a warning."""
    if invoice.issue_date.weekday() < 5:
        return []
    day = invoice.issue_date.strftime("%A")
    return [warning("weekend_invoice_date",
                    f"invoice {invoice.number} is dated on a {day} ({invoice.issue_date})",
                    "issue_date", actual=invoice.issue_date)]


@rule("round_amount", applies_to=Invoice)
def round_amount(invoice: Invoice, context: object) -> list[Finding]:
    """A large gross total that is a whole multiple of 100 is worth a second look."""
    gross = invoice.totals.gross
    if gross < ROUND_AMOUNT_FROM or gross % 100 != 0:
        return []
    return [warning("round_amount", f"gross total {gross} {invoice.currency} is a round amount",
                    "totals.gross", actual=gross)]
