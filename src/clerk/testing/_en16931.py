"""E-invoices for testing the EN 16931 rules: one rich invoice that uses
every group the rules look at (and breaks none of them), in UBL or CII, and
an editor that changes a document by business term (``BT-27``) instead of by
syntax, so one list of breaches serves both syntaxes.

Elements the model does not carry (payee, tax representative, periods, item
attributes ...) are appended by the editor where the syntax binding says the
term lives; the rules read by path, so the element order of the XSD is not
kept for those additions.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from lxml import etree

from clerk.extract.en16931._cii import CII
from clerk.extract.en16931._run import _BINDINGS
from clerk.extract.en16931._view import Binding, Group
from clerk.models.invoice import Invoice, InvoiceLine, LineAllowanceCharge, Party, TaxSubtotal, Totals
from clerk.testing._cii import cii_xml
from clerk.testing._ubl import ubl_xml

_STEP = re.compile(r"^([\w.-]+:[\w.-]+)(?:\[([\w.:/@-]+)='([^']*)'\])?$")
Chain = tuple[str, ...]


def _steps(path: str) -> list[str]:
    """``a/b[c/d='v']/e`` -> ``['a', "b[c/d='v']", 'e']`` (no split inside brackets)."""
    steps, depth, current = [], 0, ""
    for char in path:
        depth += char == "["
        depth -= char == "]"
        if char == "/" and depth == 0:
            steps.append(current)
            current = ""
        else:
            current += char
    return [*steps, current]


class EInvoiceEditor:
    """Edit a UBL or CII document by EN 16931 terms; ``chain`` names the groups
    down to the term (``("BG-25",)`` for a line term), ``index`` which occurrence."""

    def __init__(self, data: bytes):
        self.root = etree.fromstring(data)
        self.binding: Binding = _BINDINGS[self.root.tag]
        self.ns = dict(self.binding.namespaces)

    @property
    def is_cii(self) -> bool:
        return self.binding is CII

    def date(self, iso: str) -> str:
        return iso.replace("-", "") if self.is_cii else iso

    def _group(self, chain: Chain) -> Group:
        group = self.binding.root
        for group_id in chain:
            group = next(sub for sub in group.groups if sub.id == group_id)
        return group

    def elements(self, chain: Chain = ()) -> list[etree._Element]:
        found = [self.root]
        for depth in range(len(chain)):
            xpath = self._group(chain[: depth + 1]).xpath
            found = [hit for element in found for hit in element.xpath(xpath, namespaces=self.ns)]
        return found

    def _create(self, parent: etree._Element, path: str) -> etree._Element:
        for step in _steps(path):
            existing = parent.xpath(step, namespaces=self.ns)
            if existing:
                parent = existing[0]
                continue
            match = _STEP.match(step)
            if match is None:
                raise ValueError(f"cannot create {step!r}")
            name, key, value = match.groups()
            prefix, local = name.split(":")
            parent = etree.SubElement(parent, f"{{{self.ns[prefix]}}}{local}")
            if key and key.startswith("@"):
                parent.set(key[1:], value)
            elif key:
                self._create(parent, key).text = value
        return parent

    def put(self, term: str, value: str, chain: Chain = (), index: int | None = 0) -> EInvoiceEditor:
        """Set ``term`` (created where missing) on the ``index``-th group occurrence (all for None)."""
        path = self._group(chain).terms[term].split("|")[0].strip().strip("()")
        targets = self.elements(chain)
        for element in targets if index is None else [targets[index]]:
            if "/@" in path or path.startswith("@"):
                owner, _, attribute = path.rpartition("@")
                holder = self._create(element, owner.rstrip("/")) if owner.rstrip("/") else element
                holder.set(attribute, value)
            elif path == ".":
                element.text = value
            else:
                self._create(element, path).text = value
        return self

    def drop(self, *terms: str, chain: Chain = (), index: int | None = 0) -> EInvoiceEditor:
        """Remove what ``terms`` select (the element, or the attribute) in the group."""
        targets = self.elements(chain)
        for element in targets if index is None else [targets[index]]:
            for term in terms:
                expression = self._group(chain).terms[term]
                attribute = expression.rpartition("@")[2] if "@" in expression else None
                for hit in element.xpath(expression, namespaces=self.ns, smart_strings=False):
                    if attribute and isinstance(hit, str):
                        for owner in element.xpath(expression.rpartition("/@")[0] or ".", namespaces=self.ns):
                            owner.attrib.pop(attribute, None)
                    elif isinstance(hit, etree._Element):
                        hit.getparent().remove(hit)
        return self

    def drop_group(self, group_id: str, chain: Chain = ()) -> EInvoiceEditor:
        for element in self.elements((*chain, group_id)):
            element.getparent().remove(element)
        return self

    def duplicate(self, group_id: str, chain: Chain = ()) -> EInvoiceEditor:
        """A copy of the group's first occurrence right after it."""
        original = self.elements((*chain, group_id))[0]
        original.addnext(copy.deepcopy(original))
        return self

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


