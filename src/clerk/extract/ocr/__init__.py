"""Scanned documents (image-only PDF pages, PNG, JPEG, TIFF) into the same
extraction and review path as text PDFs, through Tesseract.

Tesseract runs in a sandboxed, reused child process with a time limit per
page; a poor page is retried after preprocessing; word confidences become
per-field confidence, and ``ocr_findings`` turns doubtful fields into
findings so the record goes to a person, not to the ERP.
"""

from clerk.extract.ocr.confidence import ocr_findings
from clerk.extract.ocr.extractor import OcrExtractor
from clerk.extract.ocr.preflight import APT_PACKAGES, TesseractInfo, check_tesseract
from clerk.extract.ocr.reader import OcrReader, ScanReading
from clerk.extract.ocr.settings import FieldCheck, OcrSettings

__all__ = [
    "APT_PACKAGES", "FieldCheck", "OcrExtractor", "OcrReader", "OcrSettings", "ScanReading", "TesseractInfo",
    "check_tesseract", "ocr_findings",
]
