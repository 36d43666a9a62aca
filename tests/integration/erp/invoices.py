"""Invoices of the demo world (demo/world.toml) for the ERP tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, Party, Totals

ACME = Party(name="Acme Office Supplies Ltd", tax_id="DE129274202",
             iban="DE89370400440532013000", country="DE")
NORD = Party(name="Nordwind Logistik GmbH", tax_id="DE136695976", country="DE")


def acme_paper_invoice(number: str, *, quantity: Decimal = Decimal(100),
                       issue_date: datetime.date | None = None,
                       order_reference: str | None = "PO-1001",
                       credit_note: bool = False) -> Invoice:
    """Copy paper from Acme at 4.20 with 19 % VAT, against PO-1001 by default."""
    net = (quantity * Decimal("4.20")).quantize(Decimal("0.01"))
    tax = (net * Decimal("0.19")).quantize(Decimal("0.01"))
    line = InvoiceLine(id="1", description="Copy paper A4, 500 sheets", quantity=quantity,
                       unit="C62", unit_price=Decimal("4.20"), net_amount=net,
                       tax_category="S", tax_rate=Decimal(19), product_code="PAPER-A4")
    return Invoice(number=number, issue_date=issue_date or datetime.date.today(),
                   type=DocumentType.CREDIT_NOTE if credit_note else DocumentType.INVOICE,
                   currency="EUR", seller=ACME, order_reference=order_reference,
                   lines=(line,),
                   totals=Totals(line_net=net, net=net, tax=tax, gross=net + tax,
                                 payable=net + tax))


def nordwind_freight_invoice(number: str) -> Invoice:
    """Freight against PO-1002, plus a line the order does not know (no product)."""
    lines = (
        InvoiceLine(id="1", description="Pallet freight, domestic", quantity=Decimal(3),
                    unit="C62", unit_price=Decimal("145.00"), net_amount=Decimal("435.00"),
                    tax_category="S", tax_rate=Decimal(19), product_code="FREIGHT"),
        InvoiceLine(id="2", description="Fuel surcharge", quantity=Decimal(1),
                    unit="C62", unit_price=Decimal("12.50"), net_amount=Decimal("12.50"),
                    tax_category="S", tax_rate=Decimal(19)),
    )
    return Invoice(number=number, issue_date=datetime.date.today(), currency="EUR",
                   seller=NORD, order_reference="PO-1002", lines=lines,
                   totals=Totals(line_net=Decimal("447.50"), net=Decimal("447.50"),
                                 tax=Decimal("85.03"), gross=Decimal("532.53"),
                                 payable=Decimal("532.53")))


def unpostable_invoice(number: str) -> Invoice:
    """Dated where the ERP has no fiscal year: created as a draft, refused at posting."""
    return acme_paper_invoice(number, issue_date=datetime.date(1990, 1, 15),
                              order_reference=None)