def rich_invoice() -> Invoice:
    """Two standard-rated lines (the first with a line allowance and charge), a
    document allowance and charge, one 19 % breakdown; every figure adds up."""
    first = InvoiceLine(
        id="1", description="Toner", quantity=Decimal("10"), unit="C62", unit_price=Decimal("20.00"),
        net_amount=Decimal("195.00"), tax_category="S", tax_rate=Decimal("19"), product_code="TONER-K",
        allowances=(LineAllowanceCharge(amount=Decimal("10.00"), reason="Discount", reason_code="95"),),
        charges=(LineAllowanceCharge(charge=True, amount=Decimal("5.00"), reason="Packing", reason_code="ABL"),),
    )
    second = InvoiceLine(id="2", description="Paper", quantity=Decimal("2"), unit="C62",
                         unit_price=Decimal("50.00"), net_amount=Decimal("100.00"), tax_category="S",
                         tax_rate=Decimal("19"))
    return Invoice(
        number="EN-1", issue_date=date(2026, 11, 2), due_date=date(2026, 12, 2), currency="EUR",
        seller=Party(name="Nordwind Logistik GmbH", tax_id="DE136695976", tax_registration_id="201/113/40209",
                     iban="DE02120300000000202051", company_id="HRB 12345", country="DE"),
        buyer=Party(name="Clerk Demo Buyer GmbH", tax_id="DE811907980", company_id="HRB 999", country="DE"),
        lines=(first, second),
        tax_breakdown=(TaxSubtotal(category="S", rate=Decimal("19"), taxable_amount=Decimal("300.00"),
                                   tax_amount=Decimal("57.00")),),
        totals=Totals(line_net=Decimal("295.00"), allowances=Decimal("15.00"), charges=Decimal("20.00"),
                      net=Decimal("300.00"), tax=Decimal("57.00"), gross=Decimal("357.00"),
                      payable=Decimal("357.00")),
        note="EN 16931 test invoice",
    )


