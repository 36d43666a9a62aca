import io

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from clerk.extract.detect import sniff
from clerk.extract.ocr.detect import image_format, pages_needing_ocr
from clerk.extract.sandbox import PdfReading
from clerk.testing import plain_pdf
from tests.unit.extract.ocr.scans import image_bytes, image_pdf, invoice_for, rasterize


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return rasterize(plain_pdf(invoice_for("ACME"), "acme"), 100)


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "png"), ("JPEG", "jpeg"), ("TIFF", "tiff")])
def test_images_are_known_by_their_bytes(page, fmt, name):
    data = image_bytes(page, fmt)
    assert image_format(data) == name
    assert sniff(data) == "image"


def test_other_bytes_are_not_images():
    assert image_format(b"%PDF-1.7") is None
    assert image_format(b"\xff\xd8") is None   # too short to be a JPEG
    assert sniff(b"a;b\n1;2\n") == "csv"


def test_scanned_pages_need_ocr_and_text_pages_do_not(session, page):
    text = session.sandbox.read(plain_pdf(invoice_for("ACME"), "acme"))
    scanned = session.sandbox.read(image_pdf([page, page], 100))
    assert pages_needing_ocr(text) == ()
    assert pages_needing_ocr(scanned) == (0, 1)
    assert scanned.images == (1, 1)


def test_a_drawing_without_text_or_image_is_not_a_scan(session):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 100, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    assert pages_needing_ocr(session.sandbox.read(buffer.getvalue())) == ()


def test_only_the_scanned_page_of_a_mixed_reading_needs_ocr():
    reading = PdfReading(3, ("Invoice number: 1 and enough text here", "", " \n"), images=(0, 1, 0))
    assert pages_needing_ocr(reading) == (1,)
