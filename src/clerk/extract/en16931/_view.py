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

    __slots__ = ("_element", "_names", "_parent", "_path", "children", "group", "values")

    def __init__(self, group: Group, element: etree._Element, parent: TermNode | None, names: _PathNames,
                 values: dict[str, str | None], children: dict[str, list[TermNode]]):
        self.group = group
        self.values = values
        self.children = children
        self._element, self._parent, self._names = element, parent, names
        self._path: str | None = None

    @property
    def path(self) -> str:
        """The element path of this occurrence (worked out only when a finding needs it)."""
        if self._path is None:
            if self._parent is None:
                self._path = self._names.step(self._element)
            else:
                self._path = f"{self._parent.path}/{self._names.path(self._element, self._parent._element)}"
        return self._path

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


_compiled: dict[int, tuple[tuple[tuple[str, etree.XPath], ...], tuple[tuple[Group, etree.XPath], ...]]] = {}


def _compiled_group(group: Group, binding: Binding) -> tuple[tuple[tuple[str, etree.XPath], ...],
                                                             tuple[tuple[Group, etree.XPath], ...]]:
    """The group's term and sub-group XPaths, compiled once (compiling costs more than
    evaluating; bindings are module constants, so their ids are stable)."""
    compiled = _compiled.get(id(group))
    if compiled is None:
        def xpath(expression: str) -> etree.XPath:
            return etree.XPath(expression, namespaces=dict(binding.namespaces), smart_strings=False)
        compiled = _compiled[id(group)] = (
            tuple((term, xpath(expression)) for term, expression in group.terms.items()),
            tuple((sub, xpath(sub.xpath)) for sub in group.groups))
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
        # parent -> child -> (position among same-tag siblings, how many): counted once
        # per parent, so paths for many findings among many lines stay linear
        self._positions: dict[etree._Element, dict[etree._Element, tuple[int, int]]] = {}

    def _position(self, parent: etree._Element, element: etree._Element) -> tuple[int, int]:
        positions = self._positions.get(parent)
        if positions is None:
            by_tag: dict[str, list[etree._Element]] = {}
            for child in parent:
                by_tag.setdefault(child.tag, []).append(child)
            positions = self._positions[parent] = {
                child: (index + 1, len(same)) for same in by_tag.values() for index, child in enumerate(same)}
        return positions[element]

    def name(self, element: etree._Element) -> str:
        qname = etree.QName(element)
        prefix = self.prefixes.get(qname.namespace or "")
        return f"{prefix}:{qname.localname}" if prefix else qname.localname

    def step(self, element: etree._Element) -> str:
        parent = element.getparent()
        if parent is None:
            return "/" + self.name(element)
        index, count = self._position(parent, element)
        return f"{self.name(element)}[{index}]" if count > 1 else self.name(element)

    def path(self, element: etree._Element, stop: etree._Element) -> str:
        steps = []
        current: etree._Element | None = element
        while current is not None and current is not stop:
            steps.append(self.step(current))
            current = current.getparent()
        return "/".join(reversed(steps))


def _read(element: etree._Element, group: Group, parent: TermNode | None, binding: Binding,
          names: _PathNames) -> TermNode:
    terms, groups = _compiled_group(group, binding)
    values = {term: _first_text(xpath(element)) for term, xpath in terms}
    children: dict[str, list[TermNode]] = {}
    node = TermNode(group, element, parent, names, values, children)
    for sub, xpath in groups:
        found = xpath(element)
        children[sub.id] = [_read(hit, sub, node, binding, names)
                            for hit in (found if isinstance(found, list) else ()) if isinstance(hit, etree._Element)]
    return node


def read_view(root: etree._Element, binding: Binding) -> TermNode:
    """The business-term tree of ``root`` under ``binding``."""
    return _read(root, binding.root, None, binding, _PathNames(binding))
