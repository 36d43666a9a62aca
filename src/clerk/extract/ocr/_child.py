"""The code that runs INSIDE the OCR sandbox child process.

Rasterizes one page (pypdfium2 for PDF, Pillow for PNG/JPEG/TIFF frames),
optionally cleans it up, and runs Tesseract on it through pytesseract. The
parent gives each request a deadline and replaces this process if it hangs
or dies; Tesseract itself is killed by pytesseract's own timeout first.
"""

from __future__ import annotations

import base64
import io
import json
import os
import resource
import struct
import sys
import tempfile
import time
from typing import Any, BinaryIO

A4_WIDTH_IN = 8.27   # images carry no reliable dpi: assume a page about A4 wide


def _open_image(data: bytes, max_pixels: int):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels   # Pillow refuses bombs before decoding
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > max_pixels:
        raise ValueError(f"image of {image.width}x{image.height} pixels exceeds {max_pixels}")
    return image


def page_count(kind: str, data: bytes, max_pixels: int) -> int:
    if kind == "pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            return len(document)
        finally:
            document.close()
    return getattr(_open_image(data, max_pixels), "n_frames", 1)


def _scan_dpi(page: Any, dpi: int) -> int:
    """The resolution of the page's one scanned image, if lower than ``dpi``.

    Rendering a 200 dpi scan at 300 dpi adds no detail, only pixels for
    Tesseract to wade through (2.25 times as many).
    """
    import pypdfium2.raw as pdfium_c

    images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    if len(images) != 1:
        return dpi
    left, _, right, _ = images[0].get_bounds()
    pixels = images[0].get_px_size()[0]
    native = round(pixels / ((right - left) / 72)) if right > left else dpi
    return min(dpi, native) if native >= 100 else dpi


def page_image(kind: str, data: bytes, index: int, dpi: int, max_pixels: int):
    """(grayscale PIL image, dpi) of page ``index``."""
    from PIL import ImageOps

    if kind == "pdf":
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            page = document[index]
            width, height = page.get_size()
            dpi = _scan_dpi(page, dpi)
            if width * height * (dpi / 72) ** 2 > max_pixels:
                raise ValueError(f"page {index + 1} at {dpi} dpi exceeds {max_pixels} pixels")
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
            return ImageOps.grayscale(image), dpi
        finally:
            document.close()
    image = _open_image(data, max_pixels)
    image.seek(index)   # multi-page TIFF: one frame per page
    # EXIF orientation (phone photos) and palette/alpha modes, to plain gray.
    gray = ImageOps.grayscale(ImageOps.exif_transpose(image.convert("RGB")))
    declared = image.info.get("dpi", (0, 0))[0]
    estimate = gray.width / A4_WIDTH_IN
    return gray, int(declared if 70 <= declared <= 1200 else min(max(estimate, 70), 600))


def ocr_page(request: dict[str, Any], data: bytes) -> dict[str, Any]:
    import pytesseract

    from clerk.extract.ocr.preprocess import TARGET_WIDTH, prepare_for_retry

    started = time.monotonic()
    image, dpi = page_image(request["kind"], data, request["page"], request["dpi"], request["max_pixels"])
    if request["preprocess"]:
        width = image.width
        image = prepare_for_retry(image)
        dpi = round(dpi * image.width / width) if width < TARGET_WIDTH * 0.9 else dpi
    config = f"--psm {int(request['psm'])} --dpi {int(dpi)}"
    with tempfile.TemporaryDirectory(prefix="clerk-ocr-") as folder:
        # pytesseract would write a compressed PNG (0.2 s a page); raw PGM costs 10 ms.
        path = os.path.join(folder, "page.pgm")
        image.save(path, "PPM")
        table = pytesseract.image_to_data(path, lang=request["languages"], config=config,
                                          output_type=pytesseract.Output.DICT, timeout=request["timeout_s"])
    words = [
        [text, float(conf), table["block_num"][i], table["par_num"][i], table["line_num"][i]]
        for i, (text, conf) in enumerate(zip(table["text"], table["conf"]))
        if str(text).strip() and float(conf) >= 0
    ]
    return {"words": words, "width": image.width, "height": image.height, "dpi": dpi,
            "seconds": round(time.monotonic() - started, 3)}


def render_png(request: dict[str, Any], data: bytes) -> dict[str, Any]:
    image, dpi = page_image(request["kind"], data, request["page"], request["dpi"], request["max_pixels"])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return {"png": base64.b64encode(buffer.getvalue()).decode(), "dpi": dpi}


def _answer(request: dict[str, Any], data: bytes) -> dict[str, Any]:
    try:
        if request["op"] == "count":
            return {"pages": page_count(request["kind"], data, request["max_pixels"])}
        if request["op"] == "render":
            return render_png(request, data)
        return ocr_page(request, data)
    except MemoryError:
        return {"error": "ocr_memory_limit", "message": "the page needs more memory than the sandbox allows"}
    except RuntimeError as error:
        if "timeout" in str(error).lower():   # pytesseract killed Tesseract at the page's time limit
            return {"error": "ocr_timeout", "message": f"Tesseract took longer than {request['timeout_s']:g} s"}
        return {"error": "ocr_failed", "message": f"{type(error).__name__}: {error}"[:500]}
    except Exception as error:  # noqa: BLE001  every decoder or Tesseract failure is the page's fault
        return {"error": "unreadable_image", "message": f"{type(error).__name__}: {error}"[:500]}


def _reply(output: BinaryIO, message: dict[str, Any]) -> None:
    payload = json.dumps(message).encode()
    output.write(struct.pack(">I", len(payload)) + payload)
    output.flush()


def serve(memory_bytes: int) -> None:
    """Answer framed requests on stdin until it closes.

    Request: 8-byte header (JSON length, data length), the JSON request, the
    document bytes. Reply: 4-byte length then JSON.
    """
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # Import once, before the first page, so no page's time limit pays for it.
    import pypdfium2  # noqa: F401
    import pytesseract  # noqa: F401

    import clerk.extract.ocr.preprocess  # noqa: F401

    source, output = sys.stdin.buffer, sys.stdout.buffer
    _reply(output, {"ready": True})
    while True:
        header = source.read(8)
        if len(header) < 8:
            return
        request_length, data_length = struct.unpack(">II", header)
        request = json.loads(source.read(request_length))
        message = _answer(request, source.read(data_length))
        _reply(output, message)
        if message.get("error") == "ocr_memory_limit":
            return   # a process that ran out of memory is not trusted with the next page


if __name__ == "__main__":
    serve(int(sys.argv[1]))
