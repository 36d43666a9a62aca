"""A retry can never turn a misread into an accepted value (issue 24).

The OCR passes here are Tesseract's words as the child returns them, built
from the text of a real generated Nordwind invoice with one field misread;
the extractor, templates, confidence and cross-checks are the real ones.
"""

from datetime import date

import pypdfium2 as pdfium
import pytest

from clerk.extract.base import Content
from clerk.extract.ocr import OcrExtractor, OcrSettings, ocr_findings
from clerk.extract.ocr.crosscheck import PASSES_DISAGREE, disagreements, implausible_dates
from clerk.extract.ocr.reader import ScanReading
from clerk.extract.ocr.text import OcrPage, OcrWord
from clerk.extract.templates import load_templates
from clerk.testing import plain_pdf
from tests.unit.extract.ocr.conftest import TEMPLATES
from tests.unit.extract.ocr.scans import invoice_for

RIGHT_DATE, MISREAD, WRONG_MONTH = "02.11.2026", "O2.1l.2026", "02.12.2026"


def _nordwind_text() -> str:
    document = pdfium.PdfDocument(plain_pdf(invoice_for("NORD"), "nordwind"))
    try:
        return document[0].get_textpage().get_text_range().replace("\r\n", "\n")
    finally:
        document.close()


def _page(text: str, source: str, confidence: float, discarded: OcrPage | None = None) -> OcrPage:
    words = tuple(OcrWord(word, confidence, (1, 1, number))
                  for number, line in enumerate(text.split("\n"), 1) for word in line.split())
    return OcrPage(0, source, words, discarded=discarded)


def _with_date(printed: str) -> str:
    return _nordwind_text().replace(f"Rechnungsdatum: {RIGHT_DATE}", f"Rechnungsdatum: {printed}")


class _Passes:
    """Hands the extractor fixed passes in the order it asks for them, as the OCR child would."""

    def __init__(self, *readings: ScanReading):
        self.settings = OcrSettings()
        self.readings = list(readings)

    def needs_ocr(self, content: Content) -> bool:
        return True

    def read(self, content: Content, languages=None, preprocess=False) -> ScanReading:  # noqa: ANN001
        return self.readings.pop(0)


def _extract(*readings: ScanReading):
    templates = load_templates(TEMPLATES).pdf
    return OcrExtractor(templates, _Passes(*readings)).extract(Content(b"", "image"))


def _blocked(extraction) -> set[str]:
    findings = (*extraction.findings, *ocr_findings(extraction, OcrSettings()))
    return {finding.field for finding in findings if finding.severity.value == "error"}


def test_the_preprocessed_retry_cannot_make_a_misread_date_acceptable():
    first = ScanReading((_page(_with_date(MISREAD), "ocr", 0.9),), ("eng",))           # bad_date
    retry = ScanReading((_page(_with_date(WRONG_MONTH), "ocr_preprocessed", 0.9),), ("eng",))
    extraction = _extract(first, retry)
    assert extraction.record.issue_date == date(2026, 12, 2)      # the retry's plausible wrong month
    assert "issue_date" in _blocked(extraction)                   # ... goes to a person, never on
    assert extraction.confidence["issue_date"] == 0.0


def test_the_page_retry_cannot_either():
    # The reader's own per-page retry: the first pass is kept beside the chosen one.
    poor = _page(_with_date(MISREAD), "ocr", 0.6)
    page = _page(_with_date(WRONG_MONTH), "ocr_preprocessed", 0.9, discarded=poor)
    extraction = _extract(ScanReading((page,), ("eng",)))
    finding = next(f for f in extraction.findings if f.field == "issue_date")
    assert finding.code == PASSES_DISAGREE and "page image" in finding.message


def test_passes_that_agree_are_accepted():
    text = _nordwind_text()
    page = _page(text, "ocr_preprocessed", 0.9, discarded=_page(text, "ocr", 0.8))
    extraction = _extract(ScanReading((page,), ("eng",)))
    assert extraction.record.issue_date == date(2026, 11, 2)
    assert _blocked(extraction) == set()


