"""Where UBL 2.1 (Invoice, CreditNote) keeps the EN 16931 business terms
(the CEN/TS 16931-3-2 syntax binding, as the official schematron reads it)."""

from __future__ import annotations

from clerk.extract.en16931._view import Binding, Group

NS = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SELLER = "cac:AccountingSupplierParty/cac:Party"
BUYER = "cac:AccountingCustomerParty/cac:Party"
TOTALS = "cac:LegalMonetaryTotal"
VAT_SCHEME = "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"
NOT_VAT_SCHEME = "cac:PartyTaxScheme[not(cac:TaxScheme/cbc:ID='VAT')]/cbc:CompanyID"
QUANTITY = "cbc:InvoicedQuantity | cbc:CreditedQuantity"


def _allowance_charge(group: str, charge: bool, first: int, with_tax: bool) -> Group:
    """BG-20/21 (document) or BG-27/28 (line): the same shape, numbered from ``first``."""
    terms = {f"BT-{first}": "cbc:Amount", f"BT-{first + 1}": "cbc:BaseAmount",
             f"BT-{first + 2}": "cbc:MultiplierFactorNumeric"}
    if with_tax:
        terms.update({f"BT-{first + 3}": "cac:TaxCategory/cbc:ID", f"BT-{first + 4}": "cac:TaxCategory/cbc:Percent"})
        reason = first + 5
    else:
        reason = first + 3
    terms.update({f"BT-{reason}": "cbc:AllowanceChargeReason", f"BT-{reason + 1}": "cbc:AllowanceChargeReasonCode"})
    return Group(group, f"cac:AllowanceCharge[cbc:ChargeIndicator='{'true' if charge else 'false'}']", terms)


LINE = Group("BG-25", "cac:InvoiceLine | cac:CreditNoteLine", {
    "BT-126": "cbc:ID", "BT-129": f"({QUANTITY})", "BT-130": f"({QUANTITY})/@unitCode",
    "BT-131": "cbc:LineExtensionAmount", "BT-146": "cac:Price/cbc:PriceAmount",
    "BT-147": "cac:Price/cac:AllowanceCharge/cbc:Amount", "BT-148": "cac:Price/cac:AllowanceCharge/cbc:BaseAmount",
    "BT-149": "cac:Price/cbc:BaseQuantity", "BT-151": "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    "BT-152": "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "BT-153": "cac:Item/cbc:Name",
}, groups=(
    Group("BG-26", "cac:InvoicePeriod", {"BT-134": "cbc:StartDate", "BT-135": "cbc:EndDate"}),
    _allowance_charge("BG-27", False, 136, with_tax=False),
    _allowance_charge("BG-28", True, 141, with_tax=False),
    Group("BG-32", "cac:Item/cac:AdditionalItemProperty", {"BT-160": "cbc:Name", "BT-161": "cbc:Value"}),
    Group("BT-157", "cac:Item/cac:StandardItemIdentification/cbc:ID", {"BT-157": ".", "BT-157-1": "@schemeID"}),
    Group("BT-158", "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode",
          {"BT-158": ".", "BT-158-1": "@listID"}),
))

