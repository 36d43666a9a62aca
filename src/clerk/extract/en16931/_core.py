"""The core rules BR-01 .. BR-65 and the presence rules of BR-CO: what an
e-invoice shall contain, checked on the business-term tree of the document."""

from __future__ import annotations

from collections.abc import Iterator

from clerk.extract.en16931._view import TermNode

Breach = tuple[str, str]   # (rule id, element path)

# (rule, groups to walk down from the document, terms of which one must be there)
REQUIRED_TERMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("BR-01", (), ("BT-24",)), ("BR-02", (), ("BT-1",)), ("BR-03", (), ("BT-2",)),
    ("BR-04", (), ("BT-3",)), ("BR-05", (), ("BT-5",)), ("BR-06", (), ("BT-27",)),
    ("BR-07", (), ("BT-44",)), ("BR-09", ("BG-5",), ("BT-40",)), ("BR-11", ("BG-8",), ("BT-55",)),
    ("BR-12", (), ("BT-106",)), ("BR-13", (), ("BT-109",)), ("BR-14", (), ("BT-112",)),
    ("BR-15", (), ("BT-115",)), ("BR-17", ("BG-10",), ("BT-59",)), ("BR-18", ("BG-11",), ("BT-62",)),
    ("BR-20", ("BG-11", "BG-12"), ("BT-69",)),
    ("BR-21", ("BG-25",), ("BT-126",)), ("BR-22", ("BG-25",), ("BT-129",)), ("BR-23", ("BG-25",), ("BT-130",)),
    ("BR-24", ("BG-25",), ("BT-131",)), ("BR-25", ("BG-25",), ("BT-153",)), ("BR-26", ("BG-25",), ("BT-146",)),
    ("BR-31", ("BG-20",), ("BT-92",)), ("BR-32", ("BG-20",), ("BT-95",)), ("BR-33", ("BG-20",), ("BT-97", "BT-98")),
    ("BR-36", ("BG-21",), ("BT-99",)), ("BR-37", ("BG-21",), ("BT-102",)),
    ("BR-38", ("BG-21",), ("BT-104", "BT-105")),
    ("BR-41", ("BG-25", "BG-27"), ("BT-136",)), ("BR-42", ("BG-25", "BG-27"), ("BT-139", "BT-140")),
    ("BR-43", ("BG-25", "BG-28"), ("BT-141",)), ("BR-44", ("BG-25", "BG-28"), ("BT-144", "BT-145")),
    ("BR-45", ("BG-23",), ("BT-116",)), ("BR-46", ("BG-23",), ("BT-117",)), ("BR-47", ("BG-23",), ("BT-118",)),
    ("BR-49", ("BG-16",), ("BT-81",)), ("BR-50", ("BG-16", "BG-17"), ("BT-84",)),
    ("BR-52", ("BG-24",), ("BT-122",)), ("BR-54", ("BG-25", "BG-32"), ("BT-160",)),
    ("BR-54", ("BG-25", "BG-32"), ("BT-161",)), ("BR-55", ("BG-3",), ("BT-25",)),
    ("BR-56", ("BG-11",), ("BT-63",)), ("BR-57", ("BG-15",), ("BT-80",)),
    ("BR-64", ("BG-25", "BT-157"), ("BT-157-1",)), ("BR-65", ("BG-25", "BT-158"), ("BT-158-1",)),
    ("BR-CO-04", ("BG-25",), ("BT-151",)),
    ("BR-CO-19", ("BG-14",), ("BT-73", "BT-74")), ("BR-CO-20", ("BG-25", "BG-26"), ("BT-134", "BT-135")),
    ("BR-CO-21", ("BG-20",), ("BT-97", "BT-98")), ("BR-CO-22", ("BG-21",), ("BT-104", "BT-105")),
    ("BR-CO-23", ("BG-25", "BG-27"), ("BT-139", "BT-140")), ("BR-CO-24", ("BG-25", "BG-28"), ("BT-144", "BT-145")),
    ("BR-CO-26", (), ("BT-29", "BT-30", "BT-31")),
)

# (rule, groups to walk down, the group that must occur at least once there)
REQUIRED_GROUPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("BR-08", (), "BG-5"), ("BR-10", (), "BG-8"), ("BR-16", (), "BG-25"), ("BR-19", ("BG-11",), "BG-12"),
    ("BR-CO-18", (), "BG-23"),
)


def nodes_at(document: TermNode, chain: tuple[str, ...]) -> Iterator[TermNode]:
    """Every occurrence of the last group of ``chain`` (the document for ``()``)."""
    if not chain:
        yield document
        return
    for child in document.all(chain[0]):
        yield from nodes_at(child, chain[1:])


def _group_path(node: TermNode, group_id: str) -> str:
    group = next(sub for sub in node.group.groups if sub.id == group_id)
    return f"{node.path}/{group.xpath.split('|')[0].strip()}"


def presence(document: TermNode) -> Iterator[Breach]:
    for rule, chain, terms in REQUIRED_TERMS:
        for node in nodes_at(document, chain):
            if not any(node.has(term) for term in terms):
                yield rule, node.where(terms[0])
    for rule, chain, group_id in REQUIRED_GROUPS:
        for node in nodes_at(document, chain):
            if not node.all(group_id):
                yield rule, _group_path(node, group_id)


def conditional(document: TermNode) -> Iterator[Breach]:
    """Rules that apply when something else is there (BR-48, BR-53, BR-61 .. BR-63, BR-CO-03)."""
    for node in document.all("BG-23"):
        if node.text("BT-118") != "O" and not node.has("BT-119"):
            yield "BR-48", node.where("BT-119")
    if document.has("BT-6") and not document.has("BT-111"):
        yield "BR-53", document.where("BT-111")
    for node in document.all("BG-16"):
        if node.text("BT-81") in {"30", "58"} and not node.has("BT-84"):
            yield "BR-61", node.where("BT-84")
    for term, rule in (("BT-34", "BR-62"), ("BT-49", "BR-63")):
        if document.has(term) and not document.has(f"{term}-1"):
            yield rule, document.where(f"{term}-1")
    if document.has("BT-7") and document.has("BT-8"):
        yield "BR-CO-03", document.where("BT-8")


def values(document: TermNode) -> Iterator[Breach]:
    """Rules on values: no negative prices (BR-27/28), periods in order (BR-29/30), a
    masked card number (BR-51)."""
    for line in document.all("BG-25"):
        for term, rule in (("BT-146", "BR-27"), ("BT-148", "BR-28")):
            price = line.amount(term)
            if price is not None and price < 0:
                yield rule, line.where(term)
        for period in line.all("BG-26"):
            if _ends_before_start(period, "BT-134", "BT-135"):
                yield "BR-30", period.where("BT-135")
    for period in document.all("BG-14"):
        if _ends_before_start(period, "BT-73", "BT-74"):
            yield "BR-29", period.where("BT-74")
    for card in nodes_at(document, ("BG-16", "BG-18")):
        shown = sum(ch.isdigit() for ch in card.text("BT-87") or "")
        if shown > 10:   # PCI DSS: at most the first 6 and the last 4 digits
            yield "BR-51", card.where("BT-87")


def _ends_before_start(period: TermNode, start: str, end: str) -> bool:
    begins, ends = period.text(start), period.text(end)
    # ISO (UBL) and CCYYMMDD (CII) dates both order as text once the dashes go
    return bool(begins and ends) and ends.replace("-", "") < begins.replace("-", "")


CHECKS = (presence, conditional, values)
