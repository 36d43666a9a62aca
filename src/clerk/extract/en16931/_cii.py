"""Where UN/CEFACT CII D16B (Factur-X, ZUGFeRD 2.x, XRechnung CII) keeps the
EN 16931 business terms (CEN/TS 16931-3-3, as the official schematron reads it)."""

from __future__ import annotations

from clerk.extract.en16931._view import Binding, Group

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
TRANSACTION = "rsm:SupplyChainTradeTransaction"
AGREEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
DELIVERY = f"{TRANSACTION}/ram:ApplicableHeaderTradeDelivery"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
SELLER = f"{AGREEMENT}/ram:SellerTradeParty"
BUYER = f"{AGREEMENT}/ram:BuyerTradeParty"
VAT_ID = "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"
DATE = "udt:DateTimeString"
LINE_SETTLEMENT = "ram:SpecifiedLineTradeSettlement"
LINE_PRICE = "ram:SpecifiedLineTradeAgreement"


def _allowance_charge(group: str, charge: bool, first: int, with_tax: bool, under: str) -> Group:
    """BG-20/21 (document) or BG-27/28 (line): the same shape, numbered from ``first``."""
    terms = {f"BT-{first}": "ram:ActualAmount", f"BT-{first + 1}": "ram:BasisAmount",
             f"BT-{first + 2}": "ram:CalculationPercent"}
    if with_tax:
        terms.update({f"BT-{first + 3}": "ram:CategoryTradeTax/ram:CategoryCode",
                      f"BT-{first + 4}": "ram:CategoryTradeTax/ram:RateApplicablePercent"})
        reason = first + 5
    else:
        reason = first + 3
    terms.update({f"BT-{reason}": "ram:Reason", f"BT-{reason + 1}": "ram:ReasonCode"})
    indicator = "true" if charge else "false"
    return Group(group, f"{under}/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='{indicator}']",
                 terms)


LINE = Group(
    # XRechnung sub-lines (a ParentLineID) are details of their parent line, not lines of their own
    "BG-25", f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem"
             "[not(ram:AssociatedDocumentLineDocument/ram:ParentLineID)]", {
        "BT-126": "ram:AssociatedDocumentLineDocument/ram:LineID",
        "BT-129": "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
        "BT-130": "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode",
        "BT-131": f"{LINE_SETTLEMENT}/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        "BT-146": f"{LINE_PRICE}/ram:NetPriceProductTradePrice/ram:ChargeAmount",
        "BT-147": f"{LINE_PRICE}/ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount",
        "BT-148": f"{LINE_PRICE}/ram:GrossPriceProductTradePrice/ram:ChargeAmount",
        "BT-149": f"{LINE_PRICE}/ram:NetPriceProductTradePrice/ram:BasisQuantity",
        "BT-151": f"{LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode",
        "BT-152": f"{LINE_SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent",
        "BT-153": "ram:SpecifiedTradeProduct/ram:Name",
    }, groups=(
        Group("BG-26", f"{LINE_SETTLEMENT}/ram:BillingSpecifiedPeriod",
              {"BT-134": f"ram:StartDateTime/{DATE}", "BT-135": f"ram:EndDateTime/{DATE}"}),
        _allowance_charge("BG-27", False, 136, with_tax=False, under=LINE_SETTLEMENT),
        _allowance_charge("BG-28", True, 141, with_tax=False, under=LINE_SETTLEMENT),
        Group("BG-32", "ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic",
              {"BT-160": "ram:Description", "BT-161": "ram:Value"}),
        Group("BT-157", "ram:SpecifiedTradeProduct/ram:GlobalID", {"BT-157": ".", "BT-157-1": "@schemeID"}),
        Group("BT-158", "ram:SpecifiedTradeProduct/ram:DesignatedProductClassification/ram:ClassCode",
              {"BT-158": ".", "BT-158-1": "@listID"}),
    ))

