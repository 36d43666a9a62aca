"""Seed a Tryton database with the demo world, through proteus (set-up only).

Run in its own process by ``bootstrap`` (``python -m clerk.erp.tryton._seed
CONFIG DATABASE WORLD``): proteus loads trytond in-process and configures it
globally, which must not leak into the caller. Every step looks for what it
would create first, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

from proteus import Model
from proteus import config as proteus_config

TAX_RATES = (Decimal(19), Decimal(7), Decimal(20), Decimal(0))


def _company(world: dict):
    from trytond.modules.company.tests.tools import create_company, get_company
    Company = Model.get("company.company")
    if not Company.find([]):
        Party = Model.get("party.party")
        party = Party(name=world["company"]["name"])
        party.save()
        create_company(party=party, currency=_currency(world["company"]["currency"]))
    return get_company()


def _currency(code: str):
    from trytond.modules.currency.tests.tools import get_currency
    return get_currency(code)


def _chart_and_year(company) -> None:
    from trytond.modules.account.tests.tools import create_chart, create_fiscalyear
    from trytond.modules.account_invoice.tests.tools import (
        set_fiscalyear_invoice_sequences,
    )
    Account = Model.get("account.account")
    if not Account.find([("company", "=", company.id)]):
        create_chart(company)
    FiscalYear = Model.get("account.fiscalyear")
    today = datetime.date.today()
    if not FiscalYear.find([("start_date", "<=", today), ("end_date", ">=", today)]):
        fiscalyear = set_fiscalyear_invoice_sequences(create_fiscalyear(company))
        fiscalyear.click("create_period")


def _taxes(company) -> None:
    from trytond.modules.account.tests.tools import create_tax
    Tax = Model.get("account.tax")
    for rate in TAX_RATES:
        name = f"VAT {rate}%"
        if not Tax.find([("name", "=", name)]):
            tax = create_tax(rate / 100, company)
            tax.name = tax.description = name
            tax.save()


# Standard VAT rate by supplier country, for products the world gives no rate:
# Tryton warns when an invoice line's taxes differ from its product's defaults.
_COUNTRY_VAT = {"DE": Decimal(19), "FR": Decimal(20)}


def _product_rates(world: dict) -> dict[str, Decimal]:
    country = {supplier["code"]: supplier["country"] for supplier in world["suppliers"]}
    rates = {}
    for order in world["purchase_orders"]:
        rate = _COUNTRY_VAT.get(country[order["supplier"]], Decimal(19))
        for line in order["lines"]:
            rates.setdefault(line["product"], rate)
    for product in world["products"]:
        if "tax_rate" in product:
            rates[product["code"]] = Decimal(product["tax_rate"])
    return rates


def _account_category(company, rate: Decimal):
    from trytond.modules.account.tests.tools import get_accounts
    Category = Model.get("product.category")
    Tax = Model.get("account.tax")
    name = f"Purchases VAT {rate}%"
    found = Category.find([("name", "=", name)])
    if found:
        return found[0]
    accounts = get_accounts(company)
    category = Category(name=name, accounting=True)
    category.account_expense = accounts["expense"]
    category.account_revenue = accounts["revenue"]
    category.supplier_taxes.append(Tax.find([("name", "=", f"VAT {rate}%")])[0])
    category.save()
    return category


def _suppliers(world: dict) -> dict[str, object]:
    Party = Model.get("party.party")
    parties = {}
    for supplier in world["suppliers"]:
        found = Party.find([("code", "=", supplier["code"])])
        if found:
            parties[supplier["code"]] = found[0]
            continue
        party = Party(name=supplier["name"], code=supplier["code"])
        party.identifiers.new(type="eu_vat", code=supplier["tax_id"])
        address, = party.addresses
        address.country = _country(supplier["country"])
        party.save()
        _bank_account(party, supplier["iban"])
        parties[supplier["code"]] = party
    return parties


def _country(code: str):
    Country = Model.get("country.country")
    found = Country.find([("code", "=", code)])
    if found:
        return found[0]
    country = Country(name=code, code=code)
    country.save()
    return country


def _bank_account(party, iban: str) -> None:
    Account = Model.get("bank.account")
    account = Account()
    account.owners.append(party)
    account.numbers.new(type="iban", number=iban)
    account.save()


def _products(world: dict, company) -> dict[str, object]:
    Template = Model.get("product.template")
    Product = Model.get("product.product")
    Uom = Model.get("product.uom")
    unit, = Uom.find([("name", "=", "Unit")])
    products = {}
    for spec in world["products"]:
        found = Product.find([("code", "=", spec["code"])])
        if found:
            products[spec["code"]] = found[0]
            continue
        rate = _product_rates(world).get(spec["code"], Decimal(19))
        category = _account_category(company, rate)
        template = Template(name=spec["name"], code=spec["code"], type="goods",
                            default_uom=unit, purchasable=True,
                            account_category=category)
        template.cost_price = Decimal(spec["cost_price"])
        template.list_price = Decimal(spec["cost_price"])
        template.save()
        product, = template.products
        products[spec["code"]] = product
    return products


def _purchase_sequence() -> None:
    # The world's numbers (PO-1001...) become Tryton's own purchase numbers.
    Sequence = Model.get("ir.sequence")
    Configuration = Model.get("purchase.configuration")
    sequence = Configuration(1).purchase_sequence
    if not sequence.prefix:
        sequence = Sequence(sequence.id)
        sequence.prefix = "PO-"
        sequence.number_next = 1001
        sequence.save()


def _purchase_orders(world: dict, parties: dict, products: dict) -> None:
    Purchase = Model.get("purchase.purchase")
    for spec in world["purchase_orders"]:
        if Purchase.find([("reference", "=", spec["number"])]):
            continue
        purchase = Purchase(party=parties[spec["supplier"]], reference=spec["number"],
                            invoice_method="manual")
        for line_spec in spec["lines"]:
            line = purchase.lines.new(product=products[line_spec["product"]])
            line.quantity = float(line_spec["quantity"])
            line.unit_price = Decimal(line_spec["unit_price"])
        purchase.click("quote")
        purchase.click("confirm")
        purchase.reload()
        _receive(purchase, spec["lines"])


def _receive(purchase, line_specs: list[dict]) -> None:
    """Receive the world's quantities through a supplier shipment, so the purchase
    lines' done stock moves are the received quantities."""
    Shipment = Model.get("stock.shipment.in")
    Move = Model.get("stock.move")
    shipment = Shipment(supplier=purchase.party)
    for line, spec in zip(purchase.lines, line_specs, strict=True):
        received = float(spec["received"])
        for move in line.moves:
            if received > 0 and move.state == "draft":
                incoming = Move(move.id)
                incoming.quantity = min(received, move.quantity)
                shipment.incoming_moves.append(incoming)
    if not shipment.incoming_moves:
        return
    shipment.save()
    shipment.click("receive")
    shipment.click("do")


def seed(config_file: str, database: str, world_file: str) -> None:
    world = tomllib.loads(Path(world_file).read_text(encoding="utf-8"))
    proteus_config.set_trytond(database=database, config_file=config_file)
    company = _company(world)
    _chart_and_year(company)
    _taxes(company)
    parties = _suppliers(world)
    products = _products(world, company)
    _purchase_sequence()
    _purchase_orders(world, parties, products)


if __name__ == "__main__":
    seed(*sys.argv[1:4])
