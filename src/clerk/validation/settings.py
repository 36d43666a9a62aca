"""A bot's validation settings: tolerances, required fields, per-supplier overrides.

Built once at the entry point (from the bot's config) and passed in through
the validation context; ``extra="forbid"`` turns a misspelt key into an error
at config load instead of a silently ignored tolerance.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clerk.extract.en16931.settings import En16931Settings
from clerk.models.invoice import Invoice

DEFAULT_REQUIRED_FIELDS = (
    "number",
    "issue_date",
    "currency",
    "seller.name",
    "seller.tax_id",
    "lines",
)


def normalise_tax_id(tax_id: str | None) -> str | None:
    """``de 129 274 202`` and ``DE129274202`` are the same supplier."""
    if tax_id is None:
        return None
    compact = "".join(tax_id.split()).upper()
    return compact or None


def _unwrap_optional(annotation: object) -> object:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kept = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return kept[0] if len(kept) == 1 else annotation
    return annotation


def check_field_path(model: type[BaseModel], dotted: str) -> None:
    """Raise ``ValueError`` unless ``dotted`` (``seller.tax_id``, ``lines[].unit``)
    names a field of ``model``; ``name[]`` steps into the items of a tuple."""
    current: object = model
    for part in dotted.split("."):
        name = part[:-2] if part.endswith("[]") else part
        if not (isinstance(current, type) and issubclass(current, BaseModel)
                and name in current.model_fields):
            raise ValueError(f"{dotted!r}: {name!r} is not a field here")
        current = _unwrap_optional(current.model_fields[name].annotation)
        if part.endswith("[]"):
            if typing.get_origin(current) not in (tuple, list):
                raise ValueError(f"{dotted!r}: {name!r} is not a list, drop the []")
            current = typing.get_args(current)[0]


class Tolerance(BaseModel):
    """How far an actual figure may stray from the expected one.

    A difference is allowed when it is within ``absolute`` OR within
    ``percent`` of the expected figure (whichever is more generous), so a
    small absolute allowance still covers cheap lines and a percentage covers
    large ones.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    percent: Decimal = Field(default=Decimal("0"), ge=0)
    absolute: Decimal = Field(default=Decimal("0"), ge=0)

    def allowance(self, expected: Decimal) -> Decimal:
        return max(self.absolute, abs(expected) * self.percent / Decimal(100))

    def allows(self, expected: Decimal, actual: Decimal) -> bool:
        return abs(actual - expected) <= self.allowance(expected)


class SupplierOverride(BaseModel):
    """Per-supplier tolerances; a ``None`` keeps the bot-wide value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rounding: Decimal | None = Field(default=None, ge=0)
    price: Tolerance | None = None
    quantity: Tolerance | None = None


class EffectiveSettings(BaseModel):
    """The settings that apply to one invoice, overrides merged in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rounding: Decimal
    price: Tolerance
    quantity: Tolerance


class ValidationSettings(BaseModel):
    """The ``[validation]`` table of a bot.

    ``rounding`` is the absolute tolerance of every arithmetic check (line
    totals, sums, tax, gross, payable). ``price`` and ``quantity`` are the
    three-way match tolerances. ``suppliers`` maps a supplier tax id to its
    overrides.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    required_fields: tuple[str, ...] = DEFAULT_REQUIRED_FIELDS
    rounding: Decimal = Field(default=Decimal("0.01"), ge=0)
    price: Tolerance = Tolerance()
    quantity: Tolerance = Tolerance()
    match_supplier_by_name: bool = True
    suppliers: dict[str, SupplierOverride] = Field(default_factory=dict)
    en16931: En16931Settings = En16931Settings()   # [validation.en16931]: EN 16931 rules on e-invoices

    @field_validator("required_fields")
    @classmethod
    def _known_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for dotted in value:
            check_field_path(Invoice, dotted)
        return value

    @field_validator("suppliers")
    @classmethod
    def _normalise_keys(cls, value: dict[str, SupplierOverride]) -> dict[str, SupplierOverride]:
        normalised: dict[str, SupplierOverride] = {}
        for tax_id, override in value.items():
            key = normalise_tax_id(tax_id)
            if key is None:
                raise ValueError("a supplier override needs a tax id as its key")
            if key in normalised:
                raise ValueError(f"supplier {key} is overridden twice")
            normalised[key] = override
        return normalised

    def for_supplier(self, tax_id: str | None) -> EffectiveSettings:
        override = self.suppliers.get(normalise_tax_id(tax_id) or "") or SupplierOverride()
        return EffectiveSettings(
            rounding=self.rounding if override.rounding is None else override.rounding,
            price=override.price or self.price,
            quantity=override.quantity or self.quantity,
        )


def bot_validation_settings(validation: dict[str, typing.Any], bot_file: str) -> ValidationSettings:
    """A bot's ``[validation]`` table, typed; ConfigError naming the bot file and key.
    What the worker uses and what `clerk check` checks."""
    from pathlib import Path

    from clerk.config import config_error_from

    try:
        return ValidationSettings(**validation)
    except ValidationError as exc:
        raise config_error_from(exc, Path(bot_file), ("validation",)) from None
