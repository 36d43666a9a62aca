"""Factur-X / ZUGFeRD / XRechnung-in-PDF: the invoice comes from the embedded
XML, never from the visible text (the XML is the legal original).

A PDF may carry more than one XML file (a ZUGFeRD 1 and a Factur-X one, an
invoice and a delivery note). The one the PDF declares is read first: the XMP
``DocumentFileName`` of the Factur-X/ZUGFeRD extension, then a file with an
``AFRelationship`` of Data, Source or Alternative, then the standard file
names, then any XML whose root is an invoice; when it cannot be read, the
next one is tried.
"""

from __future__ import annotations

from dataclasses import dataclass

from clerk.errors import BusinessException, ExtractionError
from clerk.extract._xml import parse_xml
from clerk.extract.base import Content, Extraction
from clerk.extract.cii import ROOTS as CII_ROOTS
from clerk.extract.cii import read_cii
from clerk.extract.en16931 import En16931Settings, checked_extraction
from clerk.extract.ubl import ROOTS as UBL_ROOTS
from clerk.extract.ubl import read_ubl

# Standard names, most specific first (Factur-X / ZUGFeRD 2 names the file factur-x.xml)
STANDARD_NAMES = ("factur-x.xml", "xrechnung.xml", "zugferd-invoice.xml", "zugferd_invoice.xml")
INVOICE_RELATIONSHIPS = {"Data", "Source", "Alternative"}


@dataclass(frozen=True)
class _Candidate:
    name: str
    payload: bytes
    rank: tuple[int, int, str]


def _rank(name: str, declared: dict[str, object]) -> tuple[int, int, str]:
    relationships = declared.get("relationships")
    relationship = relationships.get(name) if isinstance(relationships, dict) else None
    lowered = name.lower()
    standard = STANDARD_NAMES.index(lowered) if lowered in STANDARD_NAMES else len(STANDARD_NAMES)
    if name == declared.get("document_file_name"):
        first = 0
    elif relationship in INVOICE_RELATIONSHIPS:
        first = 1
    elif standard < len(STANDARD_NAMES):
        first = 2
    else:
        first = 3
    return first, standard, name


class FacturXExtractor:
    """PDFs (read in the sandbox) that carry an e-invoice XML attachment."""

    name = "facturx"

    def __init__(self, rules: En16931Settings | None = None):
        self.rules = rules or En16931Settings()

    def accepts(self, content: Content) -> bool:
        return content.kind == "pdf" and content.pdf is not None and bool(content.pdf.attachments)

    def extract(self, content: Content) -> Extraction:
        declared = content.pdf.declared or {}
        candidates = sorted((_Candidate(name, payload, _rank(name, declared))
                             for name, payload in content.pdf.attachments.items()), key=lambda c: c.rank)
        failures: list[Exception] = []
        not_invoices: list[str] = []
        for candidate in candidates:
            try:
                root = parse_xml(candidate.payload)
            except ExtractionError as error:
                failures.append(ExtractionError(error.reason, f"attachment {candidate.name}: {error.message}"))
                continue
            if root.tag in CII_ROOTS:
                read = read_cii
            elif root.tag in UBL_ROOTS:   # XRechnung allows UBL inside a PDF too
                read = read_ubl
            else:
                not_invoices.append(f"{candidate.name} (root {root.tag[:120]})")
                continue
            try:
                return checked_extraction(root, read, self.name, self.rules)
            except (ExtractionError, BusinessException) as error:
                failures.append(error)
        if failures:
            raise failures[0]   # the most declared one's reason; the others were tried too
        raise ExtractionError("unsupported_xml", "no attachment of this PDF is an invoice: " + ", ".join(not_invoices))
