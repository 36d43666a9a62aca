from decimal import Decimal

from clerk.extract.base import Extraction
from clerk.extract.ocr import FieldCheck, OcrSettings, ocr_findings
from clerk.extract.ocr.confidence import scan_confidence
from clerk.extract.ocr.text import OcrPage, OcrWord, ScanText
from clerk.extract.pdf_text import read_with_template
from clerk.extract.templates import PdfTemplate
from clerk.models.finding import Severity
from tests.unit.extract.ocr.scans import invoice_for

TEMPLATE = PdfTemplate(
    name="t", keywords=("Shop Ltd",), seller={"name": "Shop Ltd"},
    fields={"number": r"^No:[ \t]*(?P<value>\S+)", "issue_date": r"^Date:[ \t]*(?P<value>\S+)",
            "seller.iban": r"^IBAN:[ \t]*(?P<value>[A-Z]{2}[0-9A-Z ]+?)[ \t]*$",
            "totals.payable": r"^Due (?P<value>[\d.]+)"},
)


def _scan(lines: list[list[tuple[str, float]]]) -> ScanText:
    words = [OcrWord(text, conf, (1, 1, n)) for n, line in enumerate(lines, 1) for text, conf in line]
    return ScanText((OcrPage(0, "ocr", tuple(words)),))


def _confidence(iban: str, iban_conf: float, due_conf: float) -> tuple[dict[str, float], object]:
    scan = _scan([[("Shop", 0.97), ("Ltd", 0.95)], [("No:", 0.9), ("A-7", 0.93)], [("Date:", 0.9), ("2026-11-02", 0.92)],
                  [("IBAN:", 0.9), (iban, iban_conf)], [("Due", 0.9), ("12.50", due_conf)]])
    invoice, read = read_with_template(TEMPLATE, scan.text)
    return scan_confidence(TEMPLATE, scan, read, invoice), invoice


def test_field_confidence_is_the_weakest_word_of_its_value():
    confidence, invoice = _confidence("DE89370400440532013000", 0.6, 0.81)
    assert invoice.seller.iban == "DE89370400440532013000" and invoice.totals.payable == Decimal("12.50")
    assert confidence["seller.iban"] == 0.6
    assert confidence["totals.payable"] == 0.81
    assert confidence["number"] == 0.9            # the template's own 0.9 is the ceiling
    assert confidence["seller.name"] == 0.9
    assert "seller.tax_id" not in confidence and "order_reference" not in confidence   # the template does not read them


def test_a_misread_iban_gets_no_confidence_however_sure_tesseract_was():
    confidence, _ = _confidence("DE89370400440532018000", 0.99, 0.99)
    assert confidence["seller.iban"] == 0.0


def _extraction(confidence: dict[str, float], extractor: str = "ocr") -> Extraction:
    return Extraction(record=invoice_for("NORD"), extractor=extractor, template="nordwind", confidence=confidence)


def test_low_fields_become_findings_with_the_configured_severity():
    settings = OcrSettings()
    findings = ocr_findings(_extraction({"seller.iban": 0.5, "totals.tax": 0.6, "number": 0.9,
                                         "totals.payable": 0.74}), settings)
    by_field = {finding.field: finding for finding in findings}
    assert set(by_field) == {"seller.iban", "totals.tax", "totals.payable"}
    assert by_field["seller.iban"].severity is Severity.ERROR
    assert by_field["totals.payable"].severity is Severity.ERROR
    assert by_field["totals.tax"].severity is Severity.ERROR     # every field the ERP stores blocks
    assert by_field["totals.tax"].actual == "1457.45" and "page image" in by_field["totals.tax"].message
    assert all(finding.code == "ocr_low_confidence" for finding in findings)


def test_a_low_confidence_date_blocks_like_a_total():
    # Issue 24: a retry read a plausible but wrong month; as a warning, the record went on to the ERP.
    findings = ocr_findings(_extraction({"issue_date": 0.6, "due_date": 0.7, "number": 0.74,
                                         "order_reference": 0.5, "seller.name": 0.7}), OcrSettings())
    assert {(f.field, f.severity) for f in findings} == {
        ("issue_date", Severity.ERROR), ("due_date", Severity.ERROR), ("number", Severity.ERROR),
        ("order_reference", Severity.ERROR), ("seller.name", Severity.ERROR)}


def test_an_operator_can_still_make_a_field_a_warning():
    settings = OcrSettings(fields={"order_reference": FieldCheck(severity="warning")})
    (finding,) = ocr_findings(_extraction({"order_reference": 0.5}), settings)
    assert finding.severity is Severity.WARNING


def test_thresholds_and_severity_per_field_by_config():
    settings = OcrSettings(threshold=0.5, fields={"number": FieldCheck(threshold=0.95, severity="error")})
    findings = ocr_findings(_extraction({"number": 0.9, "seller.iban": 0.4}), settings)
    assert [(f.field, f.severity) for f in findings] == [("number", Severity.ERROR)]


def test_a_checksum_failure_says_so():
    record = invoice_for("NORD")
    bad = record.model_copy(update={"seller": record.seller.model_copy(update={"iban": "DE02120300000000202052"})})
    extraction = Extraction(record=bad, extractor="ocr", confidence={"seller.iban": 0.0})
    (finding,) = ocr_findings(extraction, OcrSettings())
    assert "check digits" in finding.message


def test_records_not_read_by_ocr_get_no_ocr_findings():
    assert ocr_findings(_extraction({"seller.iban": 0.0}, extractor="pdf_text"), OcrSettings()) == []


def test_a_defaulted_value_the_scan_did_not_show_gets_no_confidence():
    template = TEMPLATE.model_copy(update={"fields": {**TEMPLATE.fields, "totals.tax": r"^VAT (?P<value>[\d.]+)"}})
    scan = _scan([[("Shop", 0.97), ("Ltd", 0.95)], [("No:", 0.9), ("A-7", 0.93)], [("Date:", 0.9), ("2026-11-02", 0.92)],
                  [("VAI", 0.4), ("2.00", 0.9)], [("Due", 0.9), ("12.50", 0.95)]])   # "VAT" misread
    invoice, read = read_with_template(template, scan.text)
    assert invoice.totals.tax == 0                                          # pdf_text's default
    confidence = scan_confidence(template, scan, read, invoice)
    assert confidence["totals.tax"] == 0.0
    extraction = Extraction(record=invoice, extractor="ocr", confidence=confidence)
    assert "totals.tax" in {finding.field for finding in ocr_findings(extraction, OcrSettings())}
