"""Where the CII family keeps each field: UN/CEFACT CII D16B (Factur-X,
ZUGFeRD 2.x, XRechnung CII) and its ZUGFeRD 1.0 predecessor
(``urn:ferd:CrossIndustryDocument:invoice:1p0``, CII D13B names).

One reader walks both with these paths; the differences are names only
(ZUGFeRD 1 says ``SpecifiedSupplyChainTradeAgreement`` where D16B says
``SpecifiedLineTradeAgreement``, ``ApplicablePercent`` for
``RateApplicablePercent`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass

RAM_100 = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


@dataclass(frozen=True)
class CiiDialect:
    """Element paths of one CII generation, relative to the root or a line item."""

    name: str
    root: str                  # the root element's Clark name
    namespaces: dict[str, str]
    document: str              # ExchangedDocument (ID, TypeCode, IssueDateTime)
    agreement: str
    settlement: str
    summation: str             # below settlement
    line_item: str             # below the root
    line_agreement: str        # below a line item
    line_delivery: str
    line_settlement: str
    line_summation: str        # below line_settlement
    rate: str                  # the percent element of a trade tax
    order_id: str              # below BuyerOrderReferencedDocument


D16B = CiiDialect(
    name="cii",
    root="{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice",
    namespaces={
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": RAM_100,
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    },
    document="rsm:ExchangedDocument",
    agreement="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement",
    settlement="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement",
    summation="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    line_item="rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
    line_agreement="ram:SpecifiedLineTradeAgreement",
    line_delivery="ram:SpecifiedLineTradeDelivery",
    line_settlement="ram:SpecifiedLineTradeSettlement",
    line_summation="ram:SpecifiedTradeSettlementLineMonetarySummation",
    rate="ram:RateApplicablePercent",
    order_id="ram:IssuerAssignedID",
)

ZUGFERD_1 = CiiDialect(
    name="zugferd1",
    root="{urn:ferd:CrossIndustryDocument:invoice:1p0}CrossIndustryDocument",
    namespaces={
        "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
    },
    document="rsm:HeaderExchangedDocument",
    agreement="rsm:SpecifiedSupplyChainTradeTransaction/ram:ApplicableSupplyChainTradeAgreement",
    settlement="rsm:SpecifiedSupplyChainTradeTransaction/ram:ApplicableSupplyChainTradeSettlement",
    summation="ram:SpecifiedTradeSettlementMonetarySummation",
    line_item="rsm:SpecifiedSupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
    line_agreement="ram:SpecifiedSupplyChainTradeAgreement",
    line_delivery="ram:SpecifiedSupplyChainTradeDelivery",
    line_settlement="ram:SpecifiedSupplyChainTradeSettlement",
    line_summation="ram:SpecifiedTradeSettlementMonetarySummation",
    rate="ram:ApplicablePercent",
    order_id="ram:ID",
)

DIALECTS = {dialect.root: dialect for dialect in (D16B, ZUGFERD_1)}
