"""EN 16931 business rules, run on the e-invoice document itself.

The core rules (BR-01 .. BR-65), the calculation and conditional rules
(BR-CO-*), and the VAT category rules for S, Z, E, AE, K (BR-IC-*), G and O,
plus IBAN and VAT-id checks through python-stdnum. Each breach becomes a
``Finding`` whose ``code`` is the official rule id, whose ``message`` is the
official text and whose ``field`` is the element path in the document.

They live in ``extract/`` because they read the document, not the record: a
document without a seller name or a total with VAT has no record to check,
but its breaches (BR-06, BR-14, BR-CO-15) are still reported, through the
syntax bindings of UBL and CII (``_ubl.py``, ``_cii.py``) that only the
extractors know.
"""


from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

# Loaded on first use: a bot's config needs only the settings, not lxml and the rules
_EXPORTS = {
    "_run": ("RuleBreach", "check_document", "checked_extraction"),
    "catalogue": ("DEFAULT_SEVERITY", "RULE_TEXTS"),
    "settings": ("En16931Settings",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from clerk.extract.en16931._run import RuleBreach, check_document, checked_extraction
    from clerk.extract.en16931.catalogue import DEFAULT_SEVERITY, RULE_TEXTS
    from clerk.extract.en16931.settings import En16931Settings

