"""PDF invoices without XML: the text layer, read through a supplier template."""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import ValidationError

from clerk.errors import ExtractionError
from clerk.extract._checks import invoice_confidence
from clerk.extract.base import Content, Extraction
from clerk.extract.dates import parse_date
from clerk.extract.numbers import parse_amount
from clerk.extract.proposals import propose_invoice
from clerk.extract.sandbox import PdfReading
from clerk.extract.template_fields import field_text, keywords_match, table_rows
from clerk.extract.templates import PdfTemplate
from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, Party, TaxSubtotal, Totals

MIN_TEXT_CHARS = 20
TEMPLATE_CONFIDENCE = 0.9   # a regex can match the wrong thing; XML cannot


def usable_text(reading: PdfReading) -> str:
    """The PDF's text layer, or ``ExtractionError('no_text_layer')``.

    This is the single place where OCR of scanned pages plugs in later.
    """
    text = "\n".join(reading.pages).replace("\r\n", "\n").replace("\r", "\n")
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise ExtractionError("no_text_layer", f"{reading.page_count} page(s) without a usable text layer")
    return text


def choose_template(text: str, templates: tuple[PdfTemplate, ...]) -> PdfTemplate | None:
    """The template whose keywords appear in ``text`` (ignoring case); the most specific wins."""
    matching = [t for t in templates if keywords_match(t, text)]
    return max(matching, key=lambda t: len(t.keywords) + bool(t.any_keywords), default=None)


def _find(template: PdfTemplate, text: str, field: str) -> str | None:
    return field_text(template, text, field)


def _lines(template: PdfTemplate, text: str) -> tuple[InvoiceLine, ...]:
    return tuple(_line(template, match, index)
                 for index, (_, _, match) in enumerate(table_rows(template, text), 1))


def _line(template: PdfTemplate, match: re.Match[str], index: int) -> InvoiceLine:
    fmt, what = template.number_format, f"line {index}"
    groups = match.groupdict()
    return InvoiceLine(
        id=str(index), description=groups["description"].strip(),
        quantity=parse_amount(groups["quantity"], fmt, f"{what} quantity"),
        unit_price=parse_amount(groups["unit_price"], fmt, f"{what} unit price"),
        net_amount=parse_amount(groups["net_amount"], fmt, f"{what} net amount"),
        product_code=groups.get("product_code"),
    )


def read_with_template(template: PdfTemplate, text: str) -> tuple[Invoice, dict[str, float]]:
    """The invoice ``template`` reads from ``text``, with per-field confidence."""
    fmt = template.number_format

    def amount(field: str, default: str | None = None) -> Decimal:
        value = _find(template, text, field) or default
        if value is None:
            raise ExtractionError("missing_field", f"template {template.name}: {field} not found")
        return parse_amount(value, fmt, field)

    def when(field: str, required: bool):
        value = _find(template, text, field)
        if value is None and required:
            raise ExtractionError("missing_field", f"template {template.name}: {field} not found")
        return parse_date(value, template.date_format, template.date_languages, field) if value else None

    number = _find(template, text, "number")
    if not number:
        raise ExtractionError("missing_field", f"template {template.name}: number not found")
    seller_name = _find(template, text, "seller.name") or template.seller.name
    if not seller_name:
        raise ExtractionError("missing_field", f"template {template.name}: seller.name not found")
    lines = _lines(template, text)
    payable = amount("totals.payable")
    gross = amount("totals.gross", _find(template, text, "totals.payable"))
    tax = amount("totals.tax", "0")
    net = amount("totals.net", str(gross - tax)) if "totals.net" in template.fields else gross - tax
    rate_text = _find(template, text, "tax_rate")
    rate = parse_amount(rate_text, fmt, "tax rate") if rate_text else None
    if rate is not None:
        # One printed VAT rate covers every line; the ERP needs it per line.
        lines = tuple(line.model_copy(update={"tax_rate": rate, "tax_category": "S" if rate else "Z"})
                      for line in lines)
    try:
        invoice = Invoice(
            number=number,
            type=DocumentType.CREDIT_NOTE if _find(template, text, "credit_note") else DocumentType.INVOICE,
            issue_date=when("issue_date", True), due_date=when("due_date", False),
            currency=_find(template, text, "currency") or template.currency,
            seller=Party(name=seller_name,
                         tax_id=_find(template, text, "seller.tax_id") or template.seller.tax_id,
                         iban=_find(template, text, "seller.iban"), country=template.seller.country),
            order_reference=_find(template, text, "order_reference"),
            lines=lines,
            tax_breakdown=(TaxSubtotal(category="S" if rate else "Z", rate=rate, taxable_amount=net,
                                       tax_amount=tax),) if rate is not None else (),
            totals=Totals(line_net=sum((line.net_amount for line in lines), Decimal("0")) if lines else None,
                          net=net, tax=tax, gross=gross, payable=payable),
        )
    except ValidationError as error:
        raise ExtractionError("invalid_record", f"template {template.name}: {error.errors()[0]['msg']}") from None
    return invoice, _confidence(template, invoice)


def _confidence(template: PdfTemplate, invoice: Invoice) -> dict[str, float]:
    confidence = invoice_confidence(invoice, TEMPLATE_CONFIDENCE)
    if due_date := invoice.due_date:
        # Stored in the ERP like the issue date; a due date before the issue date is a misread.
        confidence["due_date"] = TEMPLATE_CONFIDENCE if due_date >= invoice.issue_date else 0.0
    for field in ("seller.tax_id", "seller.iban", "order_reference"):
        if field not in template.fields:
            confidence[field] = 0.5 if field == "seller.tax_id" and invoice.seller.tax_id else 0.0
    return confidence


class PdfTextExtractor:
    """Text PDFs read through the first matching supplier template."""

    name = "pdf_text"

    def __init__(self, templates: tuple[PdfTemplate, ...]):
        self.templates = templates

    def accepts(self, content: Content) -> bool:
        return content.kind == "pdf" and content.pdf is not None

    def extract(self, content: Content) -> Extraction:
        text = usable_text(content.pdf)
        template = choose_template(text, self.templates)
        if template is None:
            # A new supplier's invoice goes to a person pre-filled, never posted on a label guess.
            proposal = propose_invoice(text)
            if proposal is None:
                raise ExtractionError("no_template", "no supplier template matches this PDF's text, and no "
                                                     "invoice number, date and total were found by their labels")
            return proposal
        invoice, confidence = read_with_template(template, text)
        return Extraction(record=invoice, extractor=self.name, template=template.name, confidence=confidence)
