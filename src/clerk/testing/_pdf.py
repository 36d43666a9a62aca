"""Render an Invoice as a text PDF in the layout of one demo supplier's template."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from clerk.models.invoice import DocumentType, Invoice
from clerk.testing._pdf_layout import Layout, printed_date

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT = "DejaVuSans"
ROWS_PER_PAGE = 30


LAYOUTS = {
    "acme": Layout(
        "INVOICE", "CREDIT NOTE", "VAT ID:", "Invoice number:", "Invoice date:", "Due date:",
        "Your order:", "Bill to:", ("Item", "Description", "Qty", "Unit price", "Amount"),
        "Subtotal", "VAT {rate}%", "Total", "Amount due", "IBAN:", "%d %b %Y", ",", ".", False,
    ),
    "nordwind": Layout(
        "Rechnung", "Gutschrift", "USt-IdNr.:", "Rechnungsnummer:", "Rechnungsdatum:", "Fällig am:",
        "Ihre Bestellung:", "Rechnungsempfänger:", ("Art.-Nr.", "Bezeichnung", "Menge", "Einzelpreis", "Gesamt"),
        "Nettobetrag", "MwSt. {rate} %", "Gesamtbetrag", "Zahlbetrag", "IBAN:", "%d.%m.%Y", ".", ",", True,
    ),
    "brio": Layout(
        "FACTURE", "AVOIR", "N° TVA :", "Facture n° :", "Date de facture :", "Échéance :",
        "Votre commande :", "Client :", ("Réf.", "Désignation", "Qté", "PU HT", "Montant HT"),
        "Total HT", "TVA {rate} %", "Total TTC", "Net à payer", "IBAN :", "%d/%m/%Y", " ", ",", True,
    ),
}
COLUMNS = (50, 130, 340, 400, 480)


def format_amount(value: Decimal, layout: Layout) -> str:
    """``1234.5`` as ``1,234.50`` / ``1.234,50`` / ``1 234,50``."""
    text = f"{value:,.2f}"
    return text.replace(",", "\0").replace(".", layout.decimal).replace("\0", layout.thousands)


def format_quantity(value: Decimal, layout: Layout) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return text.replace(".", layout.decimal)


def _rate_text(rate: Decimal | None) -> str:
    return format((rate or Decimal(0)).normalize(), "f")


def _ensure_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_PATH))


class _Page:
    def __init__(self, pdf: canvas.Canvas):
        self.pdf = pdf
        self.y = 800.0

    def text(self, x: float, value: str, size: int = 10) -> None:
        self.pdf.setFont(FONT, size)
        self.pdf.drawString(x, self.y, value)

    def row(self, cells: tuple[str, ...]) -> None:
        for x, cell in zip(COLUMNS, cells):
            self.text(x, cell)
        self.newline()

    def newline(self, step: float = 15) -> None:
        self.y -= step


def _when(value: date | None, layout: Layout) -> str:
    return printed_date(value, layout) if value else ""


def _money(value: Decimal, invoice: Invoice, layout: Layout) -> str:
    amount = format_amount(value, layout)
    return f"{amount} {invoice.currency}" if layout.currency_suffix else f"{invoice.currency} {amount}"


def _head(page: _Page, invoice: Invoice, layout: Layout) -> None:
    page.text(50, invoice.seller.name, 14)
    page.newline(20)
    page.text(50, f"{layout.tax_id} {invoice.seller.tax_id or ''}")
    page.newline(30)
    page.text(50, layout.credit_title if invoice.type == DocumentType.CREDIT_NOTE else layout.title, 16)
    page.newline(25)
    for label, value in ((layout.number, invoice.number),
                         (layout.issue_date, _when(invoice.issue_date, layout)),
                         (layout.due_date, _when(invoice.due_date, layout)),
                         (layout.order, invoice.order_reference or ""),
                         (layout.bill_to, invoice.buyer.name if invoice.buyer else "")):
        page.text(50, f"{label} {value}")
        page.newline()
    page.newline()


def _foot(page: _Page, invoice: Invoice, layout: Layout) -> None:
    page.newline()
    totals = invoice.totals
    rate = invoice.tax_breakdown[0].rate if invoice.tax_breakdown else None
    for label, value in ((layout.net, totals.net), (layout.tax.format(rate=_rate_text(rate)), totals.tax),
                         (layout.gross, totals.gross), (layout.payable, totals.payable)):
        page.text(340, label)
        page.text(480, _money(value, invoice, layout))
        page.newline()
    page.newline()
    if invoice.seller.iban:
        page.text(50, f"{layout.iban} {invoice.seller.iban}")


def plain_pdf(invoice: Invoice, layout: str) -> bytes:
    """A text PDF (no XML inside) as the supplier ``layout`` prints it: acme, nordwind, brio, or an EU_LAYOUTS one."""
    from clerk.testing._layouts_eu import EU_LAYOUTS

    known = {**LAYOUTS, **EU_LAYOUTS}
    if layout not in known:
        raise ValueError(f"unknown layout {layout!r}; known: {sorted(known)}")
    words = known[layout]
    _ensure_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(f"{invoice.seller.name} {invoice.number}")
    page = _Page(pdf)
    _head(page, invoice, words)
    page.row(words.header)
    for index, line in enumerate(invoice.lines, start=1):
        page.row((line.product_code or "-", line.description, format_quantity(line.quantity, words),
                  format_amount(line.unit_price, words), format_amount(line.net_amount, words)))
        if index % ROWS_PER_PAGE == 0 and index < len(invoice.lines):
            pdf.showPage()
            page = _Page(pdf)
            page.row(words.header)
    _foot(page, invoice, words)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
