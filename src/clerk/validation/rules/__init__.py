"""The built-in rules, in the order the engine runs them."""

from __future__ import annotations

from clerk.validation.registry import RuleSpec, rules_in
from clerk.validation.rules import arithmetic, duplicates, purchase_order, required, supplier

_MODULES = (required, arithmetic, supplier, duplicates, purchase_order)


def builtin_rules() -> list[RuleSpec]:
    """Every built-in rule: required fields, arithmetic, supplier, bank account,
    duplicates, purchase order, three-way match."""
    return [spec for module in _MODULES for spec in rules_in(module)]


__all__ = ["builtin_rules"]
