"""Tesseract's word confidences become per-field confidence, and low fields become findings.

A field's OCR confidence is the lowest confidence of the words its value was
read from; the record's confidence is the lower of that and the template's
own (which already halves a total that does not add up). A bank account or
VAT id that fails its check digits gets 0: OCR misread it.
"""

from __future__ import annotations

from typing import Any

from clerk.extract.base import Extraction
from clerk.extract.ocr.checksums import identifier_valid
from clerk.extract.ocr.settings import OcrSettings
from clerk.extract.ocr.text import ScanText
from clerk.extract.template_fields import find_keyword, keyword_spans, table_rows, value_span
from clerk.extract.templates import PdfTemplate
from clerk.models.finding import Finding, Severity

EXTRACTOR = "ocr"
# pdf_text reports 0.0 for these when the template does not read them at all;
# for a scan that would read as "OCR failed", so they are left out instead.
_OPTIONAL_FIELDS = ("seller.tax_id", "seller.iban", "order_reference")


def _keyword_confidence(template: PdfTemplate, scan: ScanText) -> float:
    # A constant seller name comes from the template, chosen because its keywords were read.
    printed = find_keyword(scan.text, template.seller.name) if template.seller.name else None
    spans = [printed.span()] if printed else list(keyword_spans(template, scan.text))
    return min((scan.confidence(*span) for span in spans), default=1.0)


def _line_confidences(template: PdfTemplate, scan: ScanText) -> list[float]:
    return [scan.confidence(start, start + len(row)) for start, row, _ in table_rows(template, scan.text)]


def scan_confidence(template: PdfTemplate, scan: ScanText, read: dict[str, float],
                    record: Any) -> dict[str, float]:
    """``read`` (the template's confidence) lowered to what OCR and the check digits allow."""
    confidence = {field: value for field, value in read.items()
                  if not (field in _OPTIONAL_FIELDS and field not in template.fields)}
    for field in template.fields:
        span = value_span(template, scan.text, field)
        if field not in confidence:
            continue
        # Not found on the scan: any value there is the template's default (tax 0, gross = payable),
        # which on a text PDF means "not printed" but on a scan may mean "misread".
        confidence[field] = 0.0 if span is None else min(confidence[field], round(scan.confidence(*span), 3))
    if "seller.name" not in template.fields:
        confidence["seller.name"] = min(confidence.get("seller.name", 1.0),
                                        round(_keyword_confidence(template, scan), 3))
    rows = _line_confidences(template, scan)
    for index, value in enumerate(rows):
        key = f"lines.{index}.net_amount"
        confidence[key] = min(confidence.get(key, 1.0), round(value, 3))
    if rows and "lines" in confidence:
        confidence["lines"] = min(confidence["lines"], round(min(rows), 3))
    per_line = [value for key, value in confidence.items() if key.startswith("lines.")]
    if per_line and "lines" in confidence:   # a row that does not add up weakens "lines" too
        confidence["lines"] = min(confidence["lines"], *per_line)
    for field in ("seller.iban", "seller.tax_id"):
        value = field_value(record, field)
        if value and identifier_valid(field, value) is False:
            confidence[field] = 0.0
    return confidence


def field_value(record: Any, field: str) -> Any:
    """``record``'s value at a dotted path (``totals.payable``), or None."""
    value = record
    for part in field.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def ocr_findings(extraction: Extraction, settings: OcrSettings) -> list[Finding]:
    """One finding per checked field read from a scan below its threshold.

    Empty for records that did not come from OCR. Severity per field comes
    from ``settings.fields`` (by default every field the ERP stores is an
    error, which blocks posting). ``lines`` stands for every line: the
    weakest row read. A field the scan did not contain at all is not
    reported here: its absence is for the rules.
    """
    if extraction.extractor != EXTRACTOR:
        return []
    findings = []
    reported = {finding.field for finding in extraction.findings}   # the cross-checks say it better
    for field in settings.fields:
        check = settings.check_for(field)
        if field in reported:
            continue
        value = field_value(extraction.record, field)
        confidence = extraction.confidence.get(field)
        if check is None or value is None or confidence is None or confidence >= check[0]:
            continue
        if field == "lines":
            if not value:
                continue
            value = f"{len(value)} line(s)"
        threshold, severity = check
        if identifier_valid(field, str(value)) is False:
            why = "fails its check digits, so at least one character was misread"
        else:
            why = f"was read with {confidence:.0%} confidence, below the {threshold:.0%} required"
        findings.append(Finding(
            code="ocr_low_confidence", severity=Severity(severity), field=field, actual=value, rule="ocr",
            message=f"{field} on the scanned page {why}: compare it with the page image"))
    return findings