ROOT = Group("BG-0", "/*", {
    "BT-1": "rsm:ExchangedDocument/ram:ID", "BT-2": f"rsm:ExchangedDocument/ram:IssueDateTime/{DATE}",
    "BT-3": "rsm:ExchangedDocument/ram:TypeCode", "BT-5": f"{SETTLEMENT}/ram:InvoiceCurrencyCode",
    "BT-6": f"{SETTLEMENT}/ram:TaxCurrencyCode",
    "BT-7": f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString",
    "BT-8": f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:DueDateTypeCode",
    "BT-9": f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/{DATE}",
    "BT-10": f"{AGREEMENT}/ram:BuyerReference", "BT-20": f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description",
    "BT-24": "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    "BT-27": f"{SELLER}/ram:Name", "BT-29": f"{SELLER}/ram:ID | {SELLER}/ram:GlobalID",
    "BT-30": f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID", "BT-31": f"{SELLER}/{VAT_ID}",
    "BT-32": f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']",
    "BT-34": f"{SELLER}/ram:URIUniversalCommunication/ram:URIID",
    "BT-34-1": f"{SELLER}/ram:URIUniversalCommunication/ram:URIID/@schemeID",
    "BT-44": f"{BUYER}/ram:Name", "BT-47": f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID",
    "BT-48": f"{BUYER}/{VAT_ID}", "BT-49": f"{BUYER}/ram:URIUniversalCommunication/ram:URIID",
    "BT-49-1": f"{BUYER}/ram:URIUniversalCommunication/ram:URIID/@schemeID",
    "BT-63": f"{AGREEMENT}/ram:SellerTaxRepresentativeTradeParty/{VAT_ID}",
    "BT-72": f"{DELIVERY}/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/{DATE}",
    "BT-80": f"{DELIVERY}/ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID",
    "BT-106": f"{TOTALS}/ram:LineTotalAmount", "BT-107": f"{TOTALS}/ram:AllowanceTotalAmount",
    "BT-108": f"{TOTALS}/ram:ChargeTotalAmount", "BT-109": f"{TOTALS}/ram:TaxBasisTotalAmount",
    # BT-110 in the document currency (or without currencyID), BT-111 in the VAT accounting currency
    "BT-110": f"{TOTALS}/ram:TaxTotalAmount[not(@currencyID) or @currencyID = ../../ram:InvoiceCurrencyCode]",
    "BT-111": f"{TOTALS}/ram:TaxTotalAmount[@currencyID = ../../ram:TaxCurrencyCode]",
    "BT-112": f"{TOTALS}/ram:GrandTotalAmount", "BT-113": f"{TOTALS}/ram:TotalPrepaidAmount",
    "BT-114": f"{TOTALS}/ram:RoundingAmount", "BT-115": f"{TOTALS}/ram:DuePayableAmount",
}, groups=(
    Group("BG-3", f"{SETTLEMENT}/ram:InvoiceReferencedDocument", {"BT-25": "ram:IssuerAssignedID"}),
    Group("BG-5", f"{SELLER}/ram:PostalTradeAddress", {"BT-40": "ram:CountryID"}),
    Group("BG-8", f"{BUYER}/ram:PostalTradeAddress", {"BT-55": "ram:CountryID"}),
    Group("BG-10", f"{SETTLEMENT}/ram:PayeeTradeParty", {"BT-59": "ram:Name"}),
    Group("BG-11", f"{AGREEMENT}/ram:SellerTaxRepresentativeTradeParty", {"BT-62": "ram:Name", "BT-63": VAT_ID},
          groups=(Group("BG-12", "ram:PostalTradeAddress", {"BT-69": "ram:CountryID"}),)),
    Group("BG-14", f"{SETTLEMENT}/ram:BillingSpecifiedPeriod",
          {"BT-73": f"ram:StartDateTime/{DATE}", "BT-74": f"ram:EndDateTime/{DATE}"}),
    Group("BG-15", f"{DELIVERY}/ram:ShipToTradeParty/ram:PostalTradeAddress", {"BT-80": "ram:CountryID"}),
    Group("BG-16", f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans", {
        "BT-81": "ram:TypeCode",
        "BT-84": "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
                 " | ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID"},
          groups=(Group("BG-17", "ram:PayeePartyCreditorFinancialAccount",
                        {"BT-84": "ram:IBANID | ram:ProprietaryID"}),
                  Group("BG-18", "ram:ApplicableTradeSettlementFinancialCard", {"BT-87": "ram:ID"}))),
    _allowance_charge("BG-20", False, 92, with_tax=True, under=SETTLEMENT),
    _allowance_charge("BG-21", True, 99, with_tax=True, under=SETTLEMENT),
    Group("BG-23", f"{SETTLEMENT}/ram:ApplicableTradeTax", {
        "BT-116": "ram:BasisAmount", "BT-117": "ram:CalculatedAmount", "BT-118": "ram:CategoryCode",
        "BT-119": "ram:RateApplicablePercent", "BT-120": "ram:ExemptionReason", "BT-121": "ram:ExemptionReasonCode"}),
    Group("BG-24", f"{AGREEMENT}/ram:AdditionalReferencedDocument[ram:TypeCode='916']",
          {"BT-122": "ram:IssuerAssignedID"}),
    LINE,
))

CII = Binding("cii", NS, ROOT)
