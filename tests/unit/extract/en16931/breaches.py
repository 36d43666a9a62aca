"""For each implemented EN 16931 rule: how to break it, by business term, on
the rich test invoice (``base`` names its VAT category variant).

Written out by hand, rule by rule, from the rule texts (not derived from the
implementation's tables), so a wrong term in the implementation fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clerk.testing._en16931 import EInvoiceEditor

Edit = Callable[[EInvoiceEditor], object]
LINE, ALLOWANCE, CHARGE, VAT = ("BG-25",), ("BG-20",), ("BG-21",), ("BG-23",)


@dataclass(frozen=True)
class Breach:
    rule: str
    edit: Edit
    base: str = "S"

    def __str__(self) -> str:
        return self.rule if self.base == "S" else f"{self.rule}@{self.base}"


def _drop_line_period(e: EInvoiceEditor) -> None:
    e.drop("BT-134", "BT-135", chain=(*LINE, "BG-26"))


CORE = [
    Breach("BR-01", lambda e: e.drop("BT-24")),
    Breach("BR-02", lambda e: e.drop("BT-1")),
    Breach("BR-03", lambda e: e.drop("BT-2")),
    Breach("BR-04", lambda e: e.drop("BT-3")),
    Breach("BR-05", lambda e: e.drop("BT-5")),
    Breach("BR-06", lambda e: e.drop("BT-27")),
    Breach("BR-07", lambda e: e.drop("BT-44")),
    Breach("BR-08", lambda e: e.drop_group("BG-5")),
    Breach("BR-09", lambda e: e.drop("BT-40", chain=("BG-5",))),
    Breach("BR-10", lambda e: e.drop_group("BG-8")),
    Breach("BR-11", lambda e: e.drop("BT-55", chain=("BG-8",))),
    Breach("BR-12", lambda e: e.drop("BT-106")),
    Breach("BR-13", lambda e: e.drop("BT-109")),
    Breach("BR-14", lambda e: e.drop("BT-112")),
    Breach("BR-15", lambda e: e.drop("BT-115")),
    Breach("BR-16", lambda e: e.drop_group("BG-25")),
    Breach("BR-17", lambda e: e.drop("BT-59", chain=("BG-10",))),
    Breach("BR-18", lambda e: e.drop("BT-62", chain=("BG-11",))),
    Breach("BR-19", lambda e: e.drop_group("BG-12", chain=("BG-11",))),
    Breach("BR-20", lambda e: e.drop("BT-69", chain=("BG-11", "BG-12"))),
    Breach("BR-21", lambda e: e.drop("BT-126", chain=LINE)),
    Breach("BR-22", lambda e: e.drop("BT-129", chain=LINE)),
    Breach("BR-23", lambda e: e.drop("BT-130", chain=LINE)),
    Breach("BR-24", lambda e: e.drop("BT-131", chain=LINE)),
    Breach("BR-25", lambda e: e.drop("BT-153", chain=LINE)),
    Breach("BR-26", lambda e: e.drop("BT-146", chain=LINE)),
    Breach("BR-27", lambda e: e.put("BT-146", "-1.00", chain=LINE)),
    Breach("BR-28", lambda e: e.put("BT-148", "-1.00", chain=LINE)),
    Breach("BR-29", lambda e: e.put("BT-74", e.date("2026-09-30"), chain=("BG-14",))),
    Breach("BR-30", lambda e: e.put("BT-135", e.date("2026-09-30"), chain=(*LINE, "BG-26"))),
    Breach("BR-31", lambda e: e.drop("BT-92", chain=ALLOWANCE)),
    Breach("BR-32", lambda e: e.drop("BT-95", chain=ALLOWANCE)),
    Breach("BR-33", lambda e: e.drop("BT-97", "BT-98", chain=ALLOWANCE)),
    Breach("BR-36", lambda e: e.drop("BT-99", chain=CHARGE)),
    Breach("BR-37", lambda e: e.drop("BT-102", chain=CHARGE)),
    Breach("BR-38", lambda e: e.drop("BT-104", "BT-105", chain=CHARGE)),
    Breach("BR-41", lambda e: e.drop("BT-136", chain=(*LINE, "BG-27"))),
    Breach("BR-42", lambda e: e.drop("BT-139", "BT-140", chain=(*LINE, "BG-27"))),
    Breach("BR-43", lambda e: e.drop("BT-141", chain=(*LINE, "BG-28"))),
    Breach("BR-44", lambda e: e.drop("BT-144", "BT-145", chain=(*LINE, "BG-28"))),
    Breach("BR-45", lambda e: e.drop("BT-116", chain=VAT)),
    Breach("BR-46", lambda e: e.drop("BT-117", chain=VAT)),
    Breach("BR-47", lambda e: e.drop("BT-118", chain=VAT)),
    Breach("BR-48", lambda e: e.drop("BT-119", chain=VAT)),
    Breach("BR-49", lambda e: e.drop("BT-81", chain=("BG-16",))),
    Breach("BR-50", lambda e: e.drop("BT-84", chain=("BG-16", "BG-17"))),
    Breach("BR-51", lambda e: e.put("BT-87", "4111111111111111", chain=("BG-16", "BG-18"))),
    Breach("BR-52", lambda e: e.drop("BT-122", chain=("BG-24",))),
    Breach("BR-53", lambda e: e.put("BT-6", "USD")),
    Breach("BR-54", lambda e: e.drop("BT-161", chain=(*LINE, "BG-32"))),
    Breach("BR-55", lambda e: e.drop("BT-25", chain=("BG-3",))),
    Breach("BR-56", lambda e: e.drop("BT-63", chain=("BG-11",))),
    Breach("BR-57", lambda e: e.drop("BT-80", chain=("BG-15",))),
    Breach("BR-61", lambda e: e.drop("BT-84", chain=("BG-16",))),
    Breach("BR-62", lambda e: e.drop("BT-34-1")),
    Breach("BR-63", lambda e: e.drop("BT-49-1")),
    Breach("BR-64", lambda e: e.drop("BT-157-1", chain=(*LINE, "BT-157"))),
    Breach("BR-65", lambda e: e.drop("BT-158-1", chain=(*LINE, "BT-158"))),
]

CO = [
    Breach("BR-CO-03", lambda e: e.put("BT-8", "35")),
    Breach("BR-CO-04", lambda e: e.drop("BT-151", chain=LINE)),
    Breach("BR-CO-09", lambda e: e.put("BT-48", "XY811907980")),
    Breach("BR-CO-10", lambda e: e.put("BT-106", "296.00")),
    Breach("BR-CO-11", lambda e: e.put("BT-107", "16.00")),
    Breach("BR-CO-12", lambda e: e.put("BT-108", "21.00")),
    Breach("BR-CO-13", lambda e: e.put("BT-109", "301.00")),
    Breach("BR-CO-14", lambda e: e.put("BT-110", "58.00")),
    Breach("BR-CO-15", lambda e: e.put("BT-112", "358.00")),
    Breach("BR-CO-16", lambda e: e.put("BT-115", "356.00")),
    Breach("BR-CO-17", lambda e: e.put("BT-117", "60.00", chain=VAT)),
    Breach("BR-CO-18", lambda e: e.drop_group("BG-23")),
    Breach("BR-CO-19", lambda e: e.drop("BT-73", "BT-74", chain=("BG-14",))),
    Breach("BR-CO-20", _drop_line_period),
    Breach("BR-CO-21", lambda e: e.drop("BT-97", "BT-98", chain=ALLOWANCE)),
    Breach("BR-CO-22", lambda e: e.drop("BT-104", "BT-105", chain=CHARGE)),
    Breach("BR-CO-23", lambda e: e.drop("BT-139", "BT-140", chain=(*LINE, "BG-27"))),
    Breach("BR-CO-24", lambda e: e.drop("BT-144", "BT-145", chain=(*LINE, "BG-28"))),
    Breach("BR-CO-25", lambda e: e.drop("BT-9", "BT-20")),
    Breach("BR-CO-26", lambda e: e.drop("BT-29", "BT-30", "BT-31")),
]

PREFIX = {"S": "BR-S", "Z": "BR-Z", "E": "BR-E", "AE": "BR-AE", "K": "BR-IC", "G": "BR-G", "O": "BR-O"}


def _unidentified(code: str) -> Edit:
    """Take away exactly the identifiers the category's rules 02-04 demand."""
    def edit(e: EInvoiceEditor) -> None:
        if code in {"S", "Z", "E", "G"}:
            e.drop("BT-31", "BT-32").drop_group("BG-11")
        elif code == "AE":
            e.drop("BT-48", "BT-47")
        elif code == "K":
            e.drop("BT-48")
        else:   # O: a VAT id where none may be
            e.put("BT-31", "DE136695976")
    return edit


