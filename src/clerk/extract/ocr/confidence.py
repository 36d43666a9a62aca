"""Tesseract's word confidences become per-field confidence, and low fields become findings.

A field's OCR confidence is the lowest confidence of the words its value was
read from; the record's confidence is the lower of that and the template's
own (which already halves a total that does not add up). A bank account or
VAT id that fails its check digits gets 0: OCR misread it.
"""

from __future__ import annotations

import re
from typing import Any

from clerk.extract.base import Extraction
from clerk.extract.ocr.checksums import identifier_valid
from clerk.extract.ocr.settings import OcrSettings
from clerk.extract.ocr.text import ScanText
from clerk.extract.templates import PdfTemplate
from clerk.models.finding import Finding, Severity

EXTRACTOR = "ocr"
# pdf_text reports 0.0 for these when the template does not read them at all;
# for a scan that would read as "OCR failed", so they are left out instead.
_OPTIONAL_FIELDS = ("seller.tax_id", "seller.iban", "order_reference")


def _value_span(pattern: str, text: str) -> tuple[int, int] | None:
    # The same choice of group as pdf_text._find: "value", else the first group, else the match.
    match = re.search(pattern, text, re.MULTILINE)
    if match is None:
        return None
    if match.groupdict().get("value"):
        return match.span("value")
    if match.groups() and match.group(1):
        return match.span(1)
    return match.span(0)


def _keyword_confidence(template: PdfTemplate, scan: ScanText) -> float:
    # The seller's name comes from the template, chosen because its keywords were read.
    names = [template.seller.name] if template.seller.name in scan.text else list(template.keywords)
    spans = [(scan.text.index(name), scan.text.index(name) + len(name)) for name in names if name in scan.text]
    return min((scan.confidence(*span) for span in spans), default=1.0)


def _line_confidences(template: PdfTemplate, scan: ScanText) -> list[float]:
    # Mirrors pdf_text._lines: rows between start and end, each a full match of ``row``.
    if template.lines is None:
        return []
    table, found, inside, offset = template.lines, [], False, 0
    row = re.compile(table.row)
    for raw in scan.text.split("\n"):
        line = raw.strip()
        start = offset + len(raw) - len(raw.lstrip())
        offset += len(raw) + 1
        if re.search(table.start, line):
            inside = True
        elif inside and re.search(table.end, line):
            inside = False
        elif inside and row.fullmatch(line):
            found.append(scan.confidence(start, start + len(line)))
    return found


def scan_confidence(template: PdfTemplate, scan: ScanText, read: dict[str, float],
                    record: Any) -> dict[str, float]:
    """``read`` (the template's confidence) lowered to what OCR and the check digits allow."""
    confidence = {field: value for field, value in read.items()
                  if not (field in _OPTIONAL_FIELDS and field not in template.fields)}
    for field, pattern in template.fields.items():
        span = _value_span(pattern, scan.text)
        if field not in confidence:
            continue
        # Not found on the scan: any value there is the template's default (tax 0, gross = payable),
        # which on a text PDF means "not printed" but on a scan may mean "misread".
        confidence[field] = 0.0 if span is None else min(confidence[field], round(scan.confidence(*span), 3))
    confidence["seller.name"] = min(confidence.get("seller.name", 1.0), round(_keyword_confidence(template, scan), 3))
    rows = _line_confidences(template, scan)
    for index, value in enumerate(rows):
        key = f"lines.{index}.net_amount"
        confidence[key] = min(confidence.get(key, 1.0), round(value, 3))
    if rows and "lines" in confidence:
        confidence["lines"] = min(confidence["lines"], round(min(rows), 3))
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
    from ``settings.fields`` (by default the IBAN and the amount due are
    errors, which block posting; the rest warnings). A field the scan did
    not contain at all is not reported here: its absence is for the rules.
    """
    if extraction.extractor != EXTRACTOR:
        return []
    findings = []
    for field in settings.fields:
        check = settings.check_for(field)
        value = field_value(extraction.record, field)
        confidence = extraction.confidence.get(field)
        if check is None or value is None or confidence is None or confidence >= check[0]:
            continue
        threshold, severity = check
        if identifier_valid(field, str(value)) is False:
            why = "fails its check digits, so at least one character was misread"
        else:
            why = f"was read with {confidence:.0%} confidence, below the {threshold:.0%} required"
        findings.append(Finding(
            code="ocr_low_confidence", severity=Severity(severity), field=field, actual=value, rule="ocr",
            message=f"{field} on the scanned page {why}: compare it with the page image"))
    return findings
