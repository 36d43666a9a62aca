"""Demo invoices built from demo/world.toml, with totals that add up."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from clerk.models.invoice import Invoice, InvoiceLine, Party, TaxSubtotal, Totals

CENT = Decimal("0.01")


def find_world(start: Path | None = None) -> Path:
    """demo/world.toml of the repository that holds ``start`` (default: this package)."""
    here = (start or Path(__file__)).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "demo" / "world.toml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("demo/world.toml not found above " + str(here))


@lru_cache(maxsize=8)
def load_world(path: Path | None = None) -> dict[str, Any]:
    """The parsed demo world (cached per path: it is read-only test data)."""
    with open(path or find_world(), "rb") as handle:
        return tomllib.load(handle)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _supplier(world: dict[str, Any], code: str) -> dict[str, Any]:
    for entry in [*world.get("suppliers", []), *world.get("unknown_suppliers", [])]:
        if entry["code"] == code:
            return entry
    raise KeyError(f"no supplier {code!r} in the demo world")


def _product_name(world: dict[str, Any], code: str) -> str:
    for product in world.get("products", []):
        if product["code"] == code:
            return product["name"]
    return code


def demo_invoice(
    supplier_code: str,
    number: str,
    lines: list[tuple[str, Any, Any]],
    *,
    tax_rate: Decimal = Decimal("19"),
    order_reference: str | None = None,
    issue_date: date | None = None,
    iban: str | None = None,
    world_path: Path | None = None,
) -> Invoice:
    """An invoice from a demo supplier to the demo company.

    ``lines`` are ``(product_code, quantity, unit_price)``; quantity and price
    may be str, int or Decimal. ``iban`` overrides the supplier's own (to
    stage a changed bank account). One tax rate for the whole invoice.
    """
    world = load_world(world_path)
    supplier = _supplier(world, supplier_code)
    company = world["company"]
    rate = Decimal(str(tax_rate))
    invoice_lines = tuple(
        InvoiceLine(
            id=str(index),
            description=_product_name(world, code),
            quantity=Decimal(str(quantity)),
            unit="C62",
            unit_price=Decimal(str(price)),
            net_amount=money(Decimal(str(quantity)) * Decimal(str(price))),
            tax_category="S" if rate else "Z",
            tax_rate=rate,
            product_code=code,
        )
        for index, (code, quantity, price) in enumerate(lines, start=1)
    )
    net = sum((line.net_amount for line in invoice_lines), Decimal("0.00"))
    tax = money(net * rate / 100)
    issued = issue_date or date.today()
    return Invoice(
        number=number,
        issue_date=issued,
        due_date=issued + timedelta(days=30),
        currency=company.get("currency", "EUR"),
        seller=Party(
            name=supplier["name"], tax_id=supplier.get("tax_id"),
            iban=iban or supplier.get("iban"), country=supplier.get("country"),
        ),
        buyer=Party(name=company["name"], tax_id=company.get("tax_id"), country=company.get("country")),
        order_reference=order_reference,
        lines=invoice_lines,
        tax_breakdown=(TaxSubtotal(category="S" if rate else "Z", rate=rate, taxable_amount=net, tax_amount=tax),),
        totals=Totals(line_net=net, net=net, tax=tax, gross=net + tax, payable=net + tax),
    )
