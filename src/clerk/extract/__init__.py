"""Documents -> typed records: e-invoice XML (UBL, CII, Factur-X), text PDFs
through supplier templates, CSV/XLSX order confirmations.

Untrusted PDFs are parsed only inside ``PdfSandbox``; XML only with a
hardened parser. The names below load their modules on first use, so that
importing one small part (``clerk.extract.en16931.settings`` for a bot's
config) does not load the extractors, the sandbox and OCR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.extract._lazy import lazy_attributes

_HOMES = {
    "Content": "clerk.extract.base", "Extraction": "clerk.extract.base", "Extractor": "clerk.extract.base",
    "PdfSandbox": "clerk.extract.sandbox", "SandboxLimits": "clerk.extract.sandbox",
    "ExtractionSession": "clerk.extract.service", "ExtractSettings": "clerk.extract.service",
    "extract_document": "clerk.extract.service", "extract_files": "clerk.extract.service",
    "extraction_summary": "clerk.extract.service",
    "OrderMapping": "clerk.extract.templates", "PdfTemplate": "clerk.extract.templates",
    "load_templates": "clerk.extract.templates",
}

__all__ = sorted(_HOMES)

if TYPE_CHECKING:
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


__getattr__ = lazy_attributes(__name__, _HOMES, globals())
