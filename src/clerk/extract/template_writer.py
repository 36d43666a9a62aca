"""A template drafted from a confirmed record: where its values are printed, and how.

After a person has checked a proposal (or corrected it), the values are
looked for in the document's text in every number format and every date
format and language clerk knows; the line's text before a value becomes the
field's label. The draft is kept only if, read back through the template
machinery, it gives the confirmed record's key values.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale

from clerk.errors import ExtractionError
from clerk.extract.pdf_text import read_with_template
from clerk.extract.proposals import DATE_FORMATS, LANGUAGES
from clerk.extract.templates import PdfTemplate
from clerk.models.invoice import Invoice

_NUMBER_FORMATS = {"1,234.56": (",", "."), "1.234,56": (".", ","), "1 234,56": (" ", ","), "1234.56": ("", ".")}
_AMOUNT_VALUE = r"-?\d[\d.,' ]*\d"
_AMOUNT_FIELDS = ("totals.net", "totals.tax", "totals.gross", "totals.payable")


def _amount_forms(value: Decimal) -> dict[str, str]:
    plain = f"{value:,.2f}"
    return {fmt: plain.replace(",", "\0").replace(".", dec).replace("\0", thou)
            for fmt, (thou, dec) in _NUMBER_FORMATS.items()}


def _date_forms(value: date) -> dict[tuple[str, str], str]:
    forms = {}
    for language in LANGUAGES:
        months = Locale.parse(language).months["format"]
        for fmt in DATE_FORMATS:
            named = fmt.replace("%B", months["wide"][value.month]).replace("%b", months["abbreviated"][value.month])
            forms[(fmt, language)] = value.strftime(named)
    return forms


def _label_before(text: str, printed: str) -> str | None:
    """The text before ``printed`` on the first line that has something there (the label)."""
    for line in text.split("\n"):
        index = line.find(printed)
        if index > 0 and line[:index].strip():
            return line[:index].rstrip()
    return None


def _field(label: str, value_pattern: str) -> str:
    return "^" + re.escape(label.strip()) + r"[ \t]*(?P<value>" + value_pattern + ")"


def draft_template(name: str, text: str, record: Invoice) -> dict[str, Any]:
    """A template (as its YAML mapping) that reads ``record`` from ``text``; ``ValueError`` if none does."""
    spec: dict[str, Any] = {"name": name, "kind": "pdf_invoice", "currency": record.currency,
                            "seller": {"name": record.seller.name, "tax_id": record.seller.tax_id}, "fields": {}}
    fields = spec["fields"]
    for field, value in (("number", record.number), ("order_reference", record.order_reference),
                         ("seller.tax_id", record.seller.tax_id), ("seller.iban", record.seller.iban)):
        label = _label_before(text, value) if value else None
        if label:
            fields[field] = _field(label, r"\S+")
    _dates(spec, text, record)
    for fmt, forms in ((fmt, {f: _amount_forms(getattr(record.totals, f.split(".")[1]))[fmt]
                              for f in _AMOUNT_FIELDS}) for fmt in _NUMBER_FORMATS):
        labels = {field: _label_before(text, printed) for field, printed in forms.items()}
        if labels["totals.payable"]:
            spec["number_format"] = fmt
            fields.update({field: _field(label, _AMOUNT_VALUE) for field, label in labels.items() if label})
            break
    spec["keywords"] = [record.seller.name] if record.seller.name.casefold() in text.casefold() else \
        [next(line.strip() for line in text.split("\n") if line.strip())]
    return _checked(spec, text, record)


def _dates(spec: dict[str, Any], text: str, record: Invoice) -> None:
    for (fmt, language), printed in _date_forms(record.issue_date).items():
        label = _label_before(text, printed)
        if label:
            spec.update(date_format=[fmt], date_languages=[language])
            spec["fields"]["issue_date"] = _field(label, r"[^\n]+?") + r"[ \t]*$"
            if record.due_date is not None:
                due = _date_forms(record.due_date)[(fmt, language)]
                if due_label := _label_before(text, due):
                    spec["fields"]["due_date"] = _field(due_label, r"[^\n]+?") + r"[ \t]*$"
            return


def _checked(spec: dict[str, Any], text: str, record: Invoice) -> dict[str, Any]:
    missing = [field for field in ("number", "issue_date", "totals.payable") if field not in spec["fields"]]
    if missing:
        raise ValueError(f"the confirmed values of {missing} are not printed in the document as such")
    try:
        invoice, _ = read_with_template(PdfTemplate.model_validate(spec), text)
    except ExtractionError as error:
        raise ValueError(f"the drafted template does not read the document: {error}") from None
    got = (invoice.number, invoice.issue_date, invoice.due_date, invoice.totals.payable)
    want = (record.number, record.issue_date, record.due_date, record.totals.payable)
    if got != want:
        raise ValueError(f"the drafted template reads {got}, not the confirmed {want}")
    return spec
