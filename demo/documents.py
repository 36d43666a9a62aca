"""The demo world's documents: what the suppliers send and publish, and what should happen.

Everything is derived from demo/world.toml and fixed dates, so `make demo` and
the tests see byte-identical documents. The purchase orders are split across
the invoices so that the sum of each supplier's invoiced quantities equals
what was received: every clean invoice passes a three-way match, and the
review cases fail for exactly the reason they were built for.

PO-1001 ACME (100 paper, 4 toner): mail 0101 (20+1), 0102 (10+1), 0103 (10),
0104 (10); portal 0201 (20), 0202 (10+1), 0203 (20+1). GHOST has no order.
PO-1004 ACME (20 paper received): portal 0204 (10), 0205 (5), 0206 (5).
PO-1002 NORD (3 freight): 0117, 0118, 0119, one each.
PO-1003 BRIO (1 coffee): 031.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cached_property
from typing import Literal

import facturx.facturx as _facturx_module

from clerk.models.invoice import Invoice
from clerk.testing.documents import (
    cii_xml,
    demo_invoice,
    facturx_pdf,
    plain_pdf,
    ubl_xml,
)

# Every date in the demo world counts from here (never from today), so the
# documents are the same on every machine and every day.
DEMO_DAY = date(2026, 11, 2)
CHANGED_IBAN = "DE75512108001245126199"   # a valid German IBAN that is not ACME's
LAYOUT = {"ACME": "acme", "NORD": "nordwind", "BRIO": "brio", "GHOST": "acme"}
PAPER, TONER, FREIGHT, COFFEE = (("PAPER-A4", "4.20"), ("TONER-K", "89.00"),
                                 ("FREIGHT", "145.00"), ("COFFEE", "310.00"))

Outcome = Literal["posted", "needs_review", "quarantined"]
Format = Literal["ubl", "cii", "facturx", "plain", "malformed"]


@dataclass(frozen=True)
class ExpectedOutcome:
    """What clerk should do with one demo document."""

    channel: Literal["email", "portal"]
    source_ref: str                  # the message name, or the portal document id
    filename: str                    # the attachment or download that carries the invoice
    supplier: str                    # supplier code in demo/world.toml
    number: str | None               # invoice number; None when unreadable on purpose
    outcome: Outcome
    reason: str | None = None        # the reason code a reviewer sees (needs_review, quarantined)


@dataclass(frozen=True)
class PortalDocument:
    """One invoice on the demo supplier portal; its files are rendered on first use."""

    id: str
    invoice: Invoice = field(repr=False)

    @property
    def number(self) -> str:
        return self.invoice.number

    @property
    def date(self) -> date:
        return self.invoice.issue_date

    @property
    def gross(self) -> Decimal:
        return self.invoice.totals.gross

    @cached_property
    def pdf(self) -> bytes:
        return plain_pdf(self.invoice, "acme")

    @cached_property
    def xml(self) -> bytes:
        return ubl_xml(self.invoice)


@contextmanager
def _demo_clock() -> Iterator[None]:
    """The factur-x library stamps the PDF with the current time; the demo needs the
    same bytes on every run, so its clock reads the demo day while a PDF is made."""
    frozen = datetime.combine(DEMO_DAY, datetime.min.time(), tzinfo=UTC)

    class _DemoDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            return frozen if tz else frozen.replace(tzinfo=None)

    original = _facturx_module.datetime
    _facturx_module.datetime = _DemoDatetime
    try:
        yield
    finally:
        _facturx_module.datetime = original


def deterministic_facturx(invoice: Invoice, layout: str) -> bytes:
    """``facturx_pdf`` with the demo day as its timestamp: byte-identical every time."""
    with _demo_clock():
        return facturx_pdf(invoice, layout)


def _line(product: tuple[str, str], quantity: int) -> tuple[str, str, str]:
    return (product[0], str(quantity), product[1])


# The standard VAT rate of each supplier's country (what the ERP's products carry).
VAT_RATE = {"ACME": Decimal("19"), "NORD": Decimal("19"), "BRIO": Decimal("20"), "GHOST": Decimal("20")}


def _invoice(supplier: str, number: str, days: int, po: str | None, *lines: tuple[str, str, str],
             iban: str | None = None) -> Invoice:
    return demo_invoice(supplier, number, list(lines), order_reference=po, tax_rate=VAT_RATE[supplier],
                        issue_date=DEMO_DAY + timedelta(days=days), iban=iban)


def _with_wrong_total(invoice: Invoice, extra: Decimal) -> Invoice:
    """The same invoice with a printed total that is not the sum of its lines plus tax."""
    totals = invoice.totals.model_copy(update={"gross": invoice.totals.gross + extra,
                                               "payable": invoice.totals.payable + extra})
    return invoice.model_copy(update={"totals": totals})


_PORTAL = (
    ("doc-0201", "ACME-2026-0201", 1, "PO-1001", (_line(PAPER, 20),)),
    ("doc-0202", "ACME-2026-0202", 2, "PO-1001", (_line(PAPER, 10), _line(TONER, 1))),
    ("doc-0203", "ACME-2026-0203", 3, "PO-1001", (_line(PAPER, 20), _line(TONER, 1))),
    ("doc-0204", "ACME-2026-0204", 4, "PO-1004", (_line(PAPER, 10),)),
    ("doc-0205", "ACME-2026-0205", 5, "PO-1004", (_line(PAPER, 5),)),
    ("doc-0206", "ACME-2026-0206", 6, "PO-1004", (_line(PAPER, 5),)),
)


def portal_documents(count: int | None = None) -> list[PortalDocument]:
    """The invoices ACME publishes on its portal, newest last.

    ``count`` above the demo's own six adds synthetic invoices for load tests
    (they over-invoice PO-1001 and are not part of ``expected_outcomes``).
    """
    documents = [PortalDocument(doc_id, _invoice("ACME", number, days, po, *lines))
                 for doc_id, number, days, po, lines in _PORTAL]
    for index in range(len(documents), count or 0):
        number = f"ACME-2026-{9000 + index:04d}"
        documents.append(PortalDocument(f"doc-{9000 + index}", _invoice(
            "ACME", number, index % 28, "PO-1001", _line(PAPER, 1 + index % 5))))
    return documents if count is None else documents[:count]


def portal_outcomes() -> list[ExpectedOutcome]:
    """Every demo portal invoice fits its purchase order: all are posted."""
    return [ExpectedOutcome("portal", doc_id, f"{number}.xml", "ACME", number, "posted")
            for doc_id, number, _days, _po, _lines in _PORTAL]


@dataclass(frozen=True)
class MailedInvoice:
    """One invoice as a supplier mails it."""

    name: str                        # message name, e.g. "01-acme-ubl"
    supplier: str
    invoice: Invoice | None          # None for the malformed PDF
    format: Format
    outcome: Outcome
    reason: str | None = None
    declared_type: str | None = None  # Content-Type to declare instead of the real one
    number: str | None = None         # for the malformed one, whose invoice is unreadable

    @property
    def invoice_number(self) -> str | None:
        return self.invoice.number if self.invoice else self.number

    def attachment(self) -> tuple[str, bytes, str]:
        """(file name, bytes, declared content type)."""
        number = self.invoice_number or self.name
        if self.format == "malformed":
            # A PDF cut off in the middle of its first object: unreadable, must be quarantined.
            data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + b"\x00\x17garbage" * 40
            return f"{number}.pdf", data, "application/pdf"
        assert self.invoice is not None
        if self.format == "ubl":
            return f"{number}.xml", ubl_xml(self.invoice), "application/xml"
        if self.format == "cii":
            return f"{number}_cii.xml", cii_xml(self.invoice), "text/xml"
        layout = LAYOUT[self.supplier]
        data = (deterministic_facturx(self.invoice, layout) if self.format == "facturx"
                else plain_pdf(self.invoice, layout))
        return f"{number}.pdf", data, self.declared_type or "application/pdf"


def mailed_invoices() -> list[MailedInvoice]:
    """The demo mailbox's invoices, in the order they arrive."""
    good_ubl = _invoice("ACME", "ACME-2026-0101", 0, "PO-1001", _line(PAPER, 20), _line(TONER, 1))
    return [
        MailedInvoice("01-acme-ubl", "ACME", good_ubl, "ubl", "posted"),
        MailedInvoice("02-nord-cii", "NORD", _invoice("NORD", "NW-2026-0117", 1, "PO-1002", _line(FREIGHT, 1)),
                      "cii", "posted"),
        MailedInvoice("03-nord-facturx", "NORD",
                      _invoice("NORD", "NW-2026-0118", 2, "PO-1002", _line(FREIGHT, 1)), "facturx", "posted"),
        MailedInvoice("04-nord-plain", "NORD", _invoice("NORD", "NW-2026-0119", 3, "PO-1002", _line(FREIGHT, 1)),
                      "plain", "posted"),
        MailedInvoice("05-brio-plain", "BRIO", _invoice("BRIO", "BRIO-2026-031", 3, "PO-1003", _line(COFFEE, 1)),
                      "plain", "posted"),
        MailedInvoice("06-acme-octet-stream", "ACME",
                      _invoice("ACME", "ACME-2026-0102", 4, "PO-1001", _line(PAPER, 10), _line(TONER, 1)),
                      "plain", "posted", declared_type="application/octet-stream"),
        MailedInvoice("07-acme-duplicate", "ACME", good_ubl, "ubl", "needs_review", "duplicate_invoice"),
        MailedInvoice("08-acme-wrong-total", "ACME", _with_wrong_total(
            _invoice("ACME", "ACME-2026-0103", 5, "PO-1001", _line(PAPER, 10)), Decimal("100.00")),
            "plain", "needs_review", "total_mismatch"),
        MailedInvoice("09-acme-new-iban", "ACME", _invoice(
            "ACME", "ACME-2026-0104", 6, "PO-1001", _line(PAPER, 10), iban=CHANGED_IBAN),
            "ubl", "needs_review", "bank_account_changed"),
        MailedInvoice("10-ghost-ubl", "GHOST", _invoice("GHOST", "GT-7781", 6, None, _line(PAPER, 10)),
                      "ubl", "needs_review", "unknown_supplier"),
        MailedInvoice("11-nord-malformed", "NORD", None, "malformed", "quarantined", number="NW-2026-0120"),
    ]


def mail_outcomes() -> list[ExpectedOutcome]:
    return [ExpectedOutcome("email", mail.name, mail.attachment()[0], mail.supplier, mail.invoice_number,
                            mail.outcome, mail.reason)
            for mail in mailed_invoices()]


def expected_outcomes() -> list[ExpectedOutcome]:
    """What should happen to every demo document (mailbox first, then portal).

    ``reason`` is the reason code that must be among the review findings; a
    quarantined document's reason depends on the extractor and is left open.
    """
    return [*mail_outcomes(), *portal_outcomes()]
