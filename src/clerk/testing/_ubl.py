"""Write an Invoice as UBL 2.1 (PEPPOL BIS Billing 3.0 shape)."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, Party

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOT_NS = {
    DocumentType.INVOICE: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    DocumentType.CREDIT_NOTE: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def amount_text(value: Decimal) -> str:
    return f"{value:.2f}"


class _Builder:
    def __init__(self, currency: str):
        self.currency = currency

    def cbc(self, parent: etree._Element, tag: str, text: object, **attrib: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrib)
        element.text = str(text)
        return element

    def amount(self, parent: etree._Element, tag: str, value: Decimal) -> etree._Element:
        return self.cbc(parent, tag, amount_text(value), currencyID=self.currency)

    @staticmethod
    def cac(parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{tag}")


def _party(b: _Builder, parent: etree._Element, role: str, party: Party) -> None:
    node = b.cac(b.cac(parent, role), "Party")
    if party.tax_id:
        b.cbc(node, "EndpointID", party.tax_id, schemeID="9930")
    b.cbc(b.cac(node, "PartyName"), "Name", party.name)
    address = b.cac(node, "PostalAddress")
    b.cbc(b.cac(address, "Country"), "IdentificationCode", party.country or "DE")
    if party.tax_id:
        scheme = b.cac(node, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", party.tax_id)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "VAT")
    if party.tax_registration_id:   # a tax number under another scheme: not a VAT id
        scheme = b.cac(node, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", party.tax_registration_id)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "FC")
    legal = b.cac(node, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.name)
    if party.company_id:
        b.cbc(legal, "CompanyID", party.company_id)


def _header(b: _Builder, root: etree._Element, invoice: Invoice, credit: bool, type_code: str | None) -> None:
    b.cbc(root, "CustomizationID", CUSTOMIZATION)
    b.cbc(root, "ProfileID", PROFILE)
    b.cbc(root, "ID", invoice.number)
    b.cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if invoice.due_date and not credit:
        b.cbc(root, "DueDate", invoice.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", type_code or ("381" if credit else "380"))
    if invoice.note:
        b.cbc(root, "Note", invoice.note)
    b.cbc(root, "DocumentCurrencyCode", invoice.currency)
    if invoice.buyer_reference:
        b.cbc(root, "BuyerReference", invoice.buyer_reference)
    if invoice.order_reference:
        b.cbc(b.cac(root, "OrderReference"), "ID", invoice.order_reference)


def _payment(b: _Builder, root: etree._Element, invoice: Invoice, credit: bool) -> None:
    if invoice.seller.iban:
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", "58")
        b.cbc(b.cac(means, "PayeeFinancialAccount"), "ID", invoice.seller.iban)
    if invoice.due_date and credit:
        b.cbc(b.cac(root, "PaymentTerms"), "Note", f"Due {invoice.due_date.isoformat()}")


def _allowances(b: _Builder, root: etree._Element, invoice: Invoice) -> None:
    # The record keeps only document-level sums; write each as one entry
    # taxed like the first tax subtotal.
    first = invoice.tax_breakdown[0] if invoice.tax_breakdown else None
    for is_charge, value, reason in ((True, invoice.totals.charges, "Freight"),
                                     (False, invoice.totals.allowances, "Discount")):
        if not value:
            continue
        node = b.cac(root, "AllowanceCharge")
        b.cbc(node, "ChargeIndicator", "true" if is_charge else "false")
        b.cbc(node, "AllowanceChargeReason", reason)
        b.amount(node, "Amount", value)
        category = b.cac(node, "TaxCategory")
        b.cbc(category, "ID", first.category if first else "S")
        if first and first.rate is not None:
            b.cbc(category, "Percent", first.rate)
        b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


def _taxes_and_totals(b: _Builder, root: etree._Element, invoice: Invoice) -> None:
    if invoice.totals.tax is not None:   # not stated: no TaxTotal at all
        _tax_total(b, root, invoice)
    _monetary_total(b, root, invoice)


def _tax_total(b: _Builder, root: etree._Element, invoice: Invoice) -> None:
    tax_total = b.cac(root, "TaxTotal")
    b.amount(tax_total, "TaxAmount", invoice.totals.tax)
    for subtotal in invoice.tax_breakdown:
        node = b.cac(tax_total, "TaxSubtotal")
        b.amount(node, "TaxableAmount", subtotal.taxable_amount)
        b.amount(node, "TaxAmount", subtotal.tax_amount)
        category = b.cac(node, "TaxCategory")
        b.cbc(category, "ID", subtotal.category)
        if subtotal.rate is not None:
            b.cbc(category, "Percent", subtotal.rate)
        if subtotal.category in {"E", "AE", "K", "G", "O"}:
            b.cbc(category, "TaxExemptionReason", "Exempt")
        b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


def _monetary_total(b: _Builder, root: etree._Element, invoice: Invoice) -> None:
    totals = invoice.totals
    monetary = b.cac(root, "LegalMonetaryTotal")
    line_net = totals.line_net if totals.line_net is not None else sum(line.net_amount for line in invoice.lines)
    b.amount(monetary, "LineExtensionAmount", line_net)
    b.amount(monetary, "TaxExclusiveAmount", totals.net)
    b.amount(monetary, "TaxInclusiveAmount", totals.gross)
    if totals.allowances:
        b.amount(monetary, "AllowanceTotalAmount", totals.allowances)
    if totals.charges:
        b.amount(monetary, "ChargeTotalAmount", totals.charges)
    if totals.prepaid:
        b.amount(monetary, "PrepaidAmount", totals.prepaid)
    if totals.rounding:
        b.amount(monetary, "PayableRoundingAmount", totals.rounding)
    b.amount(monetary, "PayableAmount", totals.payable)


def _line_allowances(b: _Builder, node: etree._Element, line: InvoiceLine) -> None:
    for part in (*line.allowances, *line.charges):   # BG-27, BG-28
        entry = b.cac(node, "AllowanceCharge")
        b.cbc(entry, "ChargeIndicator", "true" if part.charge else "false")
        if part.reason_code:
            b.cbc(entry, "AllowanceChargeReasonCode", part.reason_code)
        if part.reason:
            b.cbc(entry, "AllowanceChargeReason", part.reason)
        if part.percent is not None:
            b.cbc(entry, "MultiplierFactorNumeric", part.percent)
        b.amount(entry, "Amount", part.amount)
        if part.base_amount is not None:
            b.amount(entry, "BaseAmount", part.base_amount)


def _lines(b: _Builder, root: etree._Element, invoice: Invoice, credit: bool,
           lines: tuple[InvoiceLine, ...] | None = None, sub: bool = False) -> None:
    for line in invoice.lines if lines is None else lines:
        tag = "CreditNoteLine" if credit else "InvoiceLine"
        node = b.cac(root, f"Sub{tag}" if sub else tag)
        b.cbc(node, "ID", line.id)
        b.cbc(node, "CreditedQuantity" if credit else "InvoicedQuantity", line.quantity,
              unitCode=line.unit or "C62")
        b.amount(node, "LineExtensionAmount", line.net_amount)
        if line.order_line_ref:
            b.cbc(b.cac(node, "OrderLineReference"), "LineID", line.order_line_ref)
        _line_allowances(b, node, line)
        item = b.cac(node, "Item")
        b.cbc(item, "Name", line.description)
        if line.product_code:
            b.cbc(b.cac(item, "SellersItemIdentification"), "ID", line.product_code)
        category = b.cac(item, "ClassifiedTaxCategory")
        b.cbc(category, "ID", line.tax_category or "S")
        if line.tax_rate is not None:
            b.cbc(category, "Percent", line.tax_rate)
        b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")
        price = b.cac(node, "Price")
        b.cbc(price, "PriceAmount", line.unit_price, currencyID=invoice.currency)
        if line.sub_lines:   # XRechnung's sub invoice lines, nested in their line
            _lines(b, node, invoice, credit, line.sub_lines, sub=True)


def ubl_xml(invoice: Invoice, type_code: str | None = None) -> bytes:
    """UBL 2.1 Invoice, or CreditNote when ``invoice.type`` is a credit note;
    ``type_code`` overrides the UNTDID 1001 code (380 / 381 by default)."""
    credit = invoice.type == DocumentType.CREDIT_NOTE
    root_ns = ROOT_NS[invoice.type]
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
                         nsmap={None: root_ns, "cac": CAC, "cbc": CBC})
    b = _Builder(invoice.currency)
    _header(b, root, invoice, credit, type_code)
    _party(b, root, "AccountingSupplierParty", invoice.seller)
    if invoice.buyer:
        _party(b, root, "AccountingCustomerParty", invoice.buyer)
    _payment(b, root, invoice, credit)
    _allowances(b, root, invoice)
    _taxes_and_totals(b, root, invoice)
    _lines(b, root, invoice, credit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
