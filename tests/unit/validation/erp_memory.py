"""A small in-memory ErpConnector for rule tests (and the rules benchmark).

It implements the whole protocol over plain dicts, can be filled from
demo/world.toml, and counts look-ups so tests can see the per-run cache work.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from clerk.erp.base import (
    ErpRef,
    OpenInvoice,
    PostingState,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from clerk.models.invoice import Invoice

WORLD = Path(__file__).resolve().parents[3] / "demo" / "world.toml"


@dataclass
class MemoryErp:
    name: str = "memory"
    suppliers: list[Supplier] = field(default_factory=list)
    orders: dict[str, PurchaseOrder] = field(default_factory=dict)
    invoices: dict[int, list[OpenInvoice]] = field(default_factory=dict)
    refs: dict[str, ErpRef] = field(default_factory=dict)
    calls: Counter = field(default_factory=Counter)

    @classmethod
    def from_world(cls, path: Path = WORLD) -> MemoryErp:
        world = tomllib.loads(path.read_text(encoding="utf-8"))
        erp = cls()
        ids = {}
        products = {p["code"]: p for p in world["products"]}
        for number, entry in enumerate(world["suppliers"], start=1):
            ids[entry["code"]] = number
            erp.suppliers.append(Supplier(id=number, name=entry["name"], tax_id=entry["tax_id"],
                                          ibans=(entry["iban"],)))
        line_id = 100
        for number, order in enumerate(world["purchase_orders"], start=1):
            lines = []
            for line in order["lines"]:
                line_id += 1
                lines.append(PurchaseOrderLine(
                    id=line_id, product_code=line["product"],
                    description=products[line["product"]]["name"],
                    quantity=Decimal(line["quantity"]),
                    received_quantity=Decimal(line["received"]),
                    invoiced_quantity=Decimal(0), unit="u",
                    unit_price=Decimal(line["unit_price"])))
            erp.orders[order["number"]] = PurchaseOrder(
                id=number, number=order["number"], supplier_id=ids[order["supplier"]],
                currency=world["company"]["currency"], state="processing", is_open=True,
                order_date=None, lines=tuple(lines))
        return erp

    def find(self, idempotency_key: str) -> ErpRef | None:
        self.calls["find"] += 1
        return self.refs.get(idempotency_key)

    def create(self, record: Invoice, idempotency_key: str,
               state: PostingState = PostingState.DRAFT) -> ErpRef:
        self.calls["create"] += 1
        supplier = self.find_supplier(tax_id=record.seller.tax_id)
        if supplier is None:
            raise ValueError(f"unknown supplier {record.seller.tax_id}")
        new_id = 1 + sum(len(v) for v in self.invoices.values())
        self.invoices.setdefault(supplier.id, []).append(OpenInvoice(
            id=new_id, supplier_reference=record.number, number=None, state="draft",
            total=record.totals.gross, currency=record.currency,
            invoice_date=record.issue_date, idempotency_key=idempotency_key))
        ref = ErpRef(erp=self.name, model="account.invoice", id=new_id, state="draft",
                     idempotency_key=idempotency_key)
        self.refs[idempotency_key] = ref
        return ref

    def post_many(self, refs: list[ErpRef]) -> list[ErpRef | Exception]:
        self.calls["post_many"] += 1
        return [ref.model_copy(update={"state": "posted"}) for ref in refs]

    def find_supplier(self, *, tax_id: str | None = None, name: str | None = None,
                      iban: str | None = None) -> Supplier | None:
        self.calls["find_supplier"] += 1
        for supplier in self.suppliers:
            if tax_id is not None and supplier.tax_id == tax_id:
                return supplier
            if name is not None and supplier.name.casefold() == name.casefold():
                return supplier
            if iban is not None and iban in supplier.ibans:
                return supplier
        return None

    def get_purchase_order(self, number: str) -> PurchaseOrder | None:
        self.calls["get_purchase_order"] += 1
        return self.orders.get(number)

    def open_invoices(self, supplier_id: int) -> list[OpenInvoice]:
        self.calls["open_invoices"] += 1
        return list(self.invoices.get(supplier_id, ()))

    # Test helpers: change the world the way an ERP user would.
    def replace_supplier(self, tax_id: str, **changes) -> None:
        self.suppliers = [s.model_copy(update=changes) if s.tax_id == tax_id else s
                          for s in self.suppliers]

    def replace_order(self, number: str, **changes) -> None:
        self.orders[number] = self.orders[number].model_copy(update=changes)
