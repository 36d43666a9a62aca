"""The ErpConnector seam: what clerk needs from a system of record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from clerk.models.invoice import Invoice


class PostingState(str, Enum):
    """How far the connector takes a record in the ERP (bot config decides)."""

    DRAFT = "draft"
    VALIDATED = "validated"
    POSTED = "posted"


class ErpRef(BaseModel):
    """A record in the ERP: enough to find it again and show it to people."""

    model_config = ConfigDict(frozen=True)

    erp: str                          # "tryton"
    model: str                        # "account.invoice"
    id: int
    number: str | None = None         # the ERP's own number once posted
    state: str | None = None          # the ERP's state word ("draft", "posted" ...)
    idempotency_key: str


class Supplier(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    tax_id: str | None = None
    ibans: tuple[str, ...] = ()
    active: bool = True


class PurchaseOrderLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    product_code: str | None
    description: str
    quantity: Decimal
    received_quantity: Decimal
    invoiced_quantity: Decimal
    unit: str | None
    unit_price: Decimal


class PurchaseOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    number: str
    supplier_id: int
    currency: str
    state: str                        # ERP state word; "open" means it can be invoiced
    is_open: bool
    order_date: date | None
    lines: tuple[PurchaseOrderLine, ...]


class OpenInvoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    supplier_reference: str | None    # the supplier's own invoice number
    number: str | None
    state: str
    total: Decimal
    currency: str
    invoice_date: date | None
    idempotency_key: str | None = None   # the clerk key it was posted with, if any


@runtime_checkable
class ErpConnector(Protocol):
    """A system of record clerk can post to.

    Exactly-once rests on ``find``: the connector writes ``idempotency_key``
    into the ERP record it creates (a reference field, an external id), and
    ``find`` must see records in every state, drafts included.

    Errors: ``ErpUnavailable`` (retry), ``ErpValidationError`` (the ERP's own
    message, for review), ``ErpAuthError`` (stop the run).
    """

    name: str

    def find(self, idempotency_key: str) -> ErpRef | None: ...

    def create(self, record: Invoice, idempotency_key: str,
               state: PostingState = PostingState.DRAFT) -> ErpRef: ...

    def post_many(self, refs: list[ErpRef]) -> list[ErpRef | Exception]:
        """Take many drafts to the final state in as few ERP calls as possible;
        one result per ref, in order: the updated ref or the error for that ref."""
        ...

    def find_many(self, keys: list[str]) -> dict[str, ErpRef]:
        """``find`` for many keys in one ERP call."""
        ...

    def create_drafts(self, items: list[tuple[Invoice, str]]) -> list[ErpRef | Exception]:
        """Drafts for many (record, key) pairs in as few ERP calls as possible; one
        result per pair (its draft or its error). Callers ``find_many`` first."""
        ...

    def validate_many(self, refs: list[ErpRef]) -> list[ErpRef | Exception]:
        """Take drafts to the checked-but-unnumbered state the ERP has, if any."""
        ...

    def find_supplier(self, *, tax_id: str | None = None, name: str | None = None,
                      iban: str | None = None) -> Supplier | None: ...

    def get_purchase_order(self, number: str) -> PurchaseOrder | None: ...

    def open_invoices(self, supplier_id: int) -> list[OpenInvoice]: ...
