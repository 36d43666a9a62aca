"""UN/CEFACT CII: CrossIndustryInvoice (Factur-X, ZUGFeRD 2.x, XRechnung CII)
and ZUGFeRD 1.0's CrossIndustryDocument, read through one set of dialect paths."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from clerk.errors import ExtractionError
from clerk.extract._cii_dialects import D16B, DIALECTS, CiiDialect
from clerk.extract._codes import CREDIT_NOTE_CODES
from clerk.extract._xml import XmlReader, parse_date_102
from clerk.extract.base import Content, Extraction
from clerk.extract.en16931 import En16931Settings, checked_extraction
from clerk.models.invoice import DocumentType, Invoice, InvoiceLine, LineAllowanceCharge, Party, TaxSubtotal, Totals

RSM = D16B.namespaces["rsm"]
ROOT = D16B.root
ROOTS = frozenset(DIALECTS)
NS = D16B.namespaces
CREDIT_CODES = CREDIT_NOTE_CODES
ZERO = Decimal("0")
_READERS = {dialect.root: XmlReader(dialect.namespaces) for dialect in DIALECTS.values()}
DATE = "udt:DateTimeString"


class _CiiReader:
    """One document of one dialect: ``self.read`` is the dialect's XPath reader."""

    def __init__(self, dialect: CiiDialect):
        self.d = dialect
        self.read = _READERS[dialect.root]

    def party(self, node: etree._Element | None) -> Party | None:
        if node is None:
            return None
        name = self.read.text(node, "ram:Name")
        if name is None:
            raise ExtractionError("missing_field", "trade party has no name")
        return Party(
            name=name,
            tax_id=self.read.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
            tax_registration_id=self.read.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
            company_id=self.read.text(node, "ram:SpecifiedLegalOrganization/ram:ID"),
            country=self.read.text(node, "ram:PostalTradeAddress/ram:CountryID"),
        )

    def allowance_charge(self, node: etree._Element, what: str) -> LineAllowanceCharge:
        read = self.read
        return LineAllowanceCharge(
            charge=read.text(node, "ram:ChargeIndicator/udt:Indicator") == "true",
            amount=read.decimal(node, "ram:ActualAmount", f"{what} amount", ZERO),
            base_amount=read.decimal(node, "ram:BasisAmount", f"{what} base amount"),
            percent=read.decimal(node, "ram:CalculationPercent", f"{what} percent"),
            reason=read.text(node, "ram:Reason"),
            reason_code=read.text(node, "ram:ReasonCode"),
        )

    def line(self, node: etree._Element, children: dict[str, list[etree._Element]]) -> InvoiceLine:
        read, d = self.read, self.d
        line_id = read.required(node, "ram:AssociatedDocumentLineDocument/ram:LineID", "line id")
        what = f"line {line_id}"
        price_path = f"{d.line_agreement}/ram:NetPriceProductTradePrice"
        price = read.decimal(node, f"{price_path}/ram:ChargeAmount", f"{what} price", ZERO)
        basis = read.decimal(node, f"{price_path}/ram:BasisQuantity", f"{what} basis quantity")
        if basis:  # BT-149: the price is per this many units
            price = price / basis
        quantity_path = f"{d.line_delivery}/ram:BilledQuantity"
        tax_path = f"{d.line_settlement}/ram:ApplicableTradeTax"
        adjustments = [self.allowance_charge(part, f"{what} allowance/charge")
                       for part in read.nodes(node, f"{d.line_settlement}/ram:SpecifiedTradeAllowanceCharge")]
        return InvoiceLine(
            id=line_id,
            description=read.text(node, "ram:SpecifiedTradeProduct/ram:Name") or "",
            quantity=read.decimal(node, quantity_path, f"{what} quantity", ZERO),
            unit=read.text(node, f"{quantity_path}/@unitCode"),
            unit_price=price,
            net_amount=read.decimal(node, f"{d.line_settlement}/{d.line_summation}/ram:LineTotalAmount",
                                    f"{what} net amount", ZERO),
            tax_category=read.text(node, f"{tax_path}/ram:CategoryCode"),
            tax_rate=read.decimal(node, f"{tax_path}/{d.rate}", f"{what} tax rate"),
            order_line_ref=read.text(node, f"{d.line_agreement}/ram:BuyerOrderReferencedDocument/ram:LineID"),
            product_code=read.text(node, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
            allowances=tuple(part for part in adjustments if not part.charge),
            charges=tuple(part for part in adjustments if part.charge),
            sub_lines=tuple(self.line(child, children) for child in children.get(line_id, ())),
        )

    def lines(self, root: etree._Element) -> tuple[InvoiceLine, ...]:
        """Top-level lines; XRechnung sub-lines (ParentLineID) nested under their parent."""
        top: list[etree._Element] = []
        children: dict[str, list[etree._Element]] = {}
        for node in self.read.nodes(root, self.d.line_item):
            parent = self.read.text(node, "ram:AssociatedDocumentLineDocument/ram:ParentLineID")
            (children.setdefault(parent, []) if parent else top).append(node)
        return tuple(self.line(node, children) for node in top)

    def totals(self, root: etree._Element, currency: str) -> Totals:
        found = self.read.nodes(root, f"{self.d.settlement}/{self.d.summation}")
        if not found:
            raise ExtractionError("missing_field", f"{self.d.summation} is missing")
        node = found[0]

        def amount(tag: str, default: Decimal | None = ZERO) -> Decimal | None:
            return self.read.decimal(node, f"ram:{tag}", tag, default)

        def required(tag: str) -> Decimal:
            # BT-109, BT-112, BT-115 are mandatory (BR-13 .. BR-15): absent is not 0
            if self.read.text(node, f"ram:{tag}") is None:
                raise ExtractionError("missing_field", f"{tag} is missing")
            return amount(tag)

        # TaxTotalAmount may appear twice (document and tax currency, BT-110/BT-111);
        # absent, the tax is not stated (None), which is not the same as 0.
        # Chosen in Python, not by putting the (untrusted) currency into an XPath.
        tax_nodes = [n for n in self.read.nodes(node, "ram:TaxTotalAmount") if n.get("currencyID") in (None, currency)]
        tax = self.read.decimal(tax_nodes[0], "self::*", "TaxTotalAmount", None) if tax_nodes else None
        return Totals(
            line_net=amount("LineTotalAmount", None), charges=amount("ChargeTotalAmount"),
            allowances=amount("AllowanceTotalAmount"), net=required("TaxBasisTotalAmount"),
            tax=tax, gross=required("GrandTotalAmount"), prepaid=amount("TotalPrepaidAmount"),
            rounding=amount("RoundingAmount"), payable=required("DuePayableAmount"),
        )

    def tax_breakdown(self, root: etree._Element) -> tuple[TaxSubtotal, ...]:
        read = self.read
        return tuple(
            TaxSubtotal(
                category=read.text(tax, "ram:CategoryCode") or "S",
                rate=read.decimal(tax, self.d.rate, "tax rate"),
                taxable_amount=read.decimal(tax, "ram:BasisAmount", "tax basis", ZERO),
                tax_amount=read.decimal(tax, "ram:CalculatedAmount", "tax amount", ZERO),
            )
            for tax in read.nodes(root, f"{self.d.settlement}/ram:ApplicableTradeTax")
        )

    def invoice(self, root: etree._Element) -> Invoice:
        read, d = self.read, self.d
        currency = read.required(root, f"{d.settlement}/ram:InvoiceCurrencyCode", "currency")
        seller = self.party(next(iter(read.nodes(root, f"{d.agreement}/ram:SellerTradeParty")), None))
        if seller is None:
            raise ExtractionError("missing_field", "SellerTradeParty is missing")
        iban = read.text(root, f"{d.settlement}/ram:SpecifiedTradeSettlementPaymentMeans/"
                               "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        type_code = read.text(root, f"{d.document}/ram:TypeCode")
        return Invoice(
            number=read.required(root, f"{d.document}/ram:ID", "invoice number"),
            type=DocumentType.CREDIT_NOTE if type_code in CREDIT_CODES else DocumentType.INVOICE,
            issue_date=parse_date_102(read.required(root, f"{d.document}/ram:IssueDateTime/{DATE}", "issue date"),
                                      "issue date"),
            due_date=parse_date_102(read.text(root, f"{d.settlement}/ram:SpecifiedTradePaymentTerms/"
                                                    f"ram:DueDateDateTime/{DATE}"), "due date"),
            currency=currency,
            seller=seller.model_copy(update={"iban": iban.replace(" ", "").upper() if iban else None}),
            buyer=self.party(next(iter(read.nodes(root, f"{d.agreement}/ram:BuyerTradeParty")), None)),
            buyer_reference=read.text(root, f"{d.agreement}/ram:BuyerReference"),
            order_reference=read.text(root, f"{d.agreement}/ram:BuyerOrderReferencedDocument/{d.order_id}"),
            lines=self.lines(root),
            tax_breakdown=self.tax_breakdown(root),
            totals=self.totals(root, currency),
            note=read.text(root, f"{d.document}/ram:IncludedNote/ram:Content"),
        )


def read_cii(root: etree._Element) -> Invoice:
    """The Invoice in a parsed CII CrossIndustryInvoice or ZUGFeRD 1.0 CrossIndustryDocument root."""
    dialect = DIALECTS.get(root.tag)
    if dialect is None:
        raise ExtractionError("unsupported_xml", f"not a CII invoice: {root.tag[:120]}")
    return _CiiReader(dialect).invoice(root)


class CiiExtractor:
    """Standalone CII XML (and ZUGFeRD 1.0); the EN 16931 rules run on D16B documents."""

    name = "cii"

    def __init__(self, rules: En16931Settings | None = None):
        self.rules = rules or En16931Settings()

    def accepts(self, content: Content) -> bool:
        return content.kind == "xml" and content.xml is not None and content.xml.tag in ROOTS

    def extract(self, content: Content) -> Extraction:
        return checked_extraction(content.xml, read_cii, self.name, self.rules)
