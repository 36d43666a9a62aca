"""Scans drawn in the tests: text PDFs from clerk.testing, rasterized and
degraded like a scanner or a phone would, with a fixed seed."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageFilter

from clerk.models.invoice import Invoice
from clerk.testing import demo_invoice, plain_pdf

LINES = [("PAPER-A4", "1234", "4.20"), ("TONER-K", "2", "1089.00"), ("COFFEE", 1, "310.00")]
SUPPLIERS = (("ACME", "acme"), ("NORD", "nordwind"), ("BRIO", "brio"))
KEY_FIELDS = ("seller.name", "seller.tax_id", "seller.iban", "number", "issue_date",
              "totals.net", "totals.tax", "totals.gross", "totals.payable")


def invoice_for(supplier: str, number: str = "2026-0042") -> Invoice:
    return demo_invoice(supplier, number, LINES, order_reference="PO-1001", issue_date=date(2026, 11, 2),
                        tax_rate=Decimal("19"))


def rasterize(pdf: bytes, dpi: int, page: int = 0) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def _noise(image: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    # Image.effect_noise has no seed; a seeded pattern tiled over the page keeps the run repeatable.
    tile = Image.new("L", (97, 89))
    tile.putdata([max(0, min(255, round(rng.gauss(128, sigma)))) for _ in range(97 * 89)])
    noise = Image.new("L", image.size)
    for x in range(0, image.width, tile.width):
        for y in range(0, image.height, tile.height):
            noise.paste(tile, (x, y))
    return ImageChops.add(image, noise, scale=1.0, offset=-128)


def jpeg_round_trip(image: Image.Image, quality: int = 60) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def degraded(image: Image.Image, seed: int) -> Image.Image:
    """Like an office scan: rotated 1-2 degrees, slightly blurred, noisy, JPEG quality 60."""
    rng = random.Random(seed)
    angle = rng.choice((-1, 1)) * rng.uniform(1.0, 2.0)
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.8)))
    return jpeg_round_trip(_noise(blurred, 18, rng))


def harsh(image: Image.Image, seed: int) -> Image.Image:
    """A bad phone photo of a page: low resolution, heavy noise, a shadow across it, JPEG q60."""
    rng = random.Random(seed)
    turned = image.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, expand=True, fillcolor=235)
    shadow = Image.linear_gradient("L").rotate(rng.uniform(20, 70)).resize(turned.size)
    shadow = shadow.point(lambda value: 70 + value * 185 // 255)     # from deep shadow to paper
    dark = ImageChops.multiply(turned, shadow).filter(ImageFilter.GaussianBlur(1.1))
    return jpeg_round_trip(_noise(dark, 45, rng))


def image_bytes(image: Image.Image, fmt: str, dpi: int | None = None) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": 90} if fmt == "JPEG" else {}
    if dpi:
        options["dpi" if fmt != "PDF" else "resolution"] = (dpi, dpi) if fmt != "PDF" else float(dpi)
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def image_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF (no text layer), one scanned image per page."""
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return buffer.getvalue()


def multipage_tiff(images: list[Image.Image], dpi: int) -> bytes:
    buffer = io.BytesIO()
    images[0].save(buffer, "TIFF", dpi=(dpi, dpi), compression="tiff_deflate", save_all=True,
                   append_images=images[1:])
    return buffer.getvalue()


def key_fields(invoice: Invoice) -> dict[str, object]:
    from clerk.extract.ocr.confidence import field_value

    return {field: field_value(invoice, field) for field in KEY_FIELDS}
