"""The entry points: detect a document's type by content, pick the extractor, extract."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from clerk.errors import BusinessException, ExtractionError
from clerk.extract.base import Content, Extraction, Extractor
from clerk.extract.cii import CiiExtractor
from clerk.extract.detect import sniff, xml_root
from clerk.extract.en16931 import En16931Settings, RuleBreach
from clerk.extract.facturx import FacturXExtractor
from clerk.extract.ocr import OcrExtractor, OcrReader, OcrSettings
from clerk.extract.pdf_text import PdfTextExtractor
from clerk.extract.sandbox import PdfSandbox, SandboxLimits
from clerk.extract.tabular import OrderConfirmationExtractor
from clerk.extract.templates import Templates, load_templates
from clerk.extract.ubl import UblExtractor
from clerk.models.document import Document

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class ExtractSettings(BaseModel):
    """Extraction configuration, built once at the entry point and passed down."""

    model_config = ConfigDict(frozen=True)

    templates_dir: Path | None = None       # config/templates: PDF templates and column mappings
    sandbox: SandboxLimits = SandboxLimits()
    max_bytes: int = MAX_DOCUMENT_BYTES
    ocr: OcrSettings = OcrSettings()         # scanned pages and images (clerk.extract.ocr)
    en16931: En16931Settings = En16931Settings()   # EN 16931 business rules on e-invoices


class ExtractionSession:
    """Extractors, templates and one reused PDF sandbox; close it when done.

    Safe for a long-running worker: keep one session, call ``extract`` per document.
    """

    def __init__(self, settings: ExtractSettings, templates: Templates | None = None):
        self.settings = settings
        loaded = templates if templates is not None else load_templates(settings.templates_dir)
        self.sandbox = PdfSandbox(settings.sandbox)
        self.ocr = OcrReader(settings.ocr)   # starts its child only for the first scan
        # Order matters: the first extractor that accepts the content wins
        # (OCR before text: it accepts only PDFs with scanned pages, and images).
        self.extractors: list[Extractor] = [
            UblExtractor(settings.en16931), CiiExtractor(settings.en16931), FacturXExtractor(settings.en16931),
            OcrExtractor(loaded.pdf, self.ocr),
            PdfTextExtractor(loaded.pdf), OrderConfirmationExtractor(loaded.orders),
        ]

    def __enter__(self) -> ExtractionSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.sandbox.close()
        self.ocr.close()

    def content_of(self, data: bytes, filename: str | None = None) -> Content:
        """Sniff ``data`` and parse what every extractor needs (XML root, PDF reading)."""
        if len(data) > self.settings.max_bytes:
            raise ExtractionError("too_large", f"{len(data)} bytes exceeds {self.settings.max_bytes}")
        kind = sniff(data)
        if kind == "xml":
            return Content(data, kind, filename, xml=xml_root(data))
        if kind == "pdf":
            return Content(data, kind, filename, pdf=self.sandbox.read(data))
        return Content(data, kind, filename)

    def extract(self, source: Document | Path | str | bytes) -> Extraction:
        """The record in ``source``, or ``ExtractionError(reason, message)``."""
        data, filename = _read_source(source)
        content = self.content_of(data, filename)
        for extractor in self.extractors:
            if extractor.accepts(content):
                try:
                    return extractor.extract(content)
                except ValidationError as error:
                    detail = error.errors()[0]
                    where = ".".join(str(part) for part in detail["loc"])
                    raise ExtractionError("invalid_record", f"{where}: {detail['msg']}") from None
        root = content.xml.tag if content.xml is not None else content.kind
        raise ExtractionError("unsupported_document", f"no extractor for this {content.kind} ({root[:120]})")


def _read_source(source: Document | Path | str | bytes) -> tuple[bytes, str | None]:
    if isinstance(source, bytes):
        return source, None
    path = source.path if isinstance(source, Document) else Path(source)
    try:
        return path.read_bytes(), path.name
    except OSError as error:
        raise ExtractionError("unreadable_file", f"{path.name}: {error.strerror or error}") from None


def extract_document(source: Document | Path | str | bytes, settings: ExtractSettings,
                     session: ExtractionSession | None = None) -> Extraction:
    """Extract one document; pass a ``session`` to reuse its PDF sandbox across calls."""
    if session is not None:
        return session.extract(source)
    with ExtractionSession(settings) as own:
        return own.extract(source)


def extraction_summary(extraction: Extraction) -> dict[str, Any]:
    """A JSON-ready dict: the record's fields by model names plus extractor, template, confidence."""
    summary = extraction.record.model_dump(mode="json")
    summary["record_type"] = type(extraction.record).__name__
    summary.update(extractor=extraction.extractor, template=extraction.template,
                   confidence=extraction.confidence,
                   findings=[finding.model_dump(mode="json") for finding in extraction.findings])
    return summary


def extract_files(paths: Iterable[Path | str], settings: ExtractSettings) -> Iterator[dict[str, Any]]:
    """One JSON-ready dict per file, in order; a failed file yields ``{"file", "error"}``, never raises."""
    with ExtractionSession(settings) as session:
        for path in paths:
            try:
                result = extraction_summary(session.extract(Path(path)))
            except ExtractionError as error:
                yield {"file": str(path), "error": {"reason": error.reason, "message": error.message}}
                continue
            except RuleBreach as error:   # an e-invoice missing mandatory parts: its rule findings
                yield {"file": str(path), "error": {"reason": error.code, "message": error.message},
                       "findings": error.findings}
                continue
            except BusinessException as error:   # an unreadable scan: for a person, not a crash
                yield {"file": str(path), "error": {"reason": error.code, "message": error.message}}
                continue
            yield {"file": str(path), **result}