def _enrich(editor: EInvoiceEditor) -> None:
    """The groups beyond the model, so that every rule has something to look at."""
    d = editor.date
    for term, value in (("BT-29", "NORDWIND-1"), ("BT-34", "invoices@nordwind.example"), ("BT-34-1", "EM"),
                        ("BT-49", "ap@buyer.example"), ("BT-49-1", "EM"), ("BT-7", d("2026-11-01")),
                        ("BT-20", "30 days net"), ("BT-72", d("2026-10-30")), ("BT-80", "DE")):
        editor.put(term, value)
    editor._create(editor.root, editor._group(("BG-10",)).xpath)
    editor.put("BT-59", "Nordwind Factoring AG", chain=("BG-10",))
    editor._create(editor.root, editor._group(("BG-11",)).xpath)
    editor.put("BT-62", "Steuerbuero Nord", chain=("BG-11",)).put("BT-63", "DE129274202", chain=("BG-11",))
    editor._create(editor.elements(("BG-11",))[0], editor._group(("BG-11", "BG-12")).xpath)
    editor.put("BT-69", "DE", chain=("BG-11", "BG-12"))
    editor._create(editor.root, editor._group(("BG-14",)).xpath)
    editor.put("BT-73", d("2026-10-01"), chain=("BG-14",)).put("BT-74", d("2026-10-31"), chain=("BG-14",))
    for group, term, value in (("BG-3", "BT-25", "EN-0"), ("BG-24", "BT-122", "DELIVERY-NOTE-7")):
        editor._create(editor.root, editor._group((group,)).xpath)
        editor.put(term, value, chain=(group,))
    means = editor.elements(("BG-16",))[0]
    editor._create(means, editor._group(("BG-16", "BG-18")).xpath)
    editor.put("BT-87", "123456XXXXXX1234", chain=("BG-16", "BG-18"))
    _enrich_line(editor)


def _enrich_line(editor: EInvoiceEditor) -> None:
    line = ("BG-25",)
    editor.put("BT-148", "21.00", chain=line)
    for group, terms in (("BG-26", (("BT-134", editor.date("2026-10-01")), ("BT-135", editor.date("2026-10-31")))),
                         ("BG-32", (("BT-160", "Colour"), ("BT-161", "Black"))),
                         ("BT-157", (("BT-157", "4012345678901"), ("BT-157-1", "0160"))),
                         ("BT-158", (("BT-158", "44103103"), ("BT-158-1", "STI")))):
        editor._create(editor.elements(line)[0], editor._group((*line, group)).xpath)
        for term, value in terms:
            editor.put(term, value, chain=(*line, group))


def rich_document(syntax: str) -> bytes:
    """The rich invoice as ``"ubl"`` or ``"cii"``, clean under every EN 16931 rule."""
    invoice = rich_invoice()
    editor = EInvoiceEditor(ubl_xml(invoice) if syntax == "ubl" else cii_xml(invoice))
    _enrich(editor)
    return editor.bytes()


EXEMPT = {"E": ("Exempt", "VATEX-EU-132"), "AE": ("Reverse charge", "VATEX-EU-AE"),
          "K": ("Intra-community supply", "VATEX-EU-IC"), "G": ("Export outside the EU", "VATEX-EU-G"),
          "O": ("Not subject to VAT", "VATEX-EU-O")}


def in_category(syntax: str, code: str) -> bytes:
    """The rich invoice with every line, allowance, charge and the breakdown in VAT
    category ``code`` (rate 0, or none for O; no tax; an exemption reason where due)."""
    if code == "S":
        return rich_document(syntax)
    editor = EInvoiceEditor(rich_document(syntax))
    rate = "" if code == "O" else "0"
    for chain, category, rate_term in ((("BG-25",), "BT-151", "BT-152"), (("BG-20",), "BT-95", "BT-96"),
                                       (("BG-21",), "BT-102", "BT-103"), (("BG-23",), "BT-118", "BT-119")):
        editor.put(category, code, chain=chain, index=None).put(rate_term, rate, chain=chain, index=None)
    editor.put("BT-117", "0.00", chain=("BG-23",)).put("BT-110", "0.00")
    editor.put("BT-112", "300.00").put("BT-115", "300.00")
    if code in EXEMPT:
        text, reason = EXEMPT[code]
        editor.put("BT-120", text, chain=("BG-23",)).put("BT-121", reason, chain=("BG-23",))
    if code == "O":   # not subject to VAT: nobody's VAT id on the invoice
        editor.put("BT-31", "").put("BT-48", "").drop_group("BG-11")
    return editor.bytes()


def categories() -> Iterable[str]:
    return ("S", "Z", "E", "AE", "K", "G", "O")
