import shutil
from pathlib import Path

import pytest

from clerk.errors import ConfigError
from clerk.extract import ExtractionSession, ExtractSettings
from clerk.extract.ocr import OcrSettings, check_tesseract
from tests.fixtures.services import service_missing

REPO = Path(__file__).resolve().parents[4]
TEMPLATES = REPO / "config" / "templates"


@pytest.fixture(scope="session")
def tesseract() -> None:
    if shutil.which("tesseract") is None:
        service_missing("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng "
                        "tesseract-ocr-deu tesseract-ocr-fra)")
    try:
        check_tesseract(OcrSettings())
    except ConfigError as error:
        service_missing(str(error))


@pytest.fixture(scope="session")
def ocr_settings() -> ExtractSettings:
    # A short page limit keeps the harsh page from holding the suite for long.
    return ExtractSettings(templates_dir=TEMPLATES, ocr=OcrSettings(page_timeout_s=12))


@pytest.fixture(scope="session")
def ocr_session(tesseract, ocr_settings):
    with ExtractionSession(ocr_settings) as shared:
        yield shared
