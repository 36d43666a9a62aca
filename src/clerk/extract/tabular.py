"""CSV and XLSX order confirmations, read through a column mapping."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from clerk.errors import ExtractionError
from clerk.extract.base import Content, Extraction
from clerk.extract.dates import parse_date
from clerk.extract.numbers import parse_amount
from clerk.extract.templates import OrderMapping
from clerk.models.order import OrderConfirmation, OrderConfirmationLine

MAX_ROWS = 10_000
HEADER_FIELDS = ("order_number", "confirmation_number", "date", "currency", "supplier")


def csv_rows(data: bytes) -> list[dict[str, Any]]:
    """Rows keyed by header; the delimiter (, ; tab) is sniffed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [{(k or "").strip(): v for k, v in row.items()} for _, row in zip(range(MAX_ROWS), reader)]


def xlsx_rows(data: bytes) -> list[dict[str, Any]]:
    """Rows of the first sheet keyed by the first row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001  openpyxl raises many types for a broken file
        raise ExtractionError("malformed_xlsx", f"{type(error).__name__}: {error}"[:300]) from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 1)
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        return [dict(zip(header, row)) for row in rows if any(cell is not None for cell in row)]
    finally:
        book.close()


def choose_mapping(headers: set[str], mappings: tuple[OrderMapping, ...]) -> OrderMapping | None:
    """The mapping whose columns are all present; the one naming most columns wins."""
    matching = [m for m in mappings if m.headers() <= headers]
    return max(matching, key=lambda m: len(m.headers()), default=None)


class _Cells:
    def __init__(self, mapping: OrderMapping, row: dict[str, Any], number: int):
        self.mapping, self.row, self.number = mapping, row, number

    def text(self, field: str) -> str | None:
        column = getattr(self.mapping.columns, field)
        value = self.row.get(column) if column else None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an order number typed as a number in Excel
        return None if value is None or str(value).strip() == "" else str(value).strip()

    def amount(self, field: str) -> Decimal:
        column = getattr(self.mapping.columns, field)
        value = self.row.get(column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Decimal(str(value))
        if value is None or str(value).strip() == "":
            raise ExtractionError("missing_field", f"row {self.number}: {column} is empty")
        return parse_amount(str(value), self.mapping.number_format, f"row {self.number} {column}")

    def day(self, field: str) -> date | None:
        column = getattr(self.mapping.columns, field)
        value = self.row.get(column) if column else None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(field)
        return parse_date(text, self.mapping.date_format, self.mapping.date_languages,
                          f"row {self.number} {column}") if text else None


def _header(cells: list[_Cells], field: str) -> str | None:
    values = {c.text(field) for c in cells} - {None}
    if len(values) > 1:
        raise ExtractionError("inconsistent_rows", f"{field} differs between rows: {sorted(values)[:3]}")
    return values.pop() if values else None


def read_order(rows: list[dict[str, Any]], mapping: OrderMapping) -> OrderConfirmation:
    """One OrderConfirmation from all rows (header fields repeat on each row)."""
    cells = [_Cells(mapping, row, index) for index, row in enumerate(rows, start=2)]
    if not cells:
        raise ExtractionError("missing_field", "the file has a header but no rows")
    dates = {c.day("date") for c in cells} - {None}
    if len(dates) != 1:
        raise ExtractionError("inconsistent_rows" if dates else "missing_field", "one confirmation date expected")
    try:
        return OrderConfirmation(
            supplier=_header(cells, "supplier") or mapping.supplier or "",
            order_number=_header(cells, "order_number") or "",
            confirmation_number=_header(cells, "confirmation_number") or "",
            date=dates.pop(),
            currency=_header(cells, "currency") or mapping.currency,
            lines=tuple(OrderConfirmationLine(
                product_code=c.text("product_code") or "", description=c.text("description"),
                quantity=c.amount("quantity"), unit_price=c.amount("unit_price"),
                delivery_date=c.day("delivery_date")) for c in cells),
        )
    except ValidationError as error:
        raise ExtractionError("invalid_record", str(error.errors()[0]["msg"])) from None


class OrderConfirmationExtractor:
    """CSV/XLSX order confirmations whose headers match a configured mapping."""

    name = "tabular"

    def __init__(self, mappings: tuple[OrderMapping, ...]):
        self.mappings = mappings

    def accepts(self, content: Content) -> bool:
        return content.kind in {"csv", "xlsx"}

    def extract(self, content: Content) -> Extraction:
        rows = xlsx_rows(content.data) if content.kind == "xlsx" else csv_rows(content.data)
        headers = set(rows[0]) if rows else set()
        mapping = choose_mapping(headers, self.mappings)
        if mapping is None:
            raise ExtractionError("no_template", f"no column mapping fits the headers {sorted(headers)[:8]}")
        order = read_order(rows, mapping)
        required = ("supplier", "order_number", "confirmation_number")
        confidence = {name: (1.0 if getattr(order, name) else 0.0) for name in required}
        confidence.update({"date": 1.0, "currency": 1.0, "lines": 1.0})
        return Extraction(record=order, extractor=self.name, template=mapping.name, confidence=confidence)
