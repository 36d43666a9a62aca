"""The rules on whole documents: the official PEPPOL examples, invoices that
lack mandatory parts (reported by rule and kept for review, not an extraction
error), identifier checks through python-stdnum, and ``clerk extract --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from clerk.cli import app
from clerk.extract import ExtractSettings, extract_files
from clerk.extract.en16931 import RuleBreach, check_document
from clerk.extract.en16931._ids import iban_valid, vat_id_valid
from clerk.models.finding import Severity
from clerk.pipeline_validation import _kept_findings
from clerk.testing._en16931 import EInvoiceEditor, rich_document
from tests.fixtures.services import service_missing

SAMPLES = Path("/work/shared/samples/ubl")


def test_the_official_peppol_examples_break_no_rule():
    samples = sorted(SAMPLES.glob("*.xml")) if SAMPLES.is_dir() else []
    if not samples:
        service_missing(f"PEPPOL UBL examples in {SAMPLES}")
    for path in samples:
        findings = check_document(etree.fromstring(path.read_bytes()))
        errors = [(f.code, f.field) for f in findings if f.severity is Severity.ERROR]
        assert errors == [], path.name
        # their made-up identifiers (GB1232434, SE1212341234123412) are only warned about
        assert {f.code for f in findings} <= {"vat_id_invalid", "iban_invalid"}


def _without_seller_name_and_gross(syntax: str) -> bytes:
    return EInvoiceEditor(rich_document(syntax)).drop("BT-27").drop("BT-112").bytes()


@pytest.mark.parametrize("syntax,seller,gross", [
    ("ubl", "/ubl:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
     "/ubl:Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"),
    ("cii", "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
            "ram:SellerTradeParty/ram:Name",
     "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
     "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount"),
])
def test_missing_mandatory_parts_are_rule_findings_for_review(session, syntax, seller, gross):
    with pytest.raises(RuleBreach) as caught:
        session.extract(_without_seller_name_and_gross(syntax))
    found = {(f["code"], f["field"]) for f in caught.value.findings}
    assert {("BR-06", seller), ("BR-14", gross), ("BR-CO-15", gross)} <= found
    assert caught.value.code == "en16931" and "BR-06" in caught.value.message


def test_extract_files_lists_the_findings_of_each_file(tmp_path):
    kept = tmp_path / "kept.xml"
    kept.write_bytes(EInvoiceEditor(rich_document("cii")).drop("BT-9", "BT-20").bytes())   # BR-CO-25 only
    broken = tmp_path / "broken.xml"
    broken.write_bytes(_without_seller_name_and_gross("ubl"))
    first, second = extract_files([kept, broken], ExtractSettings())
    assert first["number"] == "EN-1" and [f["code"] for f in first["findings"]] == ["BR-CO-25"]
    assert second["error"]["reason"] == "en16931"
    assert {"BR-06", "BR-14", "BR-CO-15"} <= {f["code"] for f in second["findings"]}


def test_clerk_extract_json_prints_the_findings_per_file(tmp_path):
    clean = tmp_path / "clean.xml"
    clean.write_bytes(rich_document("ubl"))
    broken = tmp_path / "broken.xml"
    broken.write_bytes(_without_seller_name_and_gross("cii"))
    result = CliRunner().invoke(app, ["extract", str(clean), str(broken), "--json"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["findings"] == [] and first["totals"]["gross"] == "357.00"
    assert {"BR-06", "BR-14", "BR-CO-15"} <= {f["code"] for f in second["findings"]}
    assert all(f["field"].startswith("/rsm:CrossIndustryInvoice/") for f in second["findings"])


def test_a_rule_breach_is_kept_for_review_with_its_findings(queue, session):
    item = queue.enqueue("ap", "doc", {}).item_id
    [lease] = queue.lease("w")
    with pytest.raises(RuleBreach) as caught:
        session.extract(_without_seller_name_and_gross("ubl"))
    queue.business_exception(lease, caught.value)
    row = queue.get(item)
    assert row["state"] == "needs_review" and row["reason_code"] == "en16931"
    assert {"BR-06", "BR-14"} <= {f["code"] for f in row["findings"]}


def test_document_findings_survive_the_validation_step():
    row = {"findings": [{"code": "BR-CO-25", "severity": "error", "rule": "en16931"},
                        {"code": "total_mismatch", "severity": "error", "rule": "arithmetic"}]}
    assert [f["code"] for f in _kept_findings(row)] == ["BR-CO-25"]


@pytest.mark.parametrize("vat_id,valid", [
    ("DE136695976", True), ("DE136695977", False), ("FR40303265045", True), ("NL004495445B01", True),
    ("ATU13585627", True), ("EL094259216", True), ("XI980780684", True), ("GB980780684", True),
    ("GB980780685", False), ("CHE-107.787.577 IVA", True), ("NO995525828MVA", True), ("ZZ12345", None),
])
def test_vat_ids_are_judged_for_every_country_stdnum_knows(vat_id, valid):
    assert vat_id_valid(vat_id) is valid


@pytest.mark.parametrize("account,valid", [
    ("DE89370400440532013000", True), ("DE89 3704 0044 0532 0130 01", False), ("GB82WEST12345698765432", True),
    ("FR1420041010050500013M02606", True), ("CH9300762011623852957", True), ("12345678", None),
])
def test_ibans_are_judged_by_their_country_format(account, valid):
    assert iban_valid(account) is valid


def test_a_bad_iban_and_vat_id_become_warnings_at_their_element():
    editor = EInvoiceEditor(rich_document("cii"))
    editor.put("BT-84", "DE02120300000000202052", chain=("BG-16", "BG-17")).put("BT-31", "DE136695977")
    findings = {f.code: f for f in check_document(editor.root)}
    assert set(findings) == {"iban_invalid", "vat_id_invalid"}
    assert findings["iban_invalid"].field.endswith("ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
    assert findings["vat_id_invalid"].severity is Severity.WARNING


def test_one_rule_broken_on_many_lines_is_listed_25_times_then_counted():
    editor = EInvoiceEditor(rich_document("ubl"))
    line = editor.elements(("BG-25",))[1]
    for _ in range(58):
        line.addnext(etree.fromstring(etree.tostring(line)))
    editor.drop("BT-153", chain=("BG-25",), index=None)
    names = [f for f in check_document(editor.root) if f.code == "BR-25"]
    assert len(names) == 26
    assert names[24].field == "/ubl:Invoice/cac:InvoiceLine[25]/cac:Item/cbc:Name"
    assert names[25].field is None and names[25].message.endswith("(35 more places not listed)")