ROOT = Group("BG-0", "/*", {
    "BT-1": "cbc:ID", "BT-2": "cbc:IssueDate", "BT-3": "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode",
    "BT-5": "cbc:DocumentCurrencyCode", "BT-6": "cbc:TaxCurrencyCode", "BT-7": "cbc:TaxPointDate",
    "BT-8": "cac:InvoicePeriod/cbc:DescriptionCode",
    "BT-9": "cbc:DueDate | cac:PaymentMeans/cbc:PaymentDueDate", "BT-10": "cbc:BuyerReference",
    "BT-20": "cac:PaymentTerms/cbc:Note", "BT-24": "cbc:CustomizationID",
    "BT-27": f"{SELLER}/cac:PartyLegalEntity/cbc:RegistrationName", "BT-29": f"{SELLER}/cac:PartyIdentification/cbc:ID",
    "BT-30": f"{SELLER}/cac:PartyLegalEntity/cbc:CompanyID", "BT-31": f"{SELLER}/{VAT_SCHEME}",
    "BT-32": f"{SELLER}/{NOT_VAT_SCHEME}", "BT-34": f"{SELLER}/cbc:EndpointID",
    "BT-34-1": f"{SELLER}/cbc:EndpointID/@schemeID",
    "BT-44": f"{BUYER}/cac:PartyLegalEntity/cbc:RegistrationName",
    "BT-47": f"{BUYER}/cac:PartyLegalEntity/cbc:CompanyID", "BT-48": f"{BUYER}/{VAT_SCHEME}",
    "BT-49": f"{BUYER}/cbc:EndpointID", "BT-49-1": f"{BUYER}/cbc:EndpointID/@schemeID",
    "BT-63": "cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID",
    "BT-72": "cac:Delivery/cbc:ActualDeliveryDate",
    "BT-80": "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode",
    "BT-106": f"{TOTALS}/cbc:LineExtensionAmount", "BT-107": f"{TOTALS}/cbc:AllowanceTotalAmount",
    "BT-108": f"{TOTALS}/cbc:ChargeTotalAmount", "BT-109": f"{TOTALS}/cbc:TaxExclusiveAmount",
    # BT-110 in the document currency, BT-111 in the VAT accounting currency (BT-6)
    "BT-110": "cac:TaxTotal/cbc:TaxAmount[@currencyID = /*/cbc:DocumentCurrencyCode]",
    "BT-111": "cac:TaxTotal/cbc:TaxAmount[@currencyID = /*/cbc:TaxCurrencyCode]",
    "BT-112": f"{TOTALS}/cbc:TaxInclusiveAmount", "BT-113": f"{TOTALS}/cbc:PrepaidAmount",
    "BT-114": f"{TOTALS}/cbc:PayableRoundingAmount", "BT-115": f"{TOTALS}/cbc:PayableAmount",
}, groups=(
    Group("BG-3", "cac:BillingReference/cac:InvoiceDocumentReference", {"BT-25": "cbc:ID"}),
    Group("BG-5", f"{SELLER}/cac:PostalAddress", {"BT-40": "cac:Country/cbc:IdentificationCode"}),
    Group("BG-8", f"{BUYER}/cac:PostalAddress", {"BT-55": "cac:Country/cbc:IdentificationCode"}),
    Group("BG-10", "cac:PayeeParty", {"BT-59": "cac:PartyName/cbc:Name"}),
    Group("BG-11", "cac:TaxRepresentativeParty",
          {"BT-62": "cac:PartyName/cbc:Name", "BT-63": "cac:PartyTaxScheme/cbc:CompanyID"},
          groups=(Group("BG-12", "cac:PostalAddress", {"BT-69": "cac:Country/cbc:IdentificationCode"}),)),
    Group("BG-14", "cac:InvoicePeriod", {"BT-73": "cbc:StartDate", "BT-74": "cbc:EndDate"}),
    Group("BG-15", "cac:Delivery/cac:DeliveryLocation/cac:Address", {"BT-80": "cac:Country/cbc:IdentificationCode"}),
    Group("BG-16", "cac:PaymentMeans", {"BT-81": "cbc:PaymentMeansCode", "BT-84": "cac:PayeeFinancialAccount/cbc:ID"},
          groups=(Group("BG-17", "cac:PayeeFinancialAccount", {"BT-84": "cbc:ID"}),
                  Group("BG-18", "cac:CardAccount", {"BT-87": "cbc:PrimaryAccountNumberID"}))),
    _allowance_charge("BG-20", False, 92, with_tax=True),
    _allowance_charge("BG-21", True, 99, with_tax=True),
    Group("BG-23", "cac:TaxTotal/cac:TaxSubtotal", {
        "BT-116": "cbc:TaxableAmount", "BT-117": "cbc:TaxAmount", "BT-118": "cac:TaxCategory/cbc:ID",
        "BT-119": "cac:TaxCategory/cbc:Percent", "BT-120": "cac:TaxCategory/cbc:TaxExemptionReason",
        "BT-121": "cac:TaxCategory/cbc:TaxExemptionReasonCode"}),
    Group("BG-24", "cac:AdditionalDocumentReference", {"BT-122": "cbc:ID"}),
    LINE,
))

UBL = Binding("ubl", NS, ROOT)
