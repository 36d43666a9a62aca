"""UN/CEFACT CII CrossIndustryInvoice (Factur-X, ZUGFeRD 2.x, XRechnung CII)."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from clerk.errors import ExtractionError
from clerk.extract._checks import invoice_confidence
from clerk.extract._xml import XmlReader, parse_date_102
from clerk.extract.base import Content, Extraction
from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, Party, TaxSubtotal, Totals

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
ROOT = f"{{{RSM}}}CrossIndustryInvoice"
NS = {
    "rsm": RSM,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
CREDIT_CODES = {"381", "396", "532"}
ZERO = Decimal("0")
_read = XmlReader(NS)
TRANSACTION = "rsm:SupplyChainTradeTransaction"
AGREEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"


def _party(node: etree._Element | None) -> Party | None:
    if node is None:
        return None
    name = _read.text(node, "ram:Name")
    if name is None:
        raise ExtractionError("missing_field", "trade party has no name")
    return Party(
        name=name,
        tax_id=_read.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        company_id=_read.text(node, "ram:SpecifiedLegalOrganization/ram:ID"),
        country=_read.text(node, "ram:PostalTradeAddress/ram:CountryID"),
    )


def _line(node: etree._Element) -> InvoiceLine:
    line_id = _read.required(node, "ram:AssociatedDocumentLineDocument/ram:LineID", "line id")
    what = f"line {line_id}"
    price_path = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
    price = _read.decimal(node, f"{price_path}/ram:ChargeAmount", f"{what} price", ZERO)
    basis = _read.decimal(node, f"{price_path}/ram:BasisQuantity", f"{what} basis quantity")
    if basis:  # BT-149: the price is per this many units
        price = price / basis
    quantity_path = "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    tax_path = "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
    return InvoiceLine(
        id=line_id,
        description=_read.text(node, "ram:SpecifiedTradeProduct/ram:Name") or "",
        quantity=_read.decimal(node, quantity_path, f"{what} quantity", ZERO),
        unit=_read.text(node, f"{quantity_path}/@unitCode"),
        unit_price=price,
        net_amount=_read.decimal(node, "ram:SpecifiedLineTradeSettlement/"
                                 "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                                 f"{what} net amount", ZERO),
        tax_category=_read.text(node, f"{tax_path}/ram:CategoryCode"),
        tax_rate=_read.decimal(node, f"{tax_path}/ram:RateApplicablePercent", f"{what} tax rate"),
        order_line_ref=_read.text(node, "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID"),
        product_code=_read.text(node, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
    )


def _totals(root: etree._Element, currency: str) -> Totals:
    found = _read.nodes(root, f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    if not found:
        raise ExtractionError("missing_field", "SpecifiedTradeSettlementHeaderMonetarySummation is missing")
    node = found[0]

    def amount(tag: str, default: Decimal | None = ZERO) -> Decimal | None:
        return _read.decimal(node, f"ram:{tag}", tag, default)

    # TaxTotalAmount may appear twice (document and tax currency, BT-110/BT-111).
    # Chosen in Python, not by putting the (untrusted) currency into an XPath.
    tax_nodes = [n for n in _read.nodes(node, "ram:TaxTotalAmount") if n.get("currencyID") in (None, currency)]
    tax = _read.decimal(tax_nodes[0], "self::*", "TaxTotalAmount", None) if tax_nodes else None
    return Totals(
        line_net=amount("LineTotalAmount", None), charges=amount("ChargeTotalAmount"),
        allowances=amount("AllowanceTotalAmount"), net=amount("TaxBasisTotalAmount"),
        tax=tax if tax is not None else amount("TaxTotalAmount"), gross=amount("GrandTotalAmount"),
        prepaid=amount("TotalPrepaidAmount"), rounding=amount("RoundingAmount"),
        payable=amount("DuePayableAmount"),
    )


def read_cii(root: etree._Element) -> Invoice:
    """The Invoice in a parsed CII CrossIndustryInvoice root."""
    if root.tag != ROOT:
        raise ExtractionError("unsupported_xml", f"not a CII invoice: {root.tag[:120]}")
    currency = _read.required(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode", "currency")
    seller = _party(next(iter(_read.nodes(root, f"{AGREEMENT}/ram:SellerTradeParty")), None))
    if seller is None:
        raise ExtractionError("missing_field", "SellerTradeParty is missing")
    iban = _read.text(root, f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans/"
                            "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
    type_code = _read.text(root, "rsm:ExchangedDocument/ram:TypeCode")
    date_path = "udt:DateTimeString"
    return Invoice(
        number=_read.required(root, "rsm:ExchangedDocument/ram:ID", "invoice number"),
        type=DocumentType.CREDIT_NOTE if type_code in CREDIT_CODES else DocumentType.INVOICE,
        issue_date=parse_date_102(_read.required(root, f"rsm:ExchangedDocument/ram:IssueDateTime/{date_path}",
                                                 "issue date"), "issue date"),
        due_date=parse_date_102(_read.text(root, f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/"
                                                 f"ram:DueDateDateTime/{date_path}"), "due date"),
        currency=currency,
        seller=seller.model_copy(update={"iban": iban.replace(" ", "").upper() if iban else None}),
        buyer=_party(next(iter(_read.nodes(root, f"{AGREEMENT}/ram:BuyerTradeParty")), None)),
        buyer_reference=_read.text(root, f"{AGREEMENT}/ram:BuyerReference"),
        order_reference=_read.text(root, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        lines=tuple(_line(node) for node in _read.nodes(root, f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem")),
        tax_breakdown=tuple(
            TaxSubtotal(
                category=_read.text(tax, "ram:CategoryCode") or "S",
                rate=_read.decimal(tax, "ram:RateApplicablePercent", "tax rate"),
                taxable_amount=_read.decimal(tax, "ram:BasisAmount", "tax basis", ZERO),
                tax_amount=_read.decimal(tax, "ram:CalculatedAmount", "tax amount", ZERO),
            )
            for tax in _read.nodes(root, f"{SETTLEMENT}/ram:ApplicableTradeTax")
        ),
        totals=_totals(root, currency),
        note=_read.text(root, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content"),
    )


class CiiExtractor:
    """Standalone CII XML."""

    name = "cii"

    def accepts(self, content: Content) -> bool:
        return content.kind == "xml" and content.xml is not None and content.xml.tag == ROOT

    def extract(self, content: Content) -> Extraction:
        invoice = read_cii(content.xml)
        return Extraction(record=invoice, extractor=self.name, confidence=invoice_confidence(invoice, 1.0))
