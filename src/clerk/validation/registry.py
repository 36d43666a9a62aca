"""The ``@rule`` decorator: marks a plain function as a validation rule.

The function stays a plain callable ``rule(record, context) -> list[Finding]``
(the Robot Framework keyword library calls it as is); the decorator only
attaches a ``RuleSpec`` to it. There is no global registry: the engine is
given its rules, and the loader collects decorated functions from files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol, TypeVar

from clerk.models.finding import Finding

_SPEC_ATTRIBUTE = "__clerk_rule__"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class Rule(Protocol):
    """A validation rule: look at one record, return what is wrong with it."""

    def __call__(self, record: Any, context: Any, /) -> list[Finding]: ...


@dataclass(frozen=True)
class RuleSpec:
    """A rule's name, the record types it applies to, and the function."""

    name: str
    applies_to: tuple[type, ...]
    function: Callable[..., list[Finding]]
    description: str = ""

    def applies(self, record: object) -> bool:
        return isinstance(record, self.applies_to)


F = TypeVar("F", bound=Callable[..., list[Finding]])


def rule(name: str, applies_to: type | tuple[type, ...] = object) -> Callable[[F], F]:
    """Mark ``function(record, context) -> list[Finding]`` as the rule ``name``.

    ``applies_to`` is the record type (or types) the rule validates; the
    engine skips it for other records. ``name`` is lower_snake_case and
    unique within an engine.
    """
    if not _NAME.match(name):
        raise ValueError(f"rule name {name!r} must be lower_snake_case")
    types = applies_to if isinstance(applies_to, tuple) else (applies_to,)
    if not types or not all(isinstance(t, type) for t in types):
        raise TypeError(f"rule {name!r}: applies_to must be a type or a tuple of types")

    def mark(function: F) -> F:
        doc = (function.__doc__ or "").strip().splitlines()
        spec = RuleSpec(name, types, function, doc[0] if doc else "")
        setattr(function, _SPEC_ATTRIBUTE, spec)
        return function

    return mark


def spec_of(function: object) -> RuleSpec | None:
    """The ``RuleSpec`` of a decorated function, or ``None``."""
    spec = getattr(function, _SPEC_ATTRIBUTE, None)
    return spec if isinstance(spec, RuleSpec) else None


def rules_in(module: ModuleType) -> list[RuleSpec]:
    """The rules defined (not merely imported) in ``module``, in source order."""
    found = []
    for value in vars(module).values():
        spec = spec_of(value)
        if spec is not None and getattr(value, "__module__", None) == module.__name__:
            found.append(spec)
    return found


def as_specs(rules: Iterable[Callable[..., Any] | RuleSpec]) -> list[RuleSpec]:
    specs = []
    for item in rules:
        spec = item if isinstance(item, RuleSpec) else spec_of(item)
        if spec is None:
            raise TypeError(f"{item!r} is not a rule: decorate it with @rule(name)")
        specs.append(spec)
    return specs
