import os
import signal
import time

import pytest
from PIL import Image

from clerk.errors import ExtractionError
from clerk.extract.ocr import OcrSettings
from clerk.extract.ocr.sandbox import OcrSandbox
from clerk.extract.sandbox import SandboxLimits
from tests.unit.extract.ocr.scans import image_bytes, multipage_tiff


def test_pages_of_a_multipage_tiff_are_counted_in_the_child():
    pages = [Image.new("L", (300, 400), 255) for _ in range(3)]
    with OcrSandbox(OcrSettings()) as sandbox:
        assert sandbox.page_count("image", multipage_tiff(pages, 100)) == 3
        assert sandbox.page_count("image", image_bytes(pages[0], "PNG")) == 1


def test_an_image_bomb_is_refused_before_decoding():
    huge = image_bytes(Image.new("L", (4000, 4000), 255), "PNG")
    with OcrSandbox(OcrSettings(max_pixels=1_000_000)) as sandbox, pytest.raises(ExtractionError) as caught:
        sandbox.page_count("image", huge)
    assert caught.value.reason == "unreadable_image"


def test_a_hung_child_becomes_ocr_timeout_and_is_replaced():
    page = image_bytes(Image.new("L", (300, 400), 255), "PNG")
    with OcrSandbox(OcrSettings()) as sandbox:
        sandbox.limits = SandboxLimits(timeout_s=0.5)   # the page limit plus margin, shortened for the test
        assert sandbox.page_count("image", page) == 1
        hung = sandbox.pid
        os.kill(hung, signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(ExtractionError) as caught:
            sandbox.page_count("image", page)
        assert caught.value.reason == "ocr_timeout" and time.monotonic() - started < 3
        assert sandbox.page_count("image", page) == 1 and sandbox.pid != hung
