from PIL import Image, ImageChops

from clerk.extract.ocr.preprocess import deskew, divide_background, prepare_for_retry, skew_angle
from clerk.testing import plain_pdf
from tests.unit.extract.ocr.scans import invoice_for, rasterize


def _page(dpi: int = 100) -> Image.Image:
    return rasterize(plain_pdf(invoice_for("NORD"), "nordwind"), dpi)


def test_skew_is_measured_and_undone():
    page = _page()
    for angle in (1.5, -2.0):
        turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        assert abs(skew_angle(turned) + angle) <= 0.25
        assert abs(skew_angle(deskew(turned))) <= 0.25
    assert skew_angle(page) == 0.0


def test_a_shadow_is_divided_away():
    page = _page()
    shadow = Image.linear_gradient("L").rotate(90).resize(page.size).point(lambda v: 90 + v * 165 // 255)
    dark = ImageChops.multiply(page, shadow)
    paper_left = dark.crop((5, 5, 40, 40)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    flat = divide_background(dark)
    flat_left = flat.crop((5, 5, 40, 40)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert paper_left < 200 < flat_left     # the dark side of the paper is white again
    assert min(flat.crop((40, 40, 400, 120)).tobytes()) < 100   # and the text stays dark


def test_a_low_resolution_page_is_upscaled_for_tesseract():
    out = prepare_for_retry(_page(75))
    assert out.mode == "L" and out.width >= 2400
