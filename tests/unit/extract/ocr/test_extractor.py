"""End to end through the session: scans in, the same records as from text PDFs out.

Each test OCRs one or two pages (about 1-4 s each on two loaded cores).
"""

import shutil

import pytest

from clerk.errors import BusinessException, ExtractionError
from clerk.extract import ExtractionSession, ExtractSettings
from clerk.extract.ocr import OcrSettings, ocr_findings
from clerk.testing import plain_pdf
from tests.unit.extract.ocr.conftest import TEMPLATES
from tests.unit.extract.ocr.scans import (
    degraded, harsh, image_bytes, image_pdf, invoice_for, key_fields, multipage_tiff, rasterize,
)


def _assert_exact(extraction, invoice, template):
    assert (extraction.extractor, extraction.template) == ("ocr", template)
    assert key_fields(extraction.record) == key_fields(invoice)


def test_a_degraded_german_scan_as_image_only_pdf(ocr_session, ocr_settings):
    invoice = invoice_for("NORD")
    scan = degraded(rasterize(plain_pdf(invoice, "nordwind"), 200), seed=11)
    extraction = ocr_session.extract(image_pdf([scan], 200))
    _assert_exact(extraction, invoice, "nordwind")
    assert extraction.confidence["totals.payable"] > 0.5
    # Right values may still go to a person (every stored field must be sure); never the other way round.
    for finding in ocr_findings(extraction, ocr_settings.ocr):
        assert extraction.confidence[finding.field] < ocr_settings.ocr.threshold


def test_a_degraded_french_scan_as_jpeg(ocr_session):
    invoice = invoice_for("BRIO")
    scan = degraded(rasterize(plain_pdf(invoice, "brio"), 300), seed=12)
    extraction = ocr_session.extract(image_bytes(scan, "JPEG", dpi=300))
    _assert_exact(extraction, invoice, "brio")       # "Brio Café Services SARL", "1 234,56"


def test_a_two_page_tiff_with_a_blank_back(ocr_session):
    invoice = invoice_for("ACME")
    front = degraded(rasterize(plain_pdf(invoice, "acme"), 200), seed=13)
    back = front.point(lambda value: 255)
    extraction = ocr_session.extract(multipage_tiff([front, back], 200))
    _assert_exact(extraction, invoice, "acme")


def test_a_harsh_page_is_read_right_or_sent_to_a_person(ocr_session, ocr_settings):
    invoice = invoice_for("NORD")
    scan = harsh(rasterize(plain_pdf(invoice, "nordwind"), 150), seed=14)
    try:
        extraction = ocr_session.extract(image_pdf([scan], 150))
    except BusinessException as error:
        assert error.code == "unreadable_scan" and "page(s) 1" in error.message
        return
    except ExtractionError as error:   # legible words, but no template field: quarantined, not guessed
        assert error.reason in {"no_template", "missing_field", "bad_number", "bad_date"}
        return
    if extraction.extractor == "proposed":    # no template fitted what was read: a person checks it all
        assert [finding.severity.value for finding in extraction.findings] == ["error"]
        return
    flagged = {finding.field for finding in (*ocr_findings(extraction, ocr_settings.ocr), *extraction.findings)}
    wrong = {field for field, value in key_fields(extraction.record).items() if value != key_fields(invoice)[field]}
    assert not wrong - flagged, f"wrong values accepted silently: {wrong - flagged}"


def test_a_text_pdf_does_not_go_through_ocr(ocr_session):
    extraction = ocr_session.extract(plain_pdf(invoice_for("ACME"), "acme"))
    assert extraction.extractor == "pdf_text"


def test_broken_image_bytes_are_refused_not_crashed(ocr_session):
    broken = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    with pytest.raises(ExtractionError) as caught:
        ocr_session.extract(broken)
    assert caught.value.reason == "unreadable_image"


def test_without_ocr_an_image_is_unsupported(tmp_path):
    settings = ExtractSettings(templates_dir=TEMPLATES, ocr=OcrSettings(enabled=False))
    page = rasterize(plain_pdf(invoice_for("ACME"), "acme"), 50)
    with ExtractionSession(settings) as session, pytest.raises(ExtractionError) as caught:
        session.extract(image_bytes(page, "PNG"))
    assert caught.value.reason == "unsupported_document"


def test_a_template_can_ask_for_its_own_languages(tesseract, tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    nordwind = folder / "nordwind.yml"
    nordwind.write_text(nordwind.read_text(encoding="utf-8") + "ocr_languages: [deu]\n", encoding="utf-8")
    invoice = invoice_for("NORD")
    scan = rasterize(plain_pdf(invoice, "nordwind"), 200)   # clean: this test is about languages
    settings = ExtractSettings(templates_dir=folder, ocr=OcrSettings(languages=("eng",)))
    with ExtractionSession(settings) as session:
        passes = []
        original = session.ocr.read
        session.ocr.read = lambda content, languages=None, preprocess=False: passes.append(languages) or original(
            content, languages, preprocess)
        _assert_exact(session.extract(image_pdf([scan], 200)), invoice, "nordwind")
    assert ("deu",) in passes


def test_show_text_of_a_scan_is_the_ocr_text_the_template_reads(tesseract, tmp_path):
    from typer.testing import CliRunner

    from clerk.cli import app

    invoice = invoice_for("NORD")
    path = tmp_path / "scan.png"
    path.write_bytes(image_bytes(rasterize(plain_pdf(invoice, "nordwind"), 200), "PNG", dpi=200))
    shown = CliRunner().invoke(app, ["templates", "show-text", str(path)])
    assert shown.exit_code == 0 and "Rechnungsnummer: 2026-0042" in shown.stdout
    tried = CliRunner().invoke(app, ["templates", "test", str(TEMPLATES / "nordwind.yml"), str(path)])
    assert tried.exit_code == 0, tried.output     # the text PDF's template works on its scan


def test_a_scan_of_an_unknown_layout_is_proposed_for_review(ocr_session):
    invoice = invoice_for("BRIO")
    scan = rasterize(plain_pdf(invoice, "lungo"), 200)      # Italian; no template in config/templates
    extraction = ocr_session.extract(image_bytes(scan, "PNG", dpi=200))
    assert (extraction.extractor, extraction.template) == ("proposed", None)
    assert extraction.record.totals.payable == invoice.totals.payable
    assert extraction.record.seller.iban == invoice.seller.iban
    assert [finding.code for finding in extraction.findings] == ["proposed_without_template"]
