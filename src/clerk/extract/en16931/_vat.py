"""The VAT category rules for S, Z, E, AE, K, G and O (BR-S-*, BR-Z-*, BR-E-*,
BR-AE-*, BR-IC-* (the standard's ids for category K), BR-G-*, BR-O-*).

Each category has the same ten rules, with the category's own demands:
01 a breakdown of the category where it is used; 02-04 who must be
identified; 05-07 the rate of lines, allowances and charges; 08 the taxable
amount adds up; 09 the tax amount; 10 the exemption reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from clerk.extract.en16931._core import Breach
from clerk.extract.en16931._totals import ZERO, cents, total
from clerk.extract.en16931._view import TermNode

# Where each kind of item keeps its category and rate: lines, document allowances, charges
ITEMS = (("BG-25", "BT-151", "BT-152"), ("BG-20", "BT-95", "BT-96"), ("BG-21", "BT-102", "BT-103"))


def _seller_any(document: TermNode) -> bool:
    return any(document.has(term) for term in ("BT-31", "BT-32", "BT-63"))


def _seller_vat(document: TermNode) -> bool:
    return document.has("BT-31") or document.has("BT-63")


@dataclass(frozen=True)
class Category:
    code: str
    prefix: str                             # rule id prefix, BR-S ... BR-IC ...
    name: str                               # as the rule texts call it
    identified: Callable[[TermNode], bool]  # rules 02-04
    rate_ok: Callable[[Decimal | None], bool]   # rules 05-07
    exactly_one: bool = True                # rule 01: exactly one breakdown (S: at least one)
    per_rate: bool = False                  # rule 08 per rate (S), else per category
    exemption: bool = True                  # rule 10: True must have a reason, False must not


CATEGORIES = (
    Category("S", "BR-S", "Standard rated", _seller_any, lambda rate: rate is not None and rate > 0,
             exactly_one=False, per_rate=True, exemption=False),
    Category("Z", "BR-Z", "Zero rated", _seller_any, lambda rate: rate == 0, exemption=False),
    Category("E", "BR-E", "Exempt from VAT", _seller_any, lambda rate: rate == 0),
    Category("AE", "BR-AE", "Reverse charge",
             lambda d: _seller_any(d) and (d.has("BT-48") or d.has("BT-47")), lambda rate: rate == 0),
    Category("K", "BR-IC", "Intra-community supply",
             lambda d: _seller_vat(d) and d.has("BT-48"), lambda rate: rate == 0),
    Category("G", "BR-G", "Export outside the EU", _seller_vat, lambda rate: rate == 0),
    Category("O", "BR-O", "Not subject to VAT",
             lambda d: not any(d.has(term) for term in ("BT-31", "BT-48", "BT-63")), lambda rate: rate is None),
)


def _items(document: TermNode, code: str, group: str, category_term: str) -> list[TermNode]:
    return [node for node in document.all(group) if node.text(category_term) == code]


def _rules_01_to_07(document: TermNode, category: Category) -> Iterator[Breach]:
    breakdown = [node for node in document.all("BG-23") if node.text("BT-118") == category.code]
    used = False
    for number, (group, category_term, rate_term) in enumerate(ITEMS):
        items = _items(document, category.code, group, category_term)
        used = used or bool(items)
        if items and not category.identified(document):
            yield f"{category.prefix}-0{number + 2}", document.where("BT-31")
        for item in items:
            if not category.rate_ok(item.amount(rate_term) if item.has(rate_term) else None):
                yield f"{category.prefix}-0{number + 5}", item.where(rate_term)
    if used and (len(breakdown) != 1 if category.exactly_one else not breakdown):
        yield f"{category.prefix}-01", f"{document.path}/{_breakdown_xpath(document)}"


def _breakdown_xpath(document: TermNode) -> str:
    return next(group.xpath for group in document.group.groups if group.id == "BG-23")


def _taxable(document: TermNode, code: str, rate: Decimal | None) -> Decimal:
    """Lines + charges - allowances of the category (and of the rate, when given)."""
    def of(group: str, category_term: str, rate_term: str) -> list[TermNode]:
        return [node for node in _items(document, code, group, category_term)
                if rate is None or node.amount(rate_term) == rate]
    return (total(of(*ITEMS[0]), "BT-131") + total(of(*ITEMS[2]), "BT-99") - total(of(*ITEMS[1]), "BT-92"))


def _taxable_agrees(declared: Decimal | None, computed: Decimal, tolerant: bool) -> bool:
    # The artefacts allow the standard rate's per-rate sum within one unit (rounding
    # per line); the other categories' sums are compared exactly.
    if declared is None:
        return False
    return abs(declared - cents(computed)) < 1 if tolerant else declared == cents(computed)


def _rules_08_to_10(document: TermNode, category: Category) -> Iterator[Breach]:
    for node in document.all("BG-23"):
        if node.text("BT-118") != category.code:
            continue
        rate = node.amount("BT-119") if category.per_rate else None
        if category.per_rate and rate is None:
            pass   # no rate: BR-48 says so; the per-rate sum has nothing to match
        elif not _taxable_agrees(node.amount("BT-116"), _taxable(document, category.code, rate),
                                 tolerant=category.per_rate):
            yield f"{category.prefix}-08", node.where("BT-116")
        amount = node.amount("BT-117")
        if category.per_rate:
            taxable = node.amount("BT-116")
            if amount is not None and taxable is not None and rate is not None \
                    and abs(abs(amount) - abs(cents(taxable * rate / 100))) >= 1:
                yield f"{category.prefix}-09", node.where("BT-117")
        elif amount is None or amount != ZERO:
            yield f"{category.prefix}-09", node.where("BT-117")
        has_reason = node.has("BT-120") or node.has("BT-121")
        if has_reason != category.exemption:
            yield f"{category.prefix}-10", node.where("BT-121" if node.has("BT-121") else "BT-120")


def _specific(document: TermNode) -> Iterator[Breach]:
    """BR-IC-11/12 (delivery of an intra-community supply) and BR-O-11 .. BR-O-14."""
    breakdown = document.all("BG-23")
    if any(node.text("BT-118") == "K" for node in breakdown):
        if not document.has("BT-72") and not document.all("BG-14"):
            yield "BR-IC-11", document.where("BT-72")
        if not document.has("BT-80"):
            yield "BR-IC-12", document.where("BT-80")
    if any(node.text("BT-118") == "O" for node in breakdown):
        for node in breakdown:
            if node.text("BT-118") != "O":
                yield "BR-O-11", node.where("BT-118")
        for rule, (group, category_term, _) in zip(("BR-O-12", "BR-O-13", "BR-O-14"), ITEMS):
            for item in document.all(group):
                if item.text(category_term) != "O":
                    yield rule, item.where(category_term)


def categories(document: TermNode) -> Iterator[Breach]:
    for category in CATEGORIES:
        yield from _rules_01_to_07(document, category)
        yield from _rules_08_to_10(document, category)
    yield from _specific(document)


CHECKS = (categories,)
