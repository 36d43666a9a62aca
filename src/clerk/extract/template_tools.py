"""For template authors: a document's text as the matcher sees it, and what a template reads from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clerk.errors import BusinessException, ConfigError, ExtractionError
from clerk.extract.ocr.text import ScanText
from clerk.extract.pdf_text import read_with_template, usable_text
from clerk.extract.service import ExtractionSession, _read_source
from clerk.extract.template_fields import field_text, keywords_match, table_rows
from clerk.extract.templates import PdfTemplate, load_template


@dataclass(frozen=True)
class DocumentText:
    text: str
    source: str          # "text layer" or "OCR (eng+deu)"


@dataclass(frozen=True)
class TemplateTrial:
    """What ``template`` makes of one document: printed text per field, then the record or why not."""

    file: str
    keywords_match: bool
    printed: dict[str, str | None]
    lines: int
    values: dict[str, object] | None = None
    error: str | None = None


def document_text(session: ExtractionSession, path: Path) -> DocumentText:
    """The text a template is matched against: the PDF's text layer, or OCR of a scan or image."""
    data, filename = _read_source(path)
    content = session.content_of(data, filename)
    if session.ocr.needs_ocr(content):
        reading = session.ocr.read(content)
        return DocumentText(ScanText(reading.pages).text, f"OCR ({'+'.join(reading.languages)})")
    if content.kind != "pdf":
        raise ExtractionError("unsupported_document", f"a {content.kind} file has no text for a PDF template")
    return DocumentText(usable_text(content.pdf), "text layer")


def load_one(path: Path) -> PdfTemplate:
    """A PDF template file, or ``ConfigError`` (an order mapping is not tried on PDFs)."""
    template = load_template(path)
    if not isinstance(template, PdfTemplate):
        raise ConfigError(str(path), "kind", "not a pdf_invoice template")
    return template


def try_template(session: ExtractionSession, template: PdfTemplate, path: Path) -> TemplateTrial:
    """Every field's printed text and the record ``template`` reads from ``path`` (or the reason it cannot)."""
    try:
        text = document_text(session, path).text
    except (ExtractionError, BusinessException) as error:
        return TemplateTrial(str(path), False, {}, 0, error=str(error))
    printed = {field: field_text(template, text, field) for field in template.fields}
    lines = sum(1 for _ in table_rows(template, text))
    matched = keywords_match(template, text)
    try:
        invoice, _ = read_with_template(template, text)
    except ExtractionError as error:
        return TemplateTrial(str(path), matched, printed, lines, error=str(error))
    values = {"number": invoice.number, "issue_date": invoice.issue_date.isoformat(),
              "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
              "seller.name": invoice.seller.name, "seller.tax_id": invoice.seller.tax_id,
              "currency": invoice.currency, **{f"totals.{key}": str(value) for key, value in
                                               invoice.totals.model_dump().items() if value is not None}}
    return TemplateTrial(str(path), matched, printed, lines, values=values)
