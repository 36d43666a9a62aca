"""Per-supplier extraction templates (config/templates/*.yml).

Two kinds share the folder: ``pdf_invoice`` (keywords that identify the
supplier, field regexes, a line-table rule, number and date formats) and
``order_confirmation`` (a CSV/XLSX column mapping).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from clerk.errors import ConfigError
from clerk.extract.numbers import NumberFormat

INVOICE_FIELDS = {
    "seller.name", "number", "issue_date", "due_date", "order_reference", "currency", "credit_note", "tax_rate",
    "seller.tax_id", "seller.iban", "totals.net", "totals.tax", "totals.gross", "totals.payable",
}
LINE_GROUPS = {"description", "quantity", "unit_price", "net_amount"}


def _check_languages(value: tuple[str, ...]) -> tuple[str, ...]:
    from clerk.extract.dates import check_languages   # babel's CLDR data loads only when templates do

    return check_languages(value)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern, re.MULTILINE)
    except re.error as error:
        raise ValueError(f"bad regular expression {pattern!r}: {error}") from None
    return pattern


class TemplateSeller(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None       # None: read from the page (the template's ``seller.name`` field)
    tax_id: str | None = None
    country: str | None = None


class LineTable(BaseModel):
    """Rows between ``start`` and ``end``; each row matched by ``row`` (named groups)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: str
    end: str
    row: str

    @field_validator("start", "end")
    @classmethod
    def _valid(cls, value: str) -> str:
        return _compiles(value)

    @field_validator("row")
    @classmethod
    def _row_groups(cls, value: str) -> str:
        missing = LINE_GROUPS - set(re.compile(_compiles(value)).groupindex)
        if missing:
            raise ValueError(f"row pattern lacks named groups {sorted(missing)}")
        return value


class PdfTemplate(BaseModel):
    """How one supplier prints invoices.

    Chosen when every one of ``keywords`` and at least one of ``any_keywords``
    (if given) appear in the text, ignoring case. A field is one pattern or a
    list of alternatives (the first that matches wins); ``seller.name`` may
    be read from the page instead of given as a constant. Dates follow one of
    ``date_format`` (a strptime format or a list of them) with month names in
    ``date_languages`` (CLDR names, via babel).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["pdf_invoice"] = "pdf_invoice"
    name: str
    keywords: tuple[str, ...] = ()         # all must appear (ignoring case)
    any_keywords: tuple[str, ...] = ()     # at least one must appear, when given
    seller: TemplateSeller = TemplateSeller()
    currency: str = "EUR"
    number_format: NumberFormat = "1,234.56"
    date_format: tuple[str, ...] = ("%Y-%m-%d",)
    date_languages: tuple[str, ...] = ("en",)
    fields: dict[str, tuple[str, ...]]
    lines: LineTable | None = None
    # OCR plug-in: Tesseract languages for this supplier's scans (eng, deu, fra...);
    # None keeps the global OCR languages.
    ocr_languages: tuple[str, ...] | None = Field(default=None, min_length=1)

    @field_validator("date_format", "keywords", "any_keywords", "date_languages", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("fields", mode="before")
    @classmethod
    def _alternatives(cls, value: object) -> object:
        if isinstance(value, dict):
            return {key: (pattern,) if isinstance(pattern, str) else pattern for key, pattern in value.items()}
        return value

    @field_validator("date_languages")
    @classmethod
    def _known_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_languages(value)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        unknown = set(value) - INVOICE_FIELDS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}; known: {sorted(INVOICE_FIELDS)}")
        for required in ("number", "issue_date", "totals.payable"):
            if required not in value:
                raise ValueError(f"field {required!r} is required")
        for field, patterns in value.items():
            if not patterns:
                raise ValueError(f"field {field!r} has no pattern")
            for pattern in patterns:
                _compiles(pattern)
        return value

    @model_validator(mode="after")
    def _identifiable(self) -> PdfTemplate:
        if not self.keywords and not self.any_keywords:
            raise ValueError("keywords or any_keywords: a template needs text that identifies the supplier")
        if self.seller.name is None and "seller.name" not in self.fields:
            raise ValueError("seller.name: give the seller's name, or a seller.name field to read it")
        return self


class OrderColumns(BaseModel):
    """Header names in the file for each OrderConfirmation field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_number: str
    confirmation_number: str
    date: str
    product_code: str
    quantity: str
    unit_price: str
    currency: str | None = None
    description: str | None = None
    delivery_date: str | None = None
    supplier: str | None = None


class OrderMapping(BaseModel):
    """A CSV/XLSX order confirmation layout; recognised when all ``columns`` headers are present."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["order_confirmation"] = "order_confirmation"
    name: str
    supplier: str | None = None        # constant, when the file has no supplier column
    currency: str = "EUR"              # when the file has no currency column
    columns: OrderColumns
    number_format: NumberFormat = "1234.56"
    date_format: tuple[str, ...] = ("%Y-%m-%d",)
    date_languages: tuple[str, ...] = ("en",)

    _one_or_many = field_validator("date_format", "date_languages", mode="before")(
        lambda cls, value: (value,) if isinstance(value, str) else value)
    _known_languages = field_validator("date_languages")(lambda cls, value: _check_languages(value))

    def headers(self) -> set[str]:
        return {value for value in self.columns.model_dump().values() if value}


class Templates(BaseModel):
    model_config = ConfigDict(frozen=True)

    pdf: tuple[PdfTemplate, ...] = ()
    orders: tuple[OrderMapping, ...] = ()


def load_template(path: Path) -> PdfTemplate | OrderMapping:
    """One template file; ``ConfigError`` names the file and the key at fault."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(str(path), None, f"cannot read template: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(str(path), None, "a template is a mapping")
    model = OrderMapping if raw.get("kind") == "order_confirmation" else PdfTemplate
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or None
        raise ConfigError(str(path), key, first["msg"]) from None


def load_templates(folder: Path | None, require_some: bool = False) -> Templates:
    """Every ``*.yml`` under ``folder`` (none if ``folder`` is None); names must be unique.

    ``require_some``: a folder without any template is a ``ConfigError`` (a
    misspelled ``--templates`` must not make every file ``no_template``).
    """
    if folder is None:
        return Templates()
    if not folder.is_dir():
        raise ConfigError(str(folder), None, "template folder does not exist")
    loaded = [load_template(path) for path in sorted(folder.glob("*.yml"))]
    if require_some and not loaded:
        raise ConfigError(str(folder), None, "template folder holds no template (*.yml)")
    names = [template.name for template in loaded]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ConfigError(str(folder), "name", f"duplicate template names {sorted(duplicates)}")
    return Templates(pdf=tuple(t for t in loaded if isinstance(t, PdfTemplate)),
                     orders=tuple(t for t in loaded if isinstance(t, OrderMapping)))
