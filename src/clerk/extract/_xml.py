"""Hardened XML parsing and small reading helpers shared by the XML extractors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from clerk.errors import ExtractionError

MAX_XML_BYTES = 50 * 1024 * 1024


def hardened_parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network, no huge trees:
    # e-invoices need none of these and each is an attack path (XXE, billion laughs).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes) -> etree._Element:
    """The root element of ``data``, or ``ExtractionError('malformed_xml')``."""
    if len(data) > MAX_XML_BYTES:
        raise ExtractionError("too_large", f"XML of {len(data)} bytes exceeds {MAX_XML_BYTES}")
    try:
        root = etree.fromstring(data, parser=hardened_parser())
    except etree.XMLSyntaxError as error:
        raise ExtractionError("malformed_xml", str(error)[:300]) from None
    if root is None:
        raise ExtractionError("malformed_xml", "empty XML document")
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise ExtractionError("malformed_xml", "a DOCTYPE is not allowed in an e-invoice")
    return root


class XmlReader:
    """XPath reading with namespaces, turning bad values into ExtractionError."""

    def __init__(self, namespaces: dict[str, str]):
        self.ns = namespaces
        self._compiled: dict[str, etree.XPath] = {}

    def _xpath(self, path: str) -> etree.XPath:
        # Compiling an XPath costs more than evaluating it, and a compiled XPath beat
        # ElementPath find() here: keep each one (paths are code, not input).
        compiled = self._compiled.get(path)
        if compiled is None:
            compiled = self._compiled[path] = etree.XPath(path, namespaces=self.ns, smart_strings=False)
        return compiled

    def text(self, node: etree._Element, path: str) -> str | None:
        hits = self._xpath(path)(node)
        if not hits:
            return None
        value = hits[0] if isinstance(hits[0], str) else hits[0].text
        value = (value or "").strip()
        return value or None

    def required(self, node: etree._Element, path: str, what: str) -> str:
        value = self.text(node, path)
        if value is None:
            raise ExtractionError("missing_field", f"{what} is missing ({path})")
        return value

    def decimal(self, node: etree._Element, path: str, what: str, default: Decimal | None = None) -> Decimal | None:
        value = self.text(node, path)
        if value is None:
            return default
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ExtractionError("bad_number", f"{what} is not a number: {value[:40]!r}") from None
        if not number.is_finite():
            raise ExtractionError("bad_number", f"{what} is not a finite number: {value[:40]!r}")
        return number

    def nodes(self, node: etree._Element, path: str) -> list[etree._Element]:
        return self._xpath(path)(node)


def parse_iso_date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ExtractionError("bad_date", f"{what} is not a date: {value[:40]!r}") from None


def parse_date_102(value: str | None, what: str) -> date | None:
    """CII date format 102 (CCYYMMDD)."""
    if value is None:
        return None
    try:
        return datetime.strptime(value[:8], "%Y%m%d").date()
    except ValueError:
        raise ExtractionError("bad_date", f"{what} is not a CCYYMMDD date: {value[:40]!r}") from None
