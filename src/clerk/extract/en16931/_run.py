"""Run the checks on a parsed document, and read it into a record beside them."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree
from pydantic import ValidationError

from clerk.errors import BusinessException, ExtractionError
from clerk.extract.en16931 import _core, _ids, _totals, _vat
from clerk.extract.en16931._cii import CII
from clerk.extract.en16931._ubl import UBL
from clerk.extract.en16931._view import Binding, read_view
from clerk.extract.en16931.catalogue import RULE_TEXTS
from clerk.extract.en16931.settings import En16931Settings
from clerk.models.finding import Finding, Severity

RULE = "en16931"
MAX_PER_RULE = 25   # a document breaking one rule on every one of 100 000 lines is reported, not stored whole
_BINDINGS: dict[str, Binding] = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": UBL,
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": UBL,
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice": CII,
}
CHECKS = (*_core.CHECKS, *_totals.CHECKS, *_vat.CHECKS, *_ids.CHECKS)


class RuleBreach(BusinessException):
    """An e-invoice that breaks EN 16931 rules so badly that no record can be read
    from it: for a reviewer, with the breaches as ``findings`` (JSON-ready dicts)."""

    def __init__(self, findings: tuple[Finding, ...], cause: ExtractionError):
        errors = [f for f in findings if f.severity is Severity.ERROR]
        ids = ", ".join(dict.fromkeys(f.code for f in errors))
        super().__init__("en16931", f"the e-invoice breaks EN 16931 rules {ids}; no record could be read "
                                    f"({cause.reason}: {cause.message})", errors[0].field if errors else None)
        self.findings = [f.model_dump(mode="json") for f in findings]


def check_document(root: etree._Element, settings: En16931Settings | None = None) -> tuple[Finding, ...]:
    """The EN 16931 findings of a parsed UBL or CII document (``()`` for other
    roots, such as ZUGFeRD 1.0, which predates the standard)."""
    settings = settings or En16931Settings()
    binding = _BINDINGS.get(root.tag)
    if binding is None or not settings.enabled:
        return ()
    document = read_view(root, binding)
    findings: dict[tuple[str, str | None], Finding] = {}
    counts: dict[str, int] = {}
    for check in CHECKS:
        for rule, path in check(document):
            severity = settings.level(rule)
            if severity is None or (rule, path) in findings:
                continue
            counts[rule] = counts.get(rule, 0) + 1
            if counts[rule] <= MAX_PER_RULE:
                findings[(rule, path)] = Finding(code=rule, severity=severity, field=path, rule=RULE,
                                                 message=f"[{rule}] {RULE_TEXTS[rule]}")
    for rule, count in counts.items():
        if count > MAX_PER_RULE:
            first = findings[next(key for key in findings if key[0] == rule)]
            findings[(rule, None)] = first.model_copy(update={
                "field": None, "message": f"{first.message} ({count - MAX_PER_RULE} more places not listed)"})
    return tuple(findings.values())


def checked_extraction(root: etree._Element, read: Callable[[etree._Element], object], extractor: str,
                       settings: En16931Settings):  # noqa: ANN201 - Extraction (imported late: no cycle)
    """The record ``read`` makes of ``root``, with the document's EN 16931 findings.

    When the document breaks rules and no record can be read, ``RuleBreach``
    (a business exception: kept for review, with the findings) instead of the
    reader's generic ``ExtractionError``.
    """
    from clerk.extract._checks import invoice_confidence
    from clerk.extract.base import Extraction

    findings = check_document(root, settings)
    try:
        invoice = read(root)
    except ExtractionError as error:
        if any(f.severity is Severity.ERROR for f in findings):
            raise RuleBreach(findings, error) from None
        raise
    except ValidationError as error:
        detail = error.errors()[0]
        cause = ExtractionError("invalid_record", f"{'.'.join(map(str, detail['loc']))}: {detail['msg']}")
        if any(f.severity is Severity.ERROR for f in findings):
            raise RuleBreach(findings, cause) from None
        raise cause from None
    return Extraction(record=invoice, extractor=extractor, confidence=invoice_confidence(invoice, 1.0),
                      findings=findings)
