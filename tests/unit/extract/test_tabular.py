from datetime import date, datetime
from decimal import Decimal
import io

import pytest
from openpyxl import Workbook

from clerk.errors import ExtractionError
from clerk.models.order import OrderConfirmation

ACME_CSV = (
    "PO Number,Confirmation,Date,Currency,Item,Description,Qty,Unit Price,Delivery Date\n"
    "PO-1001,AB-77,2026-11-03,EUR,PAPER-A4,\"Copy paper A4, 500 sheets\",100,4.20,2026-11-10\n"
    "PO-1001,AB-77,2026-11-03,EUR,TONER-K,Toner cartridge black,4,89.00,2026-11-12\n"
)


def test_csv_with_column_mapping(session):
    extraction = session.extract(ACME_CSV.encode())
    order = extraction.record
    assert isinstance(order, OrderConfirmation)
    assert (extraction.extractor, extraction.template) == ("tabular", "acme-orders")
    assert (order.supplier, order.order_number, order.confirmation_number) == (
        "Acme Office Supplies Ltd", "PO-1001", "AB-77")
    assert order.date == date(2026, 11, 3)
    assert order.lines[0].description == "Copy paper A4, 500 sheets"
    assert order.lines[1].delivery_date == date(2026, 11, 12)
    assert order.total == Decimal("776.00")


def test_german_semicolon_csv_with_decimal_commas(session):
    data = ("Bestellnummer;Auftragsbestätigung;Datum;Artikel;Bezeichnung;Menge;Einzelpreis;Liefertermin\n"
            "PO-1002;NW-5;04.11.2026;FREIGHT;Palettenfracht;3;1.145,50;09.11.2026\n").encode("cp1252")
    order = session.extract(data).record
    assert order.supplier == "Nordwind Logistik GmbH"
    assert order.lines[0].unit_price == Decimal("1145.50")
    assert order.lines[0].delivery_date == date(2026, 11, 9)


def test_xlsx_with_typed_cells(session):
    book = Workbook()
    sheet = book.active
    sheet.append(["PO Number", "Confirmation", "Date", "Currency", "Item", "Description", "Qty", "Unit Price",
                  "Delivery Date"])
    sheet.append([1001, "AB-78", datetime(2026, 11, 5), "eur", "PAPER-A4", "Paper", 50, 4.2, "2026-11-20"])
    buffer = io.BytesIO()
    book.save(buffer)
    order = session.extract(buffer.getvalue()).record
    assert order.order_number == "1001"
    assert order.currency == "EUR"
    assert order.lines[0].unit_price == Decimal("4.2")
    assert order.date == date(2026, 11, 5)


@pytest.mark.parametrize(("data", "reason"), [
    (ACME_CSV.replace("AB-77,2026-11-03,EUR,TONER", "AB-99,2026-11-03,EUR,TONER"), "inconsistent_rows"),
    (ACME_CSV.replace("100,4.20", "many,4.20"), "bad_number"),
    ("Foo,Bar\n1,2\n", "no_template"),
])
def test_bad_tables_are_refused_with_a_reason(session, data, reason):
    with pytest.raises(ExtractionError) as caught:
        session.extract(data.encode())
    assert caught.value.reason == reason
