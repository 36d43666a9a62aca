"""The demo's order confirmations, as suppliers' shops export them: a CSV from
Acme and an XLSX from Nordwind, for the scanner/SFTP drop folder."""

from __future__ import annotations

import io

from openpyxl import Workbook

ACME_CSV = (
    "PO Number,Confirmation,Date,Currency,Item,Description,Qty,Unit Price,Delivery Date\r\n"
    'PO-1004,AB-2026-0311,2026-11-03,EUR,PAPER-A4,"Copy paper A4, 500 sheets",50,4.20,2026-11-12\r\n')


def _nordwind_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Bestellnummer", "Auftragsbestätigung", "Datum", "Artikel", "Bezeichnung",
                  "Menge", "Einzelpreis", "Liefertermin"])
    sheet.append(["PO-1002", "NW-AB-4471", "04.11.2026", "FREIGHT", "Palettenfracht, Inland",
                  "3", "145,00", "06.11.2026"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def order_confirmations() -> list[tuple[str, bytes]]:
    """(file name, bytes) of each demo order confirmation."""
    return [("acme-AB-2026-0311.csv", ACME_CSV.encode()),
            ("nordwind-NW-AB-4471.xlsx", _nordwind_xlsx())]
