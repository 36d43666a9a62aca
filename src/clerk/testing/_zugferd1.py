"""Write an Invoice as ZUGFeRD 1.0 (``urn:ferd:CrossIndustryDocument:invoice:1p0``,
CII D13B names), the format German suppliers sent before Factur-X / ZUGFeRD 2."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, Party
from clerk.testing._cii_elements import CiiElements

RSM = "urn:ferd:CrossIndustryDocument:invoice:1p0"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15"
PROFILE = "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"
El = etree._Element
_elements = CiiElements(RAM, UDT)
_ram, _amount, _date = _elements.ram, _elements.amount, _elements.date


def _party(parent: El, role: str, party: Party) -> None:
    node = _ram(parent, role)
    _ram(node, "Name", party.name)
    _ram(_ram(node, "PostalTradeAddress"), "CountryID", party.country or "DE")
    if party.tax_id:
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.tax_id, schemeID="VA")


def _tax(parent: El, currency: str, category: str, rate: Decimal | None,
         basis: Decimal | None = None, amount: Decimal | None = None) -> None:
    tax = _ram(parent, "ApplicableTradeTax")
    if amount is not None:
        _amount(tax, "CalculatedAmount", amount, currency)
    _ram(tax, "TypeCode", "VAT")
    if basis is not None:
        _amount(tax, "BasisAmount", basis, currency)
    _ram(tax, "CategoryCode", category)
    if rate is not None:
        _ram(tax, "ApplicablePercent", rate)


def _line(transaction: El, invoice: Invoice, line: InvoiceLine) -> None:
    item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
    _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", line.id)
    agreement = _ram(item, "SpecifiedSupplyChainTradeAgreement")
    _amount(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", line.unit_price, invoice.currency)
    _ram(_ram(item, "SpecifiedSupplyChainTradeDelivery"), "BilledQuantity", line.quantity,
         unitCode=line.unit or "C62")
    settlement = _ram(item, "SpecifiedSupplyChainTradeSettlement")
    _tax(settlement, invoice.currency, line.tax_category or "S", line.tax_rate)
    _amount(_ram(settlement, "SpecifiedTradeSettlementMonetarySummation"), "LineTotalAmount", line.net_amount,
            invoice.currency)
    product = _ram(item, "SpecifiedTradeProduct")
    if line.product_code:
        _ram(product, "SellerAssignedID", line.product_code)
    _ram(product, "Name", line.description)


def _settlement(transaction: El, invoice: Invoice) -> None:
    settlement = _ram(transaction, "ApplicableSupplyChainTradeSettlement")
    _ram(settlement, "InvoiceCurrencyCode", invoice.currency)
    if invoice.seller.iban:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", "58")
        _ram(_ram(means, "PayeePartyCreditorFinancialAccount"), "IBANID", invoice.seller.iban)
    for subtotal in invoice.tax_breakdown:
        _tax(settlement, invoice.currency, subtotal.category, subtotal.rate, subtotal.taxable_amount,
             subtotal.tax_amount)
    if invoice.due_date:
        _date(_ram(settlement, "SpecifiedTradePaymentTerms"), "DueDateDateTime", invoice.due_date)
    totals = invoice.totals
    summation = _ram(settlement, "SpecifiedTradeSettlementMonetarySummation")
    line_net = totals.line_net if totals.line_net is not None else sum(line.net_amount for line in invoice.lines)
    for tag, value in (("LineTotalAmount", line_net), ("ChargeTotalAmount", totals.charges),
                       ("AllowanceTotalAmount", totals.allowances), ("TaxBasisTotalAmount", totals.net),
                       ("TaxTotalAmount", totals.tax), ("GrandTotalAmount", totals.gross),
                       ("TotalPrepaidAmount", totals.prepaid), ("DuePayableAmount", totals.payable)):
        if value is not None:
            _amount(summation, tag, value, invoice.currency)


def zugferd1_xml(invoice: Invoice, type_code: str | None = None) -> bytes:
    """ZUGFeRD 1.0 CrossIndustryDocument (comfort profile) of ``invoice``."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryDocument", nsmap={"rsm": RSM, "ram": RAM, "udt": UDT})
    context = etree.SubElement(root, f"{{{RSM}}}SpecifiedExchangedDocumentContext")
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", PROFILE)
    header = etree.SubElement(root, f"{{{RSM}}}HeaderExchangedDocument")
    _ram(header, "ID", invoice.number)
    _ram(header, "Name", "GUTSCHRIFT" if invoice.type == DocumentType.CREDIT_NOTE else "RECHNUNG")
    _ram(header, "TypeCode", type_code or ("381" if invoice.type == DocumentType.CREDIT_NOTE else "380"))
    _date(header, "IssueDateTime", invoice.issue_date)
    if invoice.note:
        _ram(_ram(header, "IncludedNote"), "Content", invoice.note)
    transaction = etree.SubElement(root, f"{{{RSM}}}SpecifiedSupplyChainTradeTransaction")
    agreement = _ram(transaction, "ApplicableSupplyChainTradeAgreement")
    if invoice.buyer_reference:
        _ram(agreement, "BuyerReference", invoice.buyer_reference)
    _party(agreement, "SellerTradeParty", invoice.seller)
    if invoice.buyer:
        _party(agreement, "BuyerTradeParty", invoice.buyer)
    if invoice.order_reference:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "ID", invoice.order_reference)
    _ram(transaction, "ApplicableSupplyChainTradeDelivery")
    _settlement(transaction, invoice)
    for line in invoice.lines:
        _line(transaction, invoice, line)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
