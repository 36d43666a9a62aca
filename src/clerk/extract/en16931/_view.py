"""The document as EN 16931 business terms: one reader for any syntax binding.

A binding (``_ubl.py``, ``_cii.py``) says where each business term (BT-n)
and group (BG-n) sits in its syntax; ``read_view`` walks a parsed document
with it and gives the rules a syntax-free tree of ``TermNode``s that never
raises on missing or bad content (a rule reports that), and knows the element
path of every term, present or not, for the finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree


@dataclass(frozen=True)
class Group:
    """Where a business group sits (relative to its parent) and its terms.

    ``terms`` maps a term id (``BT-27``; ``BT-34-1`` for a scheme attribute)
    to an XPath relative to the group's element.
    """

    id: str
    xpath: str
    terms: Mapping[str, str] = field(default_factory=dict)
    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Binding:
    """A syntax: its namespaces, the prefixes paths are shown with, the root group."""

    name: str
    namespaces: Mapping[str, str]
    root: Group


class TermNode:
    """One occurrence of a group: its terms' texts and its sub-groups."""

    __slots__ = ("children", "group", "path", "values")

    def __init__(self, group: Group, path: str, values: dict[str, str | None],
                 children: dict[str, list[TermNode]]):
        self.group = group
        self.path = path
        self.values = values
        self.children = children

    def text(self, term: str) -> str | None:
        return self.values.get(term)

    def has(self, term: str) -> bool:
        return self.values.get(term) is not None

    def amount(self, term: str) -> Decimal | None:
        """The term as a number; ``None`` when absent or not a number (the schema's
        business, not a business rule's)."""
        value = self.values.get(term)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

    def where(self, term: str) -> str:
        """The element path of ``term`` here (where it is, or where it belongs)."""
        shown = self.group.terms[term].split("|")[0].strip()   # of alternatives, the first
        return f"{self.path}/{shown}"

    def all(self, group_id: str) -> list[TermNode]:
        return self.children.get(group_id, [])


_compiled: dict[tuple[str, int], etree.XPath] = {}


def _xpath(expression: str, binding: Binding) -> etree.XPath:
    key = (expression, id(binding))
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compiled[key] = etree.XPath(expression, namespaces=dict(binding.namespaces), smart_strings=False)
    return compiled


def _first_text(hits: object) -> str | None:
    if not isinstance(hits, list) or not hits:
        return None
    hit = hits[0]
    value = hit if isinstance(hit, str) else hit.text
    value = (value or "").strip()
    return value or None


class _PathNames:
    """Element paths with the binding's prefixes and a position where a tag repeats."""

    def __init__(self, binding: Binding):
        self.prefixes = {uri: prefix for prefix, uri in binding.namespaces.items()}

    def name(self, element: etree._Element) -> str:
        qname = etree.QName(element)
        prefix = self.prefixes.get(qname.namespace or "")
        return f"{prefix}:{qname.localname}" if prefix else qname.localname

    def step(self, element: etree._Element) -> str:
        parent = element.getparent()
        if parent is None:
            return "/" + self.name(element)
        same = [sibling for sibling in parent if sibling.tag == element.tag]
        position = f"[{same.index(element) + 1}]" if len(same) > 1 else ""
        return f"{self.name(element)}{position}"

    def path(self, element: etree._Element, stop: etree._Element) -> str:
        steps = []
        current: etree._Element | None = element
        while current is not None and current is not stop:
            steps.append(self.step(current))
            current = current.getparent()
        return "/".join(reversed(steps))


def _read(element: etree._Element, group: Group, path: str, binding: Binding, names: _PathNames) -> TermNode:
    values = {term: _first_text(_xpath(expression, binding)(element)) for term, expression in group.terms.items()}
    children: dict[str, list[TermNode]] = {}
    for sub in group.groups:
        found = _xpath(sub.xpath, binding)(element)
        children[sub.id] = [_read(hit, sub, f"{path}/{names.path(hit, element)}", binding, names)
                            for hit in (found if isinstance(found, list) else ()) if isinstance(hit, etree._Element)]
    return TermNode(group, path, values, children)


def read_view(root: etree._Element, binding: Binding) -> TermNode:
    """The business-term tree of ``root`` under ``binding``."""
    names = _PathNames(binding)
    return _read(root, binding.root, names.step(root), binding, names)
