"""Documents -> typed records: e-invoice XML (UBL, CII, Factur-X), text PDFs
through supplier templates, CSV/XLSX order confirmations.

Untrusted PDFs are parsed only inside ``PdfSandbox``; XML only with a
hardened parser. The names below load their modules on first use, so that
importing one small part (``clerk.extract.en16931.settings`` for a bot's
config) does not load the extractors, the sandbox and OCR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

_EXPORTS = {
    "base": ("Content", "Extraction", "Extractor"),
    "sandbox": ("PdfSandbox", "SandboxLimits"),
    "service": ("ExtractionSession", "ExtractSettings", "extract_document", "extract_files",
                "extraction_summary"),
    "templates": ("OrderMapping", "PdfTemplate", "load_templates"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

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

