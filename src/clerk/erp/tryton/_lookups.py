"""Read-only look-ups in Tryton: suppliers, purchase orders, open invoices, and the
ids a supplier invoice needs (accounts, journal, currency, taxes, units)."""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from typing import Any

from clerk.erp.base import OpenInvoice, PurchaseOrder, PurchaseOrderLine, Supplier
from clerk.erp.tryton.rpc import TrytonRpc
from clerk.errors import ErpValidationError

# How clerk marks its idempotency key in an invoice's description.
KEY_PREFIX = "clerk:"

OPEN_PURCHASE_STATES = ("confirmed", "processing")
OPEN_INVOICE_STATES = ("draft", "validated", "posted")


def compact(code: str) -> str:
    """Tax ids and IBANs as stored compact in Tryton: no spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", code).upper()


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_read(rpc: TrytonRpc, model: str, domain: list, fields: list[str],
                limit: int | None = None, order: list | None = None) -> list[dict]:
    return rpc.call(f"model.{model}.search_read", domain, 0, limit, order, fields)


def _supplier(row: dict) -> Supplier:
    vat = [ident["code"] for ident in row["identifiers."] if ident["type"] == "eu_vat"]
    ibans = tuple(number["number_compact"] for account in row["bank_accounts."]
                  for number in account["numbers."])
    return Supplier(id=row["id"], name=row["name"], tax_id=vat[0] if vat else None,
                    ibans=ibans, active=row["active"])


class TrytonLookups:
    """Look-ups over one RPC session; ids that never change are cached."""

    def __init__(self, rpc: TrytonRpc):
        self._rpc = rpc
        self._cache: dict[Any, Any] = {}
        self._cache_lock = threading.Lock()

    def _cached(self, key: Any, load) -> Any:
        with self._cache_lock:
            if key in self._cache:
                return self._cache[key]
        value = load()
        with self._cache_lock:
            self._cache[key] = value
        return value

    # -- suppliers ---------------------------------------------------------
    def find_supplier(self, *, tax_id: str | None = None, name: str | None = None,
                      iban: str | None = None) -> Supplier | None:
        """First match by tax id, then IBAN, then exact name (case-insensitive)."""
        if tax_id:
            found = self._suppliers([("identifiers.code", "=", compact(tax_id))])
            if found:
                return found[0]
        if iban:
            found = self._suppliers([("bank_accounts.numbers.number_compact", "=",
                                      compact(iban))])
            if found:
                return found[0]
        if name:
            found = self._suppliers([("name", "ilike", _like_literal(name.strip()))])
            if found:
                return found[0]
        return None

    def _suppliers(self, domain: list) -> list[Supplier]:
        rows = search_read(self._rpc, "party.party", domain,
                           ["name", "active", "identifiers.type", "identifiers.code",
                            "bank_accounts.numbers.number_compact"], limit=2,
                           order=[("id", "ASC")])
        return [_supplier(row) for row in rows]

    def supplier(self, party_id: int) -> Supplier:
        found = self._suppliers([("id", "=", party_id)])
        if not found:
            raise ErpValidationError(f"supplier {party_id} is not in the ERP", field="seller")
        return found[0]

    # -- purchase orders ----------------------------------------------------
    def purchase_order(self, number: str) -> PurchaseOrder | None:
        """By Tryton's purchase number, else by the purchase's reference."""
        fields = ["number", "reference", "party", "currency.code", "state", "purchase_date",
                  "lines"]
        rows = search_read(self._rpc, "purchase.purchase", [("number", "=", number)], fields)
        rows = rows or search_read(self._rpc, "purchase.purchase",
                                   [("reference", "=", number)], fields)
        if not rows:
            return None
        row = rows[0]
        return PurchaseOrder(
            id=row["id"], number=row["number"] or number, supplier_id=row["party"],
            currency=row["currency."]["code"], state=row["state"],
            is_open=row["state"] in OPEN_PURCHASE_STATES, order_date=row["purchase_date"],
            lines=tuple(self._purchase_lines(row["lines"])))

    def _purchase_lines(self, line_ids: list[int]) -> list[PurchaseOrderLine]:
        rows = self._rpc.call("model.purchase.line.read", line_ids, [
            "type", "product.code", "product.name", "description", "quantity",
            "unit.symbol", "unit_price", "moves.state", "moves.quantity",
            "invoice_lines.quantity", "invoice_lines.invoice_state"])
        lines = []
        for row in rows:
            if row["type"] != "line":
                continue
            product = row.get("product.") or {}
            received = sum((Decimal(str(move["quantity"])) for move in row["moves."]
                            if move["state"] == "done"), Decimal(0))
            invoiced = sum((Decimal(str(line["quantity"])) for line in row["invoice_lines."]
                            if line.get("invoice_state") != "cancelled"), Decimal(0))
            lines.append(PurchaseOrderLine(
                id=row["id"], product_code=product.get("code"),
                description=row["description"] or product.get("name") or "",
                quantity=Decimal(str(row["quantity"])), received_quantity=received,
                invoiced_quantity=invoiced,
                unit=(row.get("unit.") or {}).get("symbol"), unit_price=row["unit_price"]))
        return lines

    def purchase_line_products(self, line_ids: list[int]) -> dict[int, dict]:
        """product id, unit id and expense account of purchase lines, by line id."""
        rows = self._rpc.call("model.purchase.line.read", line_ids, ["product", "unit"])
        return {row["id"]: row for row in rows}

    # -- invoices -------------------------------------------------------------
    def open_invoices(self, supplier_id: int) -> list[OpenInvoice]:
        rows = search_read(self._rpc, "account.invoice",
                           [("party", "=", supplier_id), ("type", "=", "in"),
                            ("state", "in", list(OPEN_INVOICE_STATES))],
                           ["reference", "number", "state", "total_amount", "currency.code",
                            "invoice_date", "description"], order=[("id", "ASC")])
        return [OpenInvoice(id=row["id"], supplier_reference=row["reference"],
                            number=row["number"], state=row["state"],
                            total=row["total_amount"], currency=row["currency."]["code"],
                            invoice_date=row["invoice_date"],
                            idempotency_key=_clerk_key(row["description"])) for row in rows]

    # -- ids a supplier invoice needs ------------------------------------------
    def company_id(self) -> int:
        return self._rpc.context["company"]

    def payable_account(self, party_id: int) -> int:
        # Cached per connector (one run): a supplier's payable account rarely changes.
        def load() -> int:
            row, = self._rpc.call("model.party.party.read", [party_id], ["account_payable"])
            return row["account_payable"] or self._configuration()["default_account_payable"]
        return self._cached(("payable", party_id), load)

    def default_expense_account(self) -> int:
        account = self._configuration()["default_category_account_expense"]
        if not account:
            raise ErpValidationError("the ERP has no default expense account configured")
        return account

    def _configuration(self) -> dict:
        return self._cached("configuration", lambda: self._rpc.call(
            "model.account.configuration.read", [1],
            ["default_account_payable", "default_category_account_expense"])[0])

    def expense_journal(self) -> int:
        def load() -> int:
            rows = search_read(self._rpc, "account.journal", [("type", "=", "expense")],
                               ["id"], limit=1)
            if not rows:
                raise ErpValidationError("the ERP has no expense journal")
            return rows[0]["id"]
        return self._cached("journal", load)

    def invoice_address(self, party_id: int) -> int:
        return self._cached(("address", party_id), lambda: self._invoice_address(party_id))

    def _invoice_address(self, party_id: int) -> int:
        rows = search_read(self._rpc, "party.address", [("party", "=", party_id)],
                           ["invoice"], order=[("sequence", "ASC"), ("id", "ASC")])
        if not rows:
            raise ErpValidationError(f"supplier {party_id} has no address in the ERP",
                                     field="seller")
        invoicing = [row["id"] for row in rows if row.get("invoice")]
        return invoicing[0] if invoicing else rows[0]["id"]

    def currency(self, code: str) -> int:
        def load() -> int:
            rows = search_read(self._rpc, "currency.currency", [("code", "=", code)], ["id"])
            if not rows:
                raise ErpValidationError(f"currency {code} is not known to the ERP",
                                         field="currency")
            return rows[0]["id"]
        return self._cached(("currency", code), load)

    def tax(self, rate: Decimal) -> int:
        """The company's purchase percentage tax of ``rate`` percent."""
        def load() -> int:
            rows = search_read(self._rpc, "account.tax",
                               [("type", "=", "percentage"), ("rate", "=", rate / 100),
                                ("parent", "=", None)], ["id"], order=[("id", "ASC")])
            if not rows:
                raise ErpValidationError(f"no {rate}% tax in the ERP", field="tax_rate")
            return rows[0]["id"]
        return self._cached(("tax", rate), load)

    def product(self, code: str) -> dict | None:
        return self._cached(("product", code), lambda: next(iter(search_read(
            self._rpc, "product.product", [("code", "=", code)],
            ["default_uom", "account_category.account_expense"])), None))

    def unit(self, symbol: str | None) -> int:
        symbol = symbol or "u"
        def load() -> int:
            rows = search_read(self._rpc, "product.uom",
                               ["OR", ("symbol", "=", symbol), ("name", "=", "Unit")],
                               ["symbol"])
            exact = [row["id"] for row in rows if row["symbol"] == symbol]
            if exact or rows:
                return (exact or [rows[0]["id"]])[0]
            raise ErpValidationError(f"unit {symbol} is not known to the ERP", field="unit")
        return self._cached(("unit", symbol), load)


def _clerk_key(description: str | None) -> str | None:
    """The idempotency key clerk wrote into an invoice's description, if any."""
    if description and description.startswith(KEY_PREFIX):
        return description.removeprefix(KEY_PREFIX)
    return None
