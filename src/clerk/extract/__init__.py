"""Documents -> typed records: e-invoice XML (UBL, CII, Factur-X), text PDFs
through supplier templates, CSV/XLSX order confirmations.

Untrusted PDFs are parsed only inside ``PdfSandbox``; XML only with a
hardened parser.
"""

from clerk.extract.base import Content, Extraction, Extractor
from clerk.extract.sandbox import PdfSandbox, SandboxLimits
from clerk.extract.service import (
    ExtractionSession,
    ExtractSettings,
    extract_document,
    extract_files,
    extraction_summary,
)
from clerk.extract.templates import OrderMapping, PdfTemplate, load_templates

__all__ = [
    "Content", "Extraction", "ExtractionSession", "ExtractSettings", "Extractor", "OrderMapping",
    "PdfSandbox", "PdfTemplate", "SandboxLimits", "extract_document", "extract_files",
    "extraction_summary", "load_templates",
]
