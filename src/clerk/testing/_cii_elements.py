"""Element helpers shared by the CII writers (D16B and ZUGFeRD 1.0 differ in
namespaces, not in how an amount or a date is written)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

El = etree._Element


class CiiElements:
    """``ram:`` elements, amounts and format-102 dates in one CII generation's namespaces."""

    def __init__(self, ram: str, udt: str):
        self.ram_ns, self.udt_ns = ram, udt

    def ram(self, parent: El, tag: str, text: object | None = None, **attrib: str) -> El:
        element = etree.SubElement(parent, f"{{{self.ram_ns}}}{tag}", attrib)
        if text is not None:
            element.text = str(text)
        return element

    def amount(self, parent: El, tag: str, value: Decimal, currency: str | None = None) -> El:
        attrib = {"currencyID": currency} if currency else {}
        return self.ram(parent, tag, f"{value:.2f}", **attrib)

    def date(self, parent: El, tag: str, value: date) -> None:
        stamp = etree.SubElement(self.ram(parent, tag), f"{{{self.udt_ns}}}DateTimeString", format="102")
        stamp.text = value.strftime("%Y%m%d")
