"""Invoices from the demo world that pass every built-in rule, to be broken on purpose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from clerk.models.invoice import Invoice, InvoiceLine, Party, TaxSubtotal, Totals

PROJECT_KEYWORDS = Path(__file__).resolve().parents[3] / "keywords"
ACME_TAX_ID = "DE129274202"
ACME_IBAN = "DE89370400440532013000"
ACME_NAME = "Acme Office Supplies Ltd"


def line(line_id: str, code: str, description: str, quantity: str, price: str,
         net: str | None = None, rate: str = "19") -> InvoiceLine:
    q, p = Decimal(quantity), Decimal(price)
    return InvoiceLine(id=line_id, description=description, quantity=q, unit="C62",
                       unit_price=p, net_amount=Decimal(net) if net else q * p,
                       tax_category="S", tax_rate=Decimal(rate), product_code=code)


def invoice_for(lines: list[InvoiceLine], *, number: str = "ACME-2026-0001",
                order: str | None = "PO-1001", seller: Party | None = None,
                rate: str = "19", **changes) -> Invoice:
    """A consistent invoice: totals and tax computed from the lines."""
    net = sum((item.net_amount for item in lines), Decimal(0))
    tax = (net * Decimal(rate) / 100).quantize(Decimal("0.01"))
    data = dict(
        number=number, issue_date=date(2026, 11, 24), currency="EUR",
        seller=seller or Party(name=ACME_NAME, tax_id=ACME_TAX_ID, iban=ACME_IBAN),
        order_reference=order, lines=tuple(lines),
        tax_breakdown=(TaxSubtotal(category="S", rate=Decimal(rate), taxable_amount=net,
                                   tax_amount=tax),),
        totals=Totals(line_net=net, net=net, tax=tax, gross=net + tax, payable=net + tax),
    )
    data.update(changes)
    return Invoice(**data)


def po_1001_invoice(**changes) -> Invoice:
    """ACME's invoice for all of PO-1001 (100 paper at 4.20, 4 toner at 89.00)."""
    return invoice_for([
        line("1", "PAPER-A4", "Copy paper A4, 500 sheets", "100", "4.20"),
        line("2", "TONER-K", "Toner cartridge black", "4", "89.00"),
    ], **changes)


def with_totals(invoice: Invoice, **changes) -> Invoice:
    """The invoice with some totals replaced (validated, so "1.00" becomes a Decimal)."""
    return revised(invoice, totals={**invoice.totals.model_dump(), **changes})


def revised(invoice: Invoice, **changes) -> Invoice:
    """A corrected copy, validated like an extracted record (model_copy would not)."""
    return Invoice.model_validate({**invoice.model_dump(), **changes})