def _wrong_rate(code: str, term: str, chain: tuple[str, ...]) -> Edit:
    return lambda e: e.put(term, "0" if code == "S" else "7", chain=chain)


def _exemption_breach(code: str) -> Edit:
    if code in {"S", "Z"}:
        return lambda e: e.put("BT-120", "Exempt", chain=VAT)
    return lambda e: e.drop("BT-120", "BT-121", chain=VAT)


def _category(code: str) -> list[Breach]:
    p = PREFIX[code]
    return [
        Breach(f"{p}-01", lambda e: e.put("BT-118", "L", chain=VAT, index=None), code),
        *(Breach(f"{p}-0{n}", _unidentified(code), code) for n in (2, 3, 4)),
        Breach(f"{p}-05", _wrong_rate(code, "BT-152", LINE), code),
        Breach(f"{p}-06", _wrong_rate(code, "BT-96", ALLOWANCE), code),
        Breach(f"{p}-07", _wrong_rate(code, "BT-103", CHARGE), code),
        Breach(f"{p}-08", lambda e: e.put("BT-116", "310.00", chain=VAT), code),
        Breach(f"{p}-09", lambda e: e.put("BT-117", "50.00" if code == "S" else "1.00", chain=VAT), code),
        Breach(f"{p}-10", _exemption_breach(code), code),
    ]


def _second_breakdown_standard_rated(e: EInvoiceEditor) -> None:
    e.duplicate("BG-23").put("BT-118", "S", chain=VAT, index=1)


VAT_CATEGORIES = [breach for code in PREFIX for breach in _category(code)] + [
    Breach("BR-IC-11", lambda e: e.drop("BT-72").drop_group("BG-14"), "K"),
    Breach("BR-IC-12", lambda e: e.drop("BT-80"), "K"),
    Breach("BR-O-11", _second_breakdown_standard_rated, "O"),
    Breach("BR-O-12", lambda e: e.put("BT-151", "S", chain=LINE), "O"),
    Breach("BR-O-13", lambda e: e.put("BT-95", "S", chain=ALLOWANCE), "O"),
    Breach("BR-O-14", lambda e: e.put("BT-102", "S", chain=CHARGE), "O"),
]

ALL = CORE + CO + VAT_CATEGORIES
