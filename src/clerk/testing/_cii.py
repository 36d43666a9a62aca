"""Write an Invoice as UN/CEFACT CII D16B (Factur-X / ZUGFeRD 2, EN 16931 profile)."""

from __future__ import annotations

from lxml import etree

from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, Party
from clerk.testing._cii_elements import CiiElements

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"

El = etree._Element
_elements = CiiElements(RAM, UDT)
_ram, _amount, _date = _elements.ram, _elements.amount, _elements.date


def _party(parent: El, role: str, party: Party) -> None:
    node = _ram(parent, role)
    _ram(node, "Name", party.name)
    if party.company_id:
        _ram(_ram(node, "SpecifiedLegalOrganization"), "ID", party.company_id)
    _ram(_ram(node, "PostalTradeAddress"), "CountryID", party.country or "DE")
    if party.tax_id:
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.tax_id, schemeID="VA")
    if party.tax_registration_id:   # a tax number (FC), not a VAT id
        _ram(_ram(node, "SpecifiedTaxRegistration"), "ID", party.tax_registration_id, schemeID="FC")


def _line_allowances(settlement: El, line: InvoiceLine) -> None:
    for part in (*line.allowances, *line.charges):   # BG-27, BG-28
        node = _ram(settlement, "SpecifiedTradeAllowanceCharge")
        indicator = etree.SubElement(_ram(node, "ChargeIndicator"), f"{{{UDT}}}Indicator")
        indicator.text = "true" if part.charge else "false"
        if part.percent is not None:
            _ram(node, "CalculationPercent", part.percent)
        if part.base_amount is not None:
            _amount(node, "BasisAmount", part.base_amount)
        _amount(node, "ActualAmount", part.amount)
        if part.reason_code:
            _ram(node, "ReasonCode", part.reason_code)
        if part.reason:
            _ram(node, "Reason", part.reason)


def _line(parent: El, invoice: Invoice, line: InvoiceLine, parent_id: str | None = None) -> None:
    item = _ram(parent, "IncludedSupplyChainTradeLineItem")
    document = _ram(item, "AssociatedDocumentLineDocument")
    _ram(document, "LineID", line.id)
    if parent_id:   # an XRechnung sub-line
        _ram(document, "ParentLineID", parent_id)
    product = _ram(item, "SpecifiedTradeProduct")
    if line.product_code:
        _ram(product, "SellerAssignedID", line.product_code)
    _ram(product, "Name", line.description)
    agreement = _ram(item, "SpecifiedLineTradeAgreement")
    if line.order_line_ref:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "LineID", line.order_line_ref)
    _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", line.unit_price)
    _ram(_ram(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", line.quantity, unitCode=line.unit or "C62")
    settlement = _ram(item, "SpecifiedLineTradeSettlement")
    tax = _ram(settlement, "ApplicableTradeTax")
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", line.tax_category or "S")
    if line.tax_rate is not None:
        _ram(tax, "RateApplicablePercent", line.tax_rate)
    _line_allowances(settlement, line)
    _amount(_ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount", line.net_amount)
    for sub_line in line.sub_lines:
        _line(parent, invoice, sub_line, parent_id=line.id)


def _agreement_and_delivery(transaction: El, invoice: Invoice) -> None:
    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    if invoice.buyer_reference:
        _ram(agreement, "BuyerReference", invoice.buyer_reference)
    _party(agreement, "SellerTradeParty", invoice.seller)
    if invoice.buyer:
        _party(agreement, "BuyerTradeParty", invoice.buyer)
    if invoice.order_reference:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", invoice.order_reference)
    _ram(transaction, "ApplicableHeaderTradeDelivery")


def _allowance_charges(settlement: El, invoice: Invoice) -> None:
    first = invoice.tax_breakdown[0] if invoice.tax_breakdown else None
    for is_charge, value, reason in ((True, invoice.totals.charges, "Freight"),
                                     (False, invoice.totals.allowances, "Discount")):
        if not value:
            continue
        node = _ram(settlement, "SpecifiedTradeAllowanceCharge")
        indicator = etree.SubElement(_ram(node, "ChargeIndicator"), f"{{{UDT}}}Indicator")
        indicator.text = "true" if is_charge else "false"
        _amount(node, "ActualAmount", value)
        _ram(node, "Reason", reason)
        tax = _ram(node, "CategoryTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", first.category if first else "S")
        if first and first.rate is not None:
            _ram(tax, "RateApplicablePercent", first.rate)


def _settlement(transaction: El, invoice: Invoice) -> None:
    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    _ram(settlement, "InvoiceCurrencyCode", invoice.currency)
    if invoice.seller.iban:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", "58")
        _ram(_ram(means, "PayeePartyCreditorFinancialAccount"), "IBANID", invoice.seller.iban)
    for subtotal in invoice.tax_breakdown:
        tax = _ram(settlement, "ApplicableTradeTax")
        _amount(tax, "CalculatedAmount", subtotal.tax_amount)
        _ram(tax, "TypeCode", "VAT")
        if subtotal.category in {"E", "AE", "K", "G", "O"}:
            _ram(tax, "ExemptionReason", "Exempt")
        _amount(tax, "BasisAmount", subtotal.taxable_amount)
        _ram(tax, "CategoryCode", subtotal.category)
        if subtotal.rate is not None:
            _ram(tax, "RateApplicablePercent", subtotal.rate)
    _allowance_charges(settlement, invoice)
    if invoice.due_date:
        _date(_ram(settlement, "SpecifiedTradePaymentTerms"), "DueDateDateTime", invoice.due_date)
    _summation(settlement, invoice)


def _summation(settlement: El, invoice: Invoice) -> None:
    totals = invoice.totals
    node = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    line_net = totals.line_net if totals.line_net is not None else sum(line.net_amount for line in invoice.lines)
    _amount(node, "LineTotalAmount", line_net)
    if totals.charges:
        _amount(node, "ChargeTotalAmount", totals.charges)
    if totals.allowances:
        _amount(node, "AllowanceTotalAmount", totals.allowances)
    _amount(node, "TaxBasisTotalAmount", totals.net)
    if totals.tax is not None:   # not stated: no TaxTotalAmount
        _amount(node, "TaxTotalAmount", totals.tax, invoice.currency)
    if totals.rounding:
        _amount(node, "RoundingAmount", totals.rounding)
    _amount(node, "GrandTotalAmount", totals.gross)
    if totals.prepaid:
        _amount(node, "TotalPrepaidAmount", totals.prepaid)
    _amount(node, "DuePayableAmount", totals.payable)


def cii_xml(invoice: Invoice, type_code: str | None = None) -> bytes:
    """CII CrossIndustryInvoice in the Factur-X EN 16931 profile (valid against its XSD);
    ``type_code`` overrides the UNTDID 1001 code (380 / 381 by default)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice",
                         nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE_EN16931)
    document = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
    _ram(document, "ID", invoice.number)
    _ram(document, "TypeCode", type_code or ("381" if invoice.type == DocumentType.CREDIT_NOTE else "380"))
    _date(document, "IssueDateTime", invoice.issue_date)
    if invoice.note:
        _ram(_ram(document, "IncludedNote"), "Content", invoice.note)
    transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line(transaction, invoice, line)
    _agreement_and_delivery(transaction, invoice)
    _settlement(transaction, invoice)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
