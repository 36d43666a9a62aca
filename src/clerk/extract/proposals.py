"""Key fields of an invoice no template fits, proposed from their labels for a person to confirm.

A document from a new supplier should not reach the reviewer empty-handed:
the seller's VAT id and IBAN (valid check digits, python-stdnum), the
invoice number, dates and totals next to their usual labels in English,
German, French, Dutch, Italian and Spanish. Every proposal carries an error
finding, so it is never posted without review; nothing here is trusted.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from stdnum import iban as stdnum_iban
from stdnum.eu import vat as stdnum_vat

from clerk.errors import ExtractionError
from clerk.extract.base import Extraction
from clerk.extract.dates import parse_date
from clerk.extract.numbers import parse_amount
from clerk.models.finding import Finding, Severity
from clerk.models.invoice import Invoice, Party, Totals

EXTRACTOR = "proposed"
PROPOSAL_CONFIDENCE = 0.3      # a label guess: far below any acceptance threshold
LANGUAGES = ("en", "de", "fr", "nl", "it", "es")
DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d. %B %Y", "%d %b %Y",
                "%d %b. %Y", "%d de %B de %Y", "%B %d, %Y")
LABELS = {   # most specific first: "Total a pagar" before "Total"
    "number": ("invoice number", "invoice no", "rechnungsnummer", "rechnung nr", "numéro de facture",
               "facture n°", "numéro", "factuurnummer", "fattura n", "número de factura", "factura n"),
    "issue_date": ("invoice date", "rechnungsdatum", "date de facture", "factuurdatum", "data fattura",
                   "fecha de factura", "datum", "date", "data", "fecha"),
    "due_date": ("due date", "fällig am", "zahlbar bis", "date d'échéance", "échéance", "vervaldatum",
                 "scadenza", "vencimiento"),
    "totals.payable": ("amount due", "zahlbetrag", "zu zahlen", "net à payer", "reste à payer", "te betalen",
                       "totale da pagare", "total a pagar"),
    "totals.net": ("subtotal", "nettobetrag", "summe netto", "total ht", "montant ht", "subtotaal", "imponibile",
                   "base imponible"),
    "totals.gross": ("gesamtbetrag", "summe brutto", "total ttc", "montant ttc", "totaal", "totale", "total"),
    "totals.tax": ("vat", "mwst.", "mwst", "ust.", "ust", "tva", "btw", "iva"),
}
_AMOUNT = re.compile(r"-?(?:[€$£]\s?)?\d[\d.,'\u202f\u00a0 ]*\d(?:\s?(?:[A-Z]{3}|€))?")
_VAT = re.compile(r"\b[A-Z]{2}[ ]?[0-9A-Z]{8,12}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b")


def _labelled(text: str, field: str) -> str | None:
    """The rest of the first line that starts with one of the field's labels."""
    # A tax total is labelled with its rate ("MwSt. 19 %"), which keeps "VAT ID:" out.
    rate = r"[ \t]*\d+(?:[.,]\d+)?[ \t]*%" if field == "totals.tax" else ""
    for label in LABELS[field]:
        pattern = rf"^[ \t]*{re.escape(label)}(?!\w){rate}[^\n:\d]{{0,12}}[:.]?[ \t]*(?P<value>[^\n]+)$"
        match = re.search(pattern, text, re.IGNORECASE | re.MULTILINE)
        if match:
            return match.group("value").strip()
    return None


def _date(text: str, field: str) -> date | None:
    value = _labelled(text, field)
    if value is None:
        return None
    try:
        return parse_date(value, DATE_FORMATS, LANGUAGES, field)
    except ExtractionError:
        return None


def _amount(text: str, field: str) -> Decimal | None:
    value = _labelled(text, field)
    amounts = _AMOUNT.findall(value or "")
    if not amounts:
        return None
    try:
        return parse_amount(amounts[-1].strip(), "auto", field)   # the total is the last figure on its line
    except ExtractionError:
        return None


def _identifier(text: str, pattern: re.Pattern[str], valid) -> str | None:  # noqa: ANN001
    for candidate in pattern.findall(text):
        compact = candidate.replace(" ", "")
        if valid(compact):
            return compact
    return None


def _currency(text: str) -> str:
    payable_line = _labelled(text, "totals.payable") or ""
    for where in (payable_line, text):
        code = re.search(r"\b(EUR|USD|GBP|CHF|SEK|DKK|NOK|PLN|CZK|HUF|RON)\b", where)
        if code:
            return code.group(1)
    return {"$": "USD", "£": "GBP"}.get(next((c for c in payable_line if c in "$£"), ""), "EUR")


def propose_invoice(text: str) -> Extraction | None:
    """The invoice's key fields found next to their labels, for review; None without number, date and total."""
    number = _labelled(text, "number")
    issue_date, payable = _date(text, "issue_date"), _amount(text, "totals.payable")
    if not number or issue_date is None or payable is None:
        return None
    tax = _amount(text, "totals.tax") or Decimal("0")
    gross = _amount(text, "totals.gross") or payable
    net = _amount(text, "totals.net") or gross - tax
    seller = Party(name=next((line.strip() for line in text.split("\n") if line.strip()), "?")[:120],
                   tax_id=_identifier(text, _VAT, stdnum_vat.is_valid),
                   iban=_identifier(text, _IBAN, stdnum_iban.is_valid))
    invoice = Invoice(number=number.split()[0], issue_date=issue_date, due_date=_date(text, "due_date"),
                      currency=_currency(text), seller=seller,
                      totals=Totals(net=net, tax=tax, gross=gross, payable=payable))
    confidence = {field: PROPOSAL_CONFIDENCE for field in (*LABELS, "seller.name", "seller.tax_id", "seller.iban")}
    finding = Finding(code="proposed_without_template", severity=Severity.ERROR, field="seller.name", rule="extract",
                      message="no supplier template fits this document: every value was proposed from the labels "
                              "next to it; check each one, then save a template for this supplier")
    return Extraction(record=invoice, extractor=EXTRACTOR, confidence=confidence, findings=(finding,))


def with_erp_supplier(extraction: Extraction, connector) -> Extraction:  # noqa: ANN001
    """The proposal's seller named as the ERP knows it, found by the VAT id or IBAN read; unchanged if none.

    ``connector`` is any ``ErpConnector`` (``find_supplier``). Still a proposal: the finding stays.
    """
    seller = extraction.record.seller
    if not (seller.tax_id or seller.iban):
        return extraction
    supplier = (connector.find_supplier(tax_id=seller.tax_id) if seller.tax_id else None) or (
        connector.find_supplier(iban=seller.iban) if seller.iban else None)
    if supplier is None:
        return extraction
    named = seller.model_copy(update={"name": supplier.name, "tax_id": supplier.tax_id or seller.tax_id})
    return extraction.model_copy(update={"record": extraction.record.model_copy(update={"seller": named})})
