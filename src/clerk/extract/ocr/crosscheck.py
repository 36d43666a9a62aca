"""Cross-checks that decide whether a value read from a scan may go on without a person.

Word confidence alone let a misread month through (issue 24): the first pass
read a date that did not parse, the preprocessed retry a plausible wrong one.
So a value is accepted only when every OCR pass of the document read the
same text for it, and dates must make sense together. Each breach is an
error finding on the field: the record goes to a person, pre-filled.
"""

from __future__ import annotations

from datetime import date, timedelta

from clerk.extract.ocr.checksums import identifier_valid
from clerk.extract.template_fields import field_text, table_rows
from clerk.extract.templates import PdfTemplate
from clerk.models.finding import Finding, Severity
from clerk.models.invoice import Invoice

PASSES_DISAGREE = "ocr_passes_disagree"
IMPLAUSIBLE_DATE = "ocr_implausible_date"
MAX_TERM = timedelta(days=366)     # a due date further out is a misread year or month


def printed_fields(template: PdfTemplate, text: str) -> dict[str, object]:
    """What ``template`` reads from one pass's text, compacted (spaces do not count): field -> text."""
    values: dict[str, object] = {field: _compact(field_text(template, text, field)) for field in template.fields}
    values["lines"] = tuple(_compact(row) for _, row, _ in table_rows(template, text)) or None
    return values


def _compact(value: str | None) -> str | None:
    return "".join(value.split()) if value else None


def disagreements(template: PdfTemplate, chosen: str, others: list[str]) -> list[Finding]:
    """A finding for each field the chosen pass read that another pass read otherwise, or not at all."""
    mine = printed_fields(template, chosen)
    theirs = [printed_fields(template, text) for text in others]
    findings = []
    for field, value in mine.items():
        if value is None:
            continue
        differing = [other.get(field) for other in theirs if other.get(field) != value]
        if identifier_valid(field, str(value)) and not any(
                other is not None and identifier_valid(field, str(other)) is not False for other in differing):
            continue   # the other passes missed it or misread it (failed check digits): the digits arbitrate
        if differing:
            shown = "a row count or row" if field == "lines" else repr(value)
            findings.append(Finding(
                code=PASSES_DISAGREE, severity=Severity.ERROR, field=field, rule="ocr",
                actual=None if field == "lines" else str(value),
                message=f"{field}: OCR passes of the page read it differently ({shown} against "
                        f"{'nothing' if differing[0] is None else 'another reading'}): compare it with "
                        "the page image"))
    return findings


def implausible_dates(invoice: Invoice, today: date | None = None) -> list[Finding]:
    """Dates that cannot all be right: issued in the future, due before issue or more than a year after."""
    today = today or date.today()
    findings = []
    if invoice.issue_date > today + timedelta(days=1):
        findings.append(_date_finding("issue_date", invoice.issue_date, "is in the future"))
    if invoice.due_date is not None and not (invoice.issue_date <= invoice.due_date
                                             <= invoice.issue_date + MAX_TERM):
        findings.append(_date_finding("due_date", invoice.due_date,
                                      f"does not fit the issue date {invoice.issue_date.isoformat()}"))
    return findings


def _date_finding(field: str, value: date, why: str) -> Finding:
    return Finding(code=IMPLAUSIBLE_DATE, severity=Severity.ERROR, field=field, actual=value.isoformat(),
                   rule="ocr", message=f"{field} {value.isoformat()} read from the scan {why}: one of the "
                                       "dates was misread; compare them with the page image")
