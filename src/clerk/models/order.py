"""A supplier's order confirmation (CSV/XLSX): what they will deliver, at what price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class OrderConfirmationLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_code: str
    description: str | None = None
    quantity: Decimal
    unit_price: Decimal                    # net, per unit, in the document currency
    delivery_date: date | None = None


class OrderConfirmation(BaseModel):
    """One confirmation of one of our purchase orders (``order_number`` is our PO)."""

    model_config = ConfigDict(frozen=True)

    supplier: str                          # name or code as the supplier gives it
    order_number: str                      # our purchase order number
    confirmation_number: str               # the supplier's own reference
    date: date
    currency: str = Field(min_length=3, max_length=3)
    lines: tuple[OrderConfirmationLine, ...] = ()

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()

    @property
    def total(self) -> Decimal:
        """Sum of quantity x unit price (not rounded: the caller decides how)."""
        return sum((line.quantity * line.unit_price for line in self.lines), Decimal("0"))
