from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clerk.extract import ExtractionSession, ExtractSettings
from clerk.models.invoice import Invoice, InvoiceLine, Party, TaxSubtotal, Totals

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = REPO / "config" / "templates"


@pytest.fixture(scope="session")
def settings() -> ExtractSettings:
    return ExtractSettings(templates_dir=TEMPLATES)


@pytest.fixture(scope="session")
def session(settings):
    with ExtractionSession(settings) as shared:
        yield shared


@pytest.fixture()
def mixed_invoice() -> Invoice:
    """Two tax rates, a document allowance and charge, a prepaid amount."""
    lines = (
        InvoiceLine(id="1", description="Toner", quantity=Decimal("2"), unit="C62", unit_price=Decimal("89.00"),
                    net_amount=Decimal("178.00"), tax_category="S", tax_rate=Decimal("19"), product_code="TONER-K"),
        InvoiceLine(id="2", description="Books", quantity=Decimal("3"), unit="C62", unit_price=Decimal("10.00"),
                    net_amount=Decimal("30.00"), tax_category="S", tax_rate=Decimal("7")),
    )
    # allowance 10 and charge 5 both taxed at 19 %: 178 - 10 + 5 = 173 at 19 %, 30 at 7 %
    breakdown = (TaxSubtotal(category="S", rate=Decimal("19"), taxable_amount=Decimal("173.00"),
                             tax_amount=Decimal("32.87")),
                 TaxSubtotal(category="S", rate=Decimal("7"), taxable_amount=Decimal("30.00"),
                             tax_amount=Decimal("2.10")))
    return Invoice(
        number="MIX-1", issue_date=date(2026, 11, 2), currency="EUR",
        seller=Party(name="Nordwind Logistik GmbH", tax_id="DE136695976", iban="DE02120300000000202051",
                     country="DE"),
        lines=lines, tax_breakdown=breakdown,
        totals=Totals(line_net=Decimal("208.00"), allowances=Decimal("10.00"), charges=Decimal("5.00"),
                      net=Decimal("203.00"), tax=Decimal("34.97"), gross=Decimal("237.97"),
                      prepaid=Decimal("37.97"), payable=Decimal("200.00")),
    )
