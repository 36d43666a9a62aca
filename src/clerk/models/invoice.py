"""Invoice and credit note, after the EN 16931 semantic model (the business terms
BT-/BG- of the European e-invoicing norm), reduced to what an ERP needs.

Records are frozen: a correction makes a new record (``model_copy(update=...)``
then re-validation), so what was extracted is never lost.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator

Money = Decimal


class DocumentType(str, Enum):
    INVOICE = "invoice"            # UNTDID 1001 code 380 and relatives
    CREDIT_NOTE = "credit_note"    # code 381


class Party(BaseModel):
    """Seller (BG-4) or buyer (BG-7)."""

    model_config = ConfigDict(frozen=True)

    name: str                                   # BT-27 / BT-44
    tax_id: str | None = None                   # BT-31 VAT identifier / BT-48
    tax_registration_id: str | None = None      # BT-32 tax number (not a VAT id)
    iban: str | None = None                     # BT-84 payment account (seller only)
    company_id: str | None = None               # BT-30 legal registration id
    country: str | None = None                  # BT-40 ISO 3166-1 alpha-2

    @field_validator("iban")
    @classmethod
    def _compact_iban(cls, value: str | None) -> str | None:
        return value.replace(" ", "").upper() if value else value


class LineAllowanceCharge(BaseModel):
    """BG-27 (line allowance) or BG-28 (line charge): already inside the line net amount."""

    model_config = ConfigDict(frozen=True)

    charge: bool = False                        # False: allowance (BG-27), True: charge (BG-28)
    amount: Money                               # BT-136 / BT-141
    base_amount: Money | None = None            # BT-137 / BT-142
    percent: Decimal | None = None              # BT-138 / BT-143
    reason: str | None = None                   # BT-139 / BT-144
    reason_code: str | None = None              # BT-140 / BT-145 (UNTDID 5189 / 7161)


class InvoiceLine(BaseModel):
    """BG-25.

    ``net_amount`` (BT-131) is quantity x net price minus the line allowances
    plus the line charges. ``sub_lines`` are XRechnung sub-invoice lines
    (informative detail of this line; not counted again in the totals).
    """

    model_config = ConfigDict(frozen=True)

    id: str                                     # BT-126
    description: str                            # BT-153 item name
    quantity: Decimal                           # BT-129
    unit: str | None = None                     # BT-130 UN/ECE rec 20 code
    unit_price: Money                           # BT-146 net price
    net_amount: Money                           # BT-131
    tax_category: str | None = None             # BT-151 (S, Z, E, AE, K, G, O, L, M)
    tax_rate: Decimal | None = None             # BT-152 percent
    order_line_ref: str | None = None           # BT-132
    product_code: str | None = None             # BT-155 seller's item id
    allowances: tuple[LineAllowanceCharge, ...] = ()   # BG-27
    charges: tuple[LineAllowanceCharge, ...] = ()      # BG-28
    sub_lines: tuple[InvoiceLine, ...] = ()     # XRechnung BG-DEX-01 sub invoice lines

    @property
    def adjustments(self) -> Money:
        """Line charges minus line allowances (what BT-131 adds to quantity x price)."""
        return (sum((charge.amount for charge in self.charges), Decimal("0"))
                - sum((allowance.amount for allowance in self.allowances), Decimal("0")))


class TaxSubtotal(BaseModel):
    """BG-23."""

    model_config = ConfigDict(frozen=True)

    category: str                               # BT-118
    rate: Decimal | None = None                 # BT-119
    taxable_amount: Money                       # BT-116
    tax_amount: Money                           # BT-117


class Totals(BaseModel):
    """BG-22."""

    model_config = ConfigDict(frozen=True)

    line_net: Money | None = None               # BT-106 sum of line net amounts
    allowances: Money = Decimal("0")            # BT-107 document level
    charges: Money = Decimal("0")               # BT-108
    net: Money                                  # BT-109 total without VAT
    tax: Money | None = None                    # BT-110; None: the invoice states no tax total
    gross: Money                                # BT-112 total with VAT
    prepaid: Money = Decimal("0")               # BT-113
    rounding: Money = Decimal("0")              # BT-114
    payable: Money                              # BT-115


class Invoice(BaseModel):
    """A supplier invoice or credit note as clerk hands it to the ERP."""

    model_config = ConfigDict(frozen=True)

    number: str                                 # BT-1
    type: DocumentType = DocumentType.INVOICE   # BT-3
    issue_date: date                            # BT-2
    due_date: date | None = None                # BT-9
    currency: str = Field(min_length=3, max_length=3)  # BT-5
    seller: Party
    buyer: Party | None = None
    buyer_reference: str | None = None          # BT-10
    order_reference: str | None = None          # BT-13 purchase order number
    lines: tuple[InvoiceLine, ...] = ()
    tax_breakdown: tuple[TaxSubtotal, ...] = ()
    totals: Totals
    note: str | None = None                     # BT-22

    @field_validator("currency")
    @classmethod
    def _upper_currency(cls, value: str) -> str:
        return value.upper()