def test_a_single_low_confidence_date_blocks():
    text = _nordwind_text()
    words = [OcrWord(w.text, 0.6 if w.text == RIGHT_DATE else 0.95, w.line) for w in _page(text, "ocr", 1).words]
    extraction = _extract(ScanReading((OcrPage(0, "ocr", tuple(words)),), ("eng",)),
                          ScanReading((OcrPage(0, "ocr_preprocessed", tuple(words)),), ("eng",)))
    assert "issue_date" in _blocked(extraction)


@pytest.mark.parametrize("field, other", [("lines", "TONER-K Toner cartridge black 2 1.089,00 2.178,00"),
                                          ("totals.payable", "Zahlbetrag 9.128,25 EUR")])
def test_disagreements_cover_amounts_and_lines(field, other):
    templates = {t.name: t for t in load_templates(TEMPLATES).pdf}
    text = _nordwind_text()
    changed = text.replace(other, other.replace("1", "7", 1) if field == "lines" else "Zahlbetrag 9.728,25 EUR")
    assert [f.field for f in disagreements(templates["nordwind"], text, [changed])] == [field]


def test_dates_that_cannot_both_be_right():
    invoice = invoice_for("NORD")
    assert implausible_dates(invoice, today=date(2026, 12, 1)) == []
    early = invoice.model_copy(update={"due_date": date(2026, 10, 2)})
    assert [f.field for f in implausible_dates(early, today=date(2026, 12, 1))] == ["due_date"]
    assert [f.field for f in implausible_dates(invoice, today=date(2026, 10, 1))] == ["issue_date"]


def test_an_unreadable_page_says_how_much_was_read_and_why():
    from clerk.errors import BusinessException

    sure_but_tiny = OcrPage(0, "ocr", (OcrWord("Rechn", 0.96, (1, 1, 1)), OcrWord("ung", 0.96, (1, 1, 1))))
    with pytest.raises(BusinessException) as caught:
        _extract(ScanReading((sure_but_tiny,), ("eng",)), ScanReading((sure_but_tiny,), ("eng",)))
    assert caught.value.code == "unreadable_scan"
    assert "only 8 characters read" in caught.value.message and "96%" not in caught.value.message
    unsure = OcrPage(0, "ocr", tuple(OcrWord(word, 0.4, (1, 1, 1)) for word in _nordwind_text().split()[:30]))
    with pytest.raises(BusinessException) as caught:
        _extract(ScanReading((unsure,), ("eng",)), ScanReading((unsure,), ("eng",)))
    assert "mean word confidence" in caught.value.message and "below the 55% required" in caught.value.message


def test_a_pass_that_read_nothing_is_no_evidence_against_the_other():
    # A timed-out first pass (no words) beside a sure retry: the retry's own confidence decides.
    text = _nordwind_text()
    page = _page(text, "ocr_preprocessed", 0.9, discarded=OcrPage(0, "ocr", failure="ocr_timeout"))
    assert _blocked(_extract(ScanReading((page,), ("eng",)))) == set()


def test_an_id_with_valid_check_digits_may_be_missed_by_another_pass():
    templates = {t.name: t for t in load_templates(TEMPLATES).pdf}
    text = _nordwind_text()
    label_misread = text.replace("USt-IdNr.:", "USt-ldNr.:").replace("Zahlbetrag", "Zahlbetrog")
    fields = [f.field for f in disagreements(templates["nordwind"], text, [label_misread])]
    assert fields == ["currency", "totals.payable"]          # the VAT id is exempt, the total is not


def test_check_digits_arbitrate_between_two_readings_of_an_iban():
    templates = {t.name: t for t in load_templates(TEMPLATES).pdf}
    text = _nordwind_text()
    misread = text.replace("DE02120300000000202051", "DE02120300000000282051")      # fails mod 97
    assert disagreements(templates["nordwind"], text, [misread]) == []
    assert [f.field for f in disagreements(templates["nordwind"], misread, [text])] == ["seller.iban"]
