"""The calculation rules BR-CO-10 .. BR-CO-17 and BR-CO-25, and BR-CO-09
(VAT identifiers start with a country code), as the official artefacts
compute them: sums rounded to two decimals, compared exactly; a category's
tax within one currency unit of taxable x rate (BR-CO-17)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from clerk.extract.en16931._core import Breach, nodes_at
from clerk.extract.en16931._view import TermNode

CENT = Decimal("0.01")
ZERO = Decimal("0")
# ISO 3166-1 alpha-2, plus the prefixes the rule allows beside them: EL (Greece),
# XI (Northern Ireland) and 1A (Kosovo), as in the official code list.
COUNTRY_PREFIXES = frozenset((
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY "
    "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM "
    "FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT "
    "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN "
    "MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT "
    "PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL "
    "TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW EL XI 1A"
).split())


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def total(nodes: list[TermNode], term: str) -> Decimal:
    return sum((node.amount(term) or ZERO for node in nodes), ZERO)


def _equal(declared: Decimal | None, computed: Decimal) -> bool:
    return declared is not None and declared == cents(computed)


def unreadable(node: TermNode, *terms: str) -> bool:
    """A term that is there but is no number: the reader reports it, a sum cannot."""
    return any(node.has(term) and node.amount(term) is None for term in terms)


def sums(document: TermNode) -> Iterator[Breach]:
    """BR-CO-10 .. BR-CO-13: the document totals are the sums of their parts."""
    if unreadable(document, "BT-106", "BT-107", "BT-108", "BT-109"):
        return
    lines = document.all("BG-25")
    if document.has("BT-106") and not _equal(document.amount("BT-106"), total(lines, "BT-131")):
        yield "BR-CO-10", document.where("BT-106")
    for rule, group, term, declared in (("BR-CO-11", "BG-20", "BT-92", "BT-107"),
                                        ("BR-CO-12", "BG-21", "BT-99", "BT-108")):
        parts = document.all(group)
        if document.has(declared) or parts:   # a sum without parts, or parts without their sum
            if not _equal(document.amount(declared), total(parts, term)):
                yield rule, document.where(declared)
    line_net = document.amount("BT-106")
    if document.has("BT-109") and line_net is not None:
        expected = line_net - (document.amount("BT-107") or ZERO) + (document.amount("BT-108") or ZERO)
        if not _equal(document.amount("BT-109"), expected):
            yield "BR-CO-13", document.where("BT-109")


def tax_totals(document: TermNode) -> Iterator[Breach]:
    """BR-CO-14 .. BR-CO-17 and BR-CO-25."""
    if unreadable(document, "BT-109", "BT-110", "BT-112", "BT-113", "BT-114", "BT-115"):
        return
    tax = document.amount("BT-110")
    breakdown = document.all("BG-23")
    if document.has("BT-110") and not _equal(tax, total(breakdown, "BT-117")):
        yield "BR-CO-14", document.where("BT-110")
    gross, net = document.amount("BT-112"), document.amount("BT-109")
    # Without a stated tax total, the total with VAT equals the total without (the artefacts' reading)
    if not (gross is not None and net is not None and _equal(gross, net + (tax or ZERO))):
        yield "BR-CO-15", document.where("BT-112")
    payable = document.amount("BT-115")
    if gross is not None and document.has("BT-115"):
        expected = gross - (document.amount("BT-113") or ZERO) + (document.amount("BT-114") or ZERO)
        if not _equal(payable, expected):
            yield "BR-CO-16", document.where("BT-115")
    for node in breakdown:
        taxable, rate, amount = node.amount("BT-116"), node.amount("BT-119"), node.amount("BT-117")
        if taxable is not None and rate is not None and amount is not None:
            if abs(abs(amount) - abs(cents(taxable * rate / 100))) >= 1:
                yield "BR-CO-17", node.where("BT-117")
    if payable is not None and payable > 0 and not (document.has("BT-9") or document.has("BT-20")):
        yield "BR-CO-25", document.where("BT-9")


def vat_prefixes(document: TermNode) -> Iterator[Breach]:
    """BR-CO-09: BT-31, BT-63 and BT-48 begin with a country code."""
    for node, term in ((document, "BT-31"), (document, "BT-48"),
                       *((rep, "BT-63") for rep in nodes_at(document, ("BG-11",)))):
        value = node.text(term)
        if value is not None and value[:2].upper() not in COUNTRY_PREFIXES:
            yield "BR-CO-09", node.where(term)


CHECKS = (sums, tax_totals, vat_prefixes)
