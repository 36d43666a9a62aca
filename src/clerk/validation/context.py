"""What a rule may consult besides the record: settings, the ERP, the queue.

ERP look-ups go through ``ErpLookups``, a per-run cache in front of the
connector: a thousand invoices from three suppliers cost three supplier
look-ups, not a thousand. Build one context per run and derive a per-item
view with ``for_item``; the cache is shared between the views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from clerk.erp.base import ErpConnector, OpenInvoice, PurchaseOrder, Supplier
from clerk.models.invoice import Invoice
from clerk.validation.settings import EffectiveSettings, ValidationSettings, normalise_tax_id

QueueDuplicates = Callable[[str, str], list[int]]
"""``(seller_tax_id, number) -> ids of work items already holding that invoice``."""

_MISSING = object()


class ErpLookups:
    """The look-ups rules need, cached for one run (misses are cached too).

    Errors are not cached: an ``ErpUnavailable`` propagates to the caller and
    the next call asks the ERP again.
    """

    def __init__(self, connector: ErpConnector):
        self.connector = connector
        self._cache: dict[tuple[Any, ...], Any] = {}
        self.erp_calls = 0

    def _cached(self, key: tuple[Any, ...], ask: Callable[[], Any]) -> Any:
        hit = self._cache.get(key, _MISSING)
        if hit is _MISSING:
            self.erp_calls += 1
            hit = ask()
            self._cache[key] = hit
        return hit

    def supplier_by_tax_id(self, tax_id: str) -> Supplier | None:
        return self._cached(("supplier.tax_id", tax_id),
                            lambda: self.connector.find_supplier(tax_id=tax_id))

    def supplier_by_name(self, name: str) -> Supplier | None:
        return self._cached(("supplier.name", name),
                            lambda: self.connector.find_supplier(name=name))

    def purchase_order(self, number: str) -> PurchaseOrder | None:
        return self._cached(("purchase_order", number),
                            lambda: self.connector.get_purchase_order(number))

    def open_invoices(self, supplier_id: int) -> list[OpenInvoice]:
        return self._cached(("open_invoices", supplier_id),
                            lambda: list(self.connector.open_invoices(supplier_id)))


@dataclass(frozen=True)
class SupplierMatch:
    """The ERP supplier an invoice's seller resolved to, and how."""

    supplier: Supplier
    matched_by: str                   # "tax_id" | "name"


@dataclass(frozen=True)
class ValidationContext:
    """Everything a rule may use besides the record.

    ``erp`` and ``queue_duplicates`` are optional: a bot without an ERP or a
    replay without a queue simply skips the look-up rules' ERP part.
    ``item_id`` is the work item being validated (excluded from the queue
    duplicate check); ``erp_id`` is the ERP record this item was already posted
    as, if any (excluded from the ERP duplicate check, which matters on replay).
    """

    settings: ValidationSettings = field(default_factory=ValidationSettings)
    erp: ErpLookups | None = None
    queue_duplicates: QueueDuplicates | None = None
    item_id: int | None = None
    erp_id: int | None = None
    # The item's idempotency key: an ERP record carrying it is the item's own.
    idempotency_key: str | None = None
    # Shared by every per-item view of the run (``replace`` copies the reference).
    _effective: dict[str | None, EffectiveSettings] = field(
        default_factory=dict, repr=False, compare=False)

    @classmethod
    def for_run(cls, settings: ValidationSettings, connector: ErpConnector | None = None,
                queue_duplicates: QueueDuplicates | None = None) -> ValidationContext:
        """One context per run: a fresh look-up cache in front of ``connector``."""
        lookups = ErpLookups(connector) if connector is not None else None
        return cls(settings=settings, erp=lookups, queue_duplicates=queue_duplicates)

    def for_item(self, item_id: int | None, erp_id: int | None = None,
                 idempotency_key: str | None = None) -> ValidationContext:
        """The same run (same cache) seen from one work item."""
        return replace(self, item_id=item_id, erp_id=erp_id, idempotency_key=idempotency_key)

    def settings_for(self, invoice: Invoice) -> EffectiveSettings:
        """The settings for the invoice's supplier, overrides merged in."""
        tax_id = invoice.seller.tax_id
        effective = self._effective.get(tax_id)
        if effective is None:
            effective = self._effective[tax_id] = self.settings.for_supplier(tax_id)
        return effective

    def supplier_of(self, invoice: Invoice) -> SupplierMatch | None:
        """The ERP supplier of the invoice's seller: by tax id, then by name."""
        if self.erp is None:
            return None
        tax_id = normalise_tax_id(invoice.seller.tax_id)
        if tax_id is not None:
            found = self.erp.supplier_by_tax_id(tax_id)
            if found is not None:
                return SupplierMatch(found, "tax_id")
        name = invoice.seller.name.strip()
        if self.settings.match_supplier_by_name and name:
            found = self.erp.supplier_by_name(name)
            if found is not None:
                return SupplierMatch(found, "name")
        return None
