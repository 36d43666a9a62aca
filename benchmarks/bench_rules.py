"""Throughput of the validation engine with every built-in rule.

1,000 invoices from the demo world (demo/world.toml), a tenth of them broken
on purpose, validated by the engine with ERP look-ups cached per run (an
in-memory ERP, so the figure is clerk's own cost, not the ERP's), beside a
bare loop doing the same checks by hand. Merges into
benchmarks/results/extract.json:

- ``rules_per_s``: rule evaluations per second through the engine
  (invoices x applicable rules / s); ``rules_invoices_per_s`` the same as
  invoices per second;
- ``rules_bare_per_s`` / ``rules_bare_invoices_per_s``: the bare loop;
- ``rules_engine_overhead``: bare speed / engine speed.

Run: ``.venv/bin/python benchmarks/bench_rules.py [--invoices N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clerk.models.invoice import Invoice  # noqa: E402
from clerk.validation import (  # noqa: E402
    ValidationContext,
    ValidationEngine,
    ValidationSettings,
    builtin_rules,
)
from tests.unit.validation.erp_memory import MemoryErp  # noqa: E402
from tests.unit.validation.invoices import invoice_for, line, with_totals  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "extract.json"


def demo_invoices(erp: MemoryErp, count: int) -> list[Invoice]:
    """Invoices against the demo POs; every 10th has a price off, every 17th a wrong gross."""
    suppliers = {s.id: s for s in erp.suppliers}
    orders = list(erp.orders.values())
    invoices = []
    for index in range(count):
        order = orders[index % len(orders)]
        supplier = suppliers[order.supplier_id]
        price_bump = Decimal("0.50") if index % 10 == 0 else Decimal(0)
        lines = [line(str(n), po_line.product_code, po_line.description,
                      str(po_line.received_quantity), str(po_line.unit_price + price_bump))
                 for n, po_line in enumerate(order.lines, start=1)]
        seller = {"name": supplier.name, "tax_id": supplier.tax_id, "iban": supplier.ibans[0]}
        invoice = invoice_for(lines, number=f"INV-{index:05d}", order=order.number,
                              seller=seller)
        invoices.append(with_totals(invoice, gross="1.00") if index % 17 == 0 else invoice)
    return invoices


def bare_check(invoice: Invoice, cache: dict, erp: MemoryErp, seen: set) -> int:
    """The same checks as the built-in rules, by hand; returns the number of errors."""
    errors = 0
    cent, totals = Decimal("0.01"), invoice.totals
    if not (invoice.number and invoice.currency and invoice.seller.name
            and invoice.seller.tax_id and invoice.lines):
        errors += 1
    line_sum = Decimal(0)
    for item in invoice.lines:
        line_sum += item.net_amount
        if abs(item.quantity * item.unit_price - item.net_amount) > cent:
            errors += 1
    if totals.line_net is not None and abs(totals.line_net - line_sum) > cent:
        errors += 1
    if abs(line_sum - totals.allowances + totals.charges - totals.net) > cent:
        errors += 1
    tax_sum = Decimal(0)
    for sub in invoice.tax_breakdown:
        tax_sum += sub.tax_amount
        if abs((sub.taxable_amount * sub.rate / 100).quantize(cent) - sub.tax_amount) > cent:
            errors += 1
    errors += abs(tax_sum - totals.tax) > cent
    errors += abs(totals.net + totals.tax - totals.gross) > cent
    errors += abs(totals.gross - totals.prepaid + totals.rounding - totals.payable) > cent
    key = ("s", invoice.seller.tax_id)
    if key not in cache:
        cache[key] = erp.find_supplier(tax_id=invoice.seller.tax_id)
    supplier = cache[key]
    if supplier is None or not supplier.active:
        return errors + 1
    errors += invoice.seller.iban not in supplier.ibans
    dup_key = (supplier.id, invoice.number)
    errors += dup_key in seen
    if ("i", supplier.id) not in cache:
        cache[("i", supplier.id)] = erp.open_invoices(supplier.id)
    errors += any(o.supplier_reference == invoice.number for o in cache[("i", supplier.id)])
    if ("o", invoice.order_reference) not in cache:
        cache[("o", invoice.order_reference)] = erp.get_purchase_order(invoice.order_reference)
    order = cache[("o", invoice.order_reference)]
    if order is None or not order.is_open:
        return errors + 1
    errors += order.supplier_id != supplier.id
    errors += order.currency != invoice.currency
    by_code = {po_line.product_code: po_line for po_line in order.lines}
    for item in invoice.lines:
        po_line = by_code.get(item.product_code)
        if po_line is None:
            errors += 1
            continue
        errors += item.unit_price != po_line.unit_price
        errors += item.quantity > po_line.received_quantity - po_line.invoiced_quantity
    return errors


def run_engine(invoices: list[Invoice]) -> tuple[float, int, int]:
    erp = MemoryErp.from_world()
    engine = ValidationEngine(builtin_rules())
    started = time.perf_counter()
    run = ValidationContext.for_run(ValidationSettings(), erp, lambda tax_id, number: [])
    evaluations = errors = 0
    for item_id, invoice in enumerate(invoices):
        outcome = engine.validate(invoice, run.for_item(item_id))
        evaluations += len(outcome.rules_run)
        errors += len(outcome.errors)
    return time.perf_counter() - started, evaluations, errors


def run_bare(invoices: list[Invoice]) -> tuple[float, int]:
    erp = MemoryErp.from_world()
    started = time.perf_counter()
    cache: dict = {}
    errors = sum(bare_check(invoice, cache, erp, set()) for invoice in invoices)
    return time.perf_counter() - started, errors


def merge_results(figures: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(figures)
    temporary = RESULTS.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, RESULTS)     # readers never see half a file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    invoices = demo_invoices(MemoryErp.from_world(), args.invoices)
    engine_runs = [run_engine(invoices) for _ in range(args.repeat)]
    bare_runs = [run_bare(invoices) for _ in range(args.repeat)]
    engine_s, evaluations, engine_errors = min(engine_runs)
    bare_s, bare_errors = min(bare_runs)
    rules_per_invoice = evaluations / len(invoices)
    figures = {
        "rules_per_s": round(evaluations / engine_s),
        "rules_invoices_per_s": round(len(invoices) / engine_s),
        "rules_bare_per_s": round(len(invoices) * rules_per_invoice / bare_s),
        "rules_bare_invoices_per_s": round(len(invoices) / bare_s),
        "rules_engine_overhead": round(engine_s / bare_s, 2),
        "rules_invoices": len(invoices),
        "rules_builtin_count": round(rules_per_invoice),
    }
    merge_results(figures)
    print(json.dumps(figures, indent=2))
    print(f"errors found: engine {engine_errors}, bare loop {bare_errors}")


if __name__ == "__main__":
    main()
