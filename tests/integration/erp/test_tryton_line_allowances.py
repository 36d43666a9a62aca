"""A line's own allowances and charges (BG-27/28) reach the ERP: its books show
the line net and the invoice totals the supplier stated, not quantity x price."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from clerk.models.invoice import LineAllowanceCharge, Totals
from tests.integration.erp.invoices import acme_paper_invoice

pytestmark = pytest.mark.integration


def test_line_allowances_and_charges_are_booked(tryton_connector):
    base = acme_paper_invoice(f"ALW-{uuid.uuid4().hex[:8]}")       # 100 x 4.20 = 420.00
    line = base.lines[0].model_copy(update={
        "allowances": (LineAllowanceCharge(amount=Decimal("25.00"), reason="Volume discount"),),
        "charges": (LineAllowanceCharge(charge=True, amount=Decimal("5.00"), reason="Packing"),),
        "net_amount": Decimal("400.00")})
    invoice = base.model_copy(update={"lines": (line,), "totals": Totals(
        line_net=Decimal("400.00"), net=Decimal("400.00"), tax=Decimal("76.00"),
        gross=Decimal("476.00"), payable=Decimal("476.00"))})
    [ref] = tryton_connector.create_drafts([(invoice, f"alw-{uuid.uuid4().hex}")])
    [row] = tryton_connector.rpc.call("model.account.invoice.read", [ref.id],
                                      ["untaxed_amount", "tax_amount", "total_amount"])
    assert (row["untaxed_amount"], row["tax_amount"], row["total_amount"]) == (
        Decimal("400.00"), Decimal("76.00"), Decimal("476.00"))
