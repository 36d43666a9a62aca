"""Template-free proposals matched to the supplier in the real Tryton by VAT id or IBAN (issue 24)."""

from pathlib import Path

import pytest

from clerk.extract import ExtractionSession, ExtractSettings
from clerk.extract.proposals import with_erp_supplier
from clerk.testing import plain_pdf
from tests.unit.extract.ocr.scans import invoice_for

pytestmark = pytest.mark.integration
TEMPLATES = Path(__file__).resolve().parents[3] / "config" / "templates"


@pytest.mark.parametrize("supplier, layout, erp_name", [
    ("NORD", "vanrijn", "Nordwind Logistik GmbH"),      # Dutch layout
    ("BRIO", "lungo", "Brio Café Services SARL"),       # Italian
    ("ACME", "sierra", "Acme Office Supplies Ltd"),     # Spanish
])
def test_the_supplier_is_found_in_tryton_by_what_the_page_shows(tryton_connector, supplier, layout, erp_name):
    invoice = invoice_for(supplier)
    printed = invoice.model_copy(update={"seller": invoice.seller.model_copy(update={"name": "Unknown Letterhead"})})
    with ExtractionSession(ExtractSettings(templates_dir=TEMPLATES)) as session:
        proposal = session.extract(plain_pdf(printed, layout))
    assert proposal.extractor == "proposed" and proposal.record.seller.name == "Unknown Letterhead"
    matched = with_erp_supplier(proposal, tryton_connector)
    assert matched.record.seller.name == erp_name
    assert [f.code for f in matched.findings] == ["proposed_without_template"]   # still for a person


def test_an_iban_alone_finds_the_supplier(tryton_connector):
    invoice = invoice_for("BRIO")
    no_vat = invoice.model_copy(update={"seller": invoice.seller.model_copy(update={"tax_id": None})})
    with ExtractionSession(ExtractSettings(templates_dir=TEMPLATES)) as session:
        proposal = session.extract(plain_pdf(no_vat, "hafen"))
    assert proposal.record.seller.tax_id is None
    assert with_erp_supplier(proposal, tryton_connector).record.seller.name == "Brio Café Services SARL"
