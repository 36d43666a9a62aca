"""UBL 2.1 Invoice and CreditNote (PEPPOL BIS Billing 3, XRechnung UBL)."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from clerk.errors import ExtractionError
from clerk.extract._codes import CREDIT_NOTE_CODES
from clerk.extract._xml import XmlReader, parse_iso_date
from clerk.extract.base import Content, Extraction
from clerk.extract.en16931 import En16931Settings, checked_extraction
from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, LineAllowanceCharge, Party, TaxSubtotal, Totals

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
ROOTS = {f"{{{INVOICE_NS}}}Invoice": DocumentType.INVOICE, f"{{{CREDIT_NOTE_NS}}}CreditNote": DocumentType.CREDIT_NOTE}
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# Type codes that are credit notes even inside an <Invoice> root (UNTDID 1001).
CREDIT_CODES = CREDIT_NOTE_CODES
ZERO = Decimal("0")
_read = XmlReader(NS)


def _party(node: etree._Element | None) -> Party | None:
    if node is None:
        return None
    name = (_read.text(node, "cac:PartyLegalEntity/cbc:RegistrationName")
            or _read.text(node, "cac:PartyName/cbc:Name"))
    if name is None:
        raise ExtractionError("missing_field", "party has no name")
    return Party(
        name=name,
        # Only the VAT scheme is a VAT id (BT-31/BT-48); any other PartyTaxScheme
        # is a tax registration number (BT-32), kept apart.
        tax_id=_read.text(node, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        tax_registration_id=_read.text(node, "cac:PartyTaxScheme[not(cac:TaxScheme/cbc:ID='VAT')]/cbc:CompanyID"),
        company_id=_read.text(node, "cac:PartyLegalEntity/cbc:CompanyID"),
        country=_read.text(node, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
    )


def _allowance_charge(node: etree._Element, what: str) -> LineAllowanceCharge:
    return LineAllowanceCharge(
        charge=_read.text(node, "cbc:ChargeIndicator") == "true",
        amount=_read.decimal(node, "cbc:Amount", f"{what} amount", ZERO),
        base_amount=_read.decimal(node, "cbc:BaseAmount", f"{what} base amount"),
        percent=_read.decimal(node, "cbc:MultiplierFactorNumeric", f"{what} percent"),
        reason=_read.text(node, "cbc:AllowanceChargeReason"),
        reason_code=_read.text(node, "cbc:AllowanceChargeReasonCode"),
    )


def _line(node: etree._Element, credit: bool) -> InvoiceLine:
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    if etree.QName(node).localname.startswith("Sub"):   # XRechnung sub-line: either quantity tag
        quantity_tag = "cbc:InvoicedQuantity|cbc:CreditedQuantity"
    line_id = _read.required(node, "cbc:ID", "line id")
    what = f"line {line_id}"
    price = _read.decimal(node, "cac:Price/cbc:PriceAmount", f"{what} price", ZERO)
    base_quantity = _read.decimal(node, "cac:Price/cbc:BaseQuantity", f"{what} base quantity")
    if base_quantity:  # BT-149: the price is per this many units
        price = price / base_quantity
    adjustments = [_allowance_charge(part, f"{what} allowance/charge")
                   for part in _read.nodes(node, "cac:AllowanceCharge")]
    return InvoiceLine(
        id=line_id,
        description=_read.text(node, "cac:Item/cbc:Name") or "",
        quantity=_read.decimal(node, quantity_tag, f"{what} quantity", ZERO),
        unit=_read.text(node, f"({quantity_tag})/@unitCode"),
        unit_price=price,
        net_amount=_read.decimal(node, "cbc:LineExtensionAmount", f"{what} net amount", ZERO),
        tax_category=_read.text(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        tax_rate=_read.decimal(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", f"{what} tax rate"),
        order_line_ref=_read.text(node, "cac:OrderLineReference/cbc:LineID"),
        product_code=_read.text(node, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        allowances=tuple(part for part in adjustments if not part.charge),
        charges=tuple(part for part in adjustments if part.charge),
        sub_lines=tuple(_line(sub, credit) for sub in _read.nodes(node, "cac:SubInvoiceLine | cac:SubCreditNoteLine")),
    )


def _tax(root: etree._Element, currency: str) -> tuple[Decimal | None, tuple[TaxSubtotal, ...]]:
    # With a separate tax currency (BT-6) there are two TaxTotal; ours is in the document currency.
    totals = [t for t in _read.nodes(root, "cac:TaxTotal")
              if _read.text(t, "cbc:TaxAmount/@currencyID") in (None, currency)] or _read.nodes(root, "cac:TaxTotal")
    if not totals:
        return None, ()   # not stated (BT-110 absent), which is not the same as 0
    amount = _read.decimal(totals[0], "cbc:TaxAmount", "tax total")
    subtotals = tuple(
        TaxSubtotal(
            category=_read.text(sub, "cac:TaxCategory/cbc:ID") or "S",
            rate=_read.decimal(sub, "cac:TaxCategory/cbc:Percent", "tax rate"),
            taxable_amount=_read.decimal(sub, "cbc:TaxableAmount", "taxable amount", ZERO),
            tax_amount=_read.decimal(sub, "cbc:TaxAmount", "tax amount", ZERO),
        )
        for sub in _read.nodes(totals[0], "cac:TaxSubtotal")
    )
    return amount, subtotals


def _totals(root: etree._Element, tax: Decimal | None) -> Totals:
    node = _read.nodes(root, "cac:LegalMonetaryTotal")
    if not node:
        raise ExtractionError("missing_field", "cac:LegalMonetaryTotal is missing")
    total = node[0]

    def amount(tag: str, default: Decimal | None = ZERO) -> Decimal | None:
        return _read.decimal(total, f"cbc:{tag}", tag, default)

    def required(tag: str) -> Decimal:
        # BT-109, BT-112, BT-115 are mandatory (BR-13 .. BR-15): absent is not 0
        if _read.text(total, f"cbc:{tag}") is None:
            raise ExtractionError("missing_field", f"{tag} is missing")
        return amount(tag)

    return Totals(
        line_net=amount("LineExtensionAmount", None), allowances=amount("AllowanceTotalAmount"),
        charges=amount("ChargeTotalAmount"), net=required("TaxExclusiveAmount"), tax=tax,
        gross=required("TaxInclusiveAmount"), prepaid=amount("PrepaidAmount"),
        rounding=amount("PayableRoundingAmount"), payable=required("PayableAmount"),
    )


def read_ubl(root: etree._Element) -> Invoice:
    """The Invoice in a parsed UBL Invoice or CreditNote root."""
    doc_type = ROOTS.get(root.tag)
    if doc_type is None:
        raise ExtractionError("unsupported_xml", f"not a UBL invoice or credit note: {root.tag[:120]}")
    credit = doc_type == DocumentType.CREDIT_NOTE
    type_code = _read.text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    if type_code in CREDIT_CODES:
        doc_type = DocumentType.CREDIT_NOTE
    currency = _read.required(root, "cbc:DocumentCurrencyCode", "currency")
    seller = _party(next(iter(_read.nodes(root, "cac:AccountingSupplierParty/cac:Party")), None))
    if seller is None:
        raise ExtractionError("missing_field", "seller (cac:AccountingSupplierParty) is missing")
    iban = _read.text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID")
    tax, breakdown = _tax(root, currency)
    return Invoice(
        number=_read.required(root, "cbc:ID", "invoice number"),
        type=doc_type,
        issue_date=parse_iso_date(_read.required(root, "cbc:IssueDate", "issue date"), "issue date"),
        due_date=parse_iso_date(_read.text(root, "cbc:DueDate")
                                or _read.text(root, "cac:PaymentMeans/cbc:PaymentDueDate"), "due date"),
        currency=currency,
        seller=seller.model_copy(update={"iban": iban.replace(" ", "").upper() if iban else None}),
        buyer=_party(next(iter(_read.nodes(root, "cac:AccountingCustomerParty/cac:Party")), None)),
        buyer_reference=_read.text(root, "cbc:BuyerReference"),
        order_reference=_read.text(root, "cac:OrderReference/cbc:ID"),
        lines=tuple(_line(node, credit) for node in _read.nodes(root, "cac:InvoiceLine | cac:CreditNoteLine")),
        tax_breakdown=breakdown,
        totals=_totals(root, tax),
        note=_read.text(root, "cbc:Note"),
    )


class UblExtractor:
    """UBL 2.1 e-invoices; confidence 1.0 where the declared figures agree; the
    EN 16931 business rules run on the document (``Extraction.findings``)."""

    name = "ubl"

    def __init__(self, rules: En16931Settings | None = None):
        self.rules = rules or En16931Settings()

    def accepts(self, content: Content) -> bool:
        return content.kind == "xml" and content.xml is not None and content.xml.tag in ROOTS

    def extract(self, content: Content) -> Extraction:
        return checked_extraction(content.xml, read_ubl, self.name, self.rules)
