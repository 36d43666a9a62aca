"""The Extractor seam and the Extraction result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from clerk.models.finding import Finding
from clerk.models.invoice import Invoice
from clerk.models.order import OrderConfirmation

if TYPE_CHECKING:
    from lxml import etree

    from clerk.extract.sandbox import PdfReading

Record = Invoice | OrderConfirmation


class Extraction(BaseModel):
    """A typed record and how sure the extractor is of each field (0..1).

    ``confidence`` is keyed by dotted model names (``totals.payable``,
    ``seller.tax_id``); a field absent from it was not read at all.
    ``findings`` are what the document itself breaks (EN 16931 business
    rules, for e-invoices), each with the rule id as its code and the element
    path as its field.
    """

    model_config = ConfigDict(frozen=True)

    record: Invoice | OrderConfirmation
    extractor: str
    template: str | None = None
    confidence: dict[str, float] = Field(default_factory=dict)
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Content:
    """A document as judged by its bytes, with what sniffing already parsed.

    ``kind`` is one of ``xml``, ``pdf``, ``xlsx``, ``csv``; ``xml`` holds the
    parsed root for XML, ``pdf`` the sandbox reading for PDF.
    """

    data: bytes
    kind: str
    filename: str | None = None
    xml: etree._Element | None = None
    pdf: PdfReading | None = None
    extra: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Extractor(Protocol):
    """Turns one kind of content into a record.

    ``accepts`` judges by content only (root element, attachment, keywords),
    never by file name; ``extract`` raises ``ExtractionError`` when it cannot.
    """

    name: str

    def accepts(self, content: Content) -> bool: ...

    def extract(self, content: Content) -> Extraction: ...
