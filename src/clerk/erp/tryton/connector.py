"""TrytonConnector: clerk's ErpConnector over Tryton's JSON-RPC API.

Where the idempotency key lives: in the supplier invoice's ``description``, as
``clerk:<key>``. ``reference`` is taken by the supplier's invoice number (Tryton
uses it for its similar-invoice warning and people search by it); the
``description`` is a plain Char field every invoice has, with no business logic
attached in Tryton, searchable exactly over RPC, shown in the invoice list so
people can see which clerk item made the invoice, and present in every state,
drafts included. The prefix keeps clerk's keys apart from what people type.
"""

from __future__ import annotations

import logging

from clerk.erp import ErpWarning
from clerk.erp.base import (
    ErpRef,
    OpenInvoice,
    PostingState,
    PurchaseOrder,
    Supplier,
)
from clerk.erp.batch import BatchSettings, post_in_batches
from clerk.erp.tryton._invoice_values import KEY_PREFIX, invoice_values, key_description
from clerk.erp.tryton._lookups import TrytonLookups, search_read
from clerk.erp.tryton.rpc import TrytonRpc
from clerk.erp.tryton.settings import TrytonSettings
from clerk.errors import ErpValidationError
from clerk.models.invoice import Invoice

log = logging.getLogger(__name__)

INVOICE = "account.invoice"
_REF_FIELDS = ["number", "state", "description"]


class TrytonConnector:
    """Posts supplier invoices to Tryton and answers the look-ups rules need.

    Thread-safe: one session shared by all threads, renewed when it expires.
    """

    name = "tryton"

    def __init__(self, settings: TrytonSettings, batch: BatchSettings | None = None,
                 rpc: TrytonRpc | None = None):
        self.settings = settings
        self.batch = batch or BatchSettings()
        self.rpc = rpc or TrytonRpc(settings)
        self.lookups = TrytonLookups(self.rpc)

    def login(self) -> TrytonConnector:
        """Log in now (otherwise the first call does); ErpAuthError if refused."""
        self.rpc.login()
        return self

    def close(self) -> None:
        self.rpc.logout()
        self.rpc.close()

    def __enter__(self) -> TrytonConnector:
        return self.login()

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- exactly-once --------------------------------------------------------
    def find(self, idempotency_key: str) -> ErpRef | None:
        """The invoice carrying this key, in any state (drafts included)."""
        rows = search_read(self.rpc, INVOICE,
                           [("description", "=", key_description(idempotency_key))],
                           _REF_FIELDS, order=[("id", "ASC")])
        if len(rows) > 1:
            log.error("%d ERP invoices carry idempotency key %s; using the first (id %d)",
                      len(rows), idempotency_key, rows[0]["id"])
        return self._ref(rows[0]) if rows else None

    def find_many(self, keys: list[str]) -> dict[str, ErpRef]:
        """The invoices carrying any of ``keys``, in one search (drafts included)."""
        if not keys:
            return {}
        rows = search_read(self.rpc, INVOICE,
                           [("description", "in", [key_description(key) for key in keys])],
                           _REF_FIELDS, order=[("id", "ASC")])
        found: dict[str, ErpRef] = {}
        for row in rows:
            ref = self._ref(row)
            found.setdefault(ref.idempotency_key, ref)   # the first, as ``find`` does
        return found

    def create_drafts(self, items: list[tuple[Invoice, str]]) -> list[ErpRef | Exception]:
        """Drafts for many (invoice, key) pairs in one ERP call; callers ``find``
        first. If the ERP refuses the call, each is created alone so only the
        culprit fails: one result per pair, the draft or that pair's error."""
        values, results = [], []
        parties = _CallMemo()   # a batch is mostly a few suppliers: look each up once
        for record, key in items:
            try:
                values.append(self._draft_values(record, key, parties))
            except ErpValidationError as error:
                values.append(error)
        ready = [(index, v) for index, v in enumerate(values) if not isinstance(v, Exception)]
        try:
            ids = self.rpc.call(f"model.{INVOICE}.create", [v for _, v in ready]) if ready else []
        except ErpValidationError:
            return [self._create_alone(record, key) for record, key in items]
        created = dict(zip((index for index, _ in ready), ids, strict=True))
        for index, (_, key) in enumerate(items):
            if index in created:
                results.append(ErpRef(erp=self.name, model=INVOICE, id=created[index],
                                      state="draft", idempotency_key=key))
            else:
                results.append(values[index])
        return results

    def _create_alone(self, record: Invoice, key: str) -> ErpRef | Exception:
        try:
            return self.create(record, key, PostingState.DRAFT)
        except (ErpValidationError, ErpWarning) as error:
            return error

    def _draft_values(self, record: Invoice, idempotency_key: str,
                      memo: _CallMemo | None = None) -> dict:
        memo = memo or _CallMemo()
        seller = record.seller
        supplier = memo.get(("supplier", seller.tax_id, seller.iban, seller.name),
                            lambda: self.find_supplier(tax_id=seller.tax_id, iban=seller.iban,
                                                       name=seller.name))
        if supplier is None:
            raise ErpValidationError(f"supplier {seller.name!r} is not known to the ERP",
                                     field="seller")
        order = (memo.get(("order", record.order_reference),
                          lambda: self.get_purchase_order(record.order_reference))
                 if record.order_reference else None)
        if order is not None and order.supplier_id != supplier.id:
            order = None  # another supplier's order: never link lines to it
        return invoice_values(record, idempotency_key, supplier.id, self.lookups, order)

    def create(self, record: Invoice, idempotency_key: str,
               state: PostingState = PostingState.DRAFT) -> ErpRef:
        """Create the supplier invoice and take it to ``state``.

        Does not look for an existing one first: callers ``find`` before
        ``create``. If taking it further fails, the draft stays in the ERP
        (``find`` returns it) and the error says why: ErpValidationError with
        Tryton's message, or ErpWarning (its ``ref`` is the draft).
        """
        values = self._draft_values(record, idempotency_key)
        invoice_id, = self.rpc.call(f"model.{INVOICE}.create", [values])
        ref = ErpRef(erp=self.name, model=INVOICE, id=invoice_id, state="draft",
                     idempotency_key=idempotency_key)
        if state == PostingState.DRAFT:
            return ref
        button = "validate_invoice" if state == PostingState.VALIDATED else "post"
        try:
            self.rpc.call(f"model.{INVOICE}.{button}", [invoice_id])
        except ErpWarning as warning:
            raise warning.with_ref(ref) from None
        return self.refresh([ref])[0]

    # -- batch posting ---------------------------------------------------------
    def post_many(self, refs: list[ErpRef]) -> list[ErpRef | Exception]:
        """Post many drafts, ``batch.size`` per ERP call, bisecting refused batches;
        see ``clerk.erp.batch.post_in_batches``."""
        return post_in_batches(self, refs, self.batch)

    def validate_many(self, refs: list[ErpRef]) -> list[ErpRef | Exception]:
        """Take drafts to Tryton's ``validated`` state (checked and numbered, not posted):
        one result per ref, the updated ref or the error for that ref."""
        results: list[ErpRef | Exception] = []
        for ref in refs:
            try:
                self.rpc.call(f"model.{INVOICE}.validate_invoice", [ref.id])
                results.append(self.refresh([ref])[0])
            except (ErpWarning, ErpValidationError) as error:
                results.append(error)
        return results

    def post_ids(self, ids: list[int]) -> None:
        """One ERP transaction posting all ``ids``; all or nothing."""
        self.rpc.call(f"model.{INVOICE}.post", ids)

    def refresh(self, refs: list[ErpRef]) -> list[ErpRef]:
        """The refs with the ERP's current number and state (same order)."""
        if not refs:
            return []
        rows = self.rpc.call(f"model.{INVOICE}.read", [ref.id for ref in refs], _REF_FIELDS)
        by_id = {row["id"]: row for row in rows}
        return [ref.model_copy(update={"number": by_id[ref.id]["number"],
                                       "state": by_id[ref.id]["state"]})
                if ref.id in by_id else ref for ref in refs]

    def skip_warning(self, name: str) -> None:
        """Let the ERP accept the named warning once, after a person decided so."""
        self.rpc.call("model.res.user.warning.skip", name, False)

    # -- look-ups --------------------------------------------------------------
    def find_supplier(self, *, tax_id: str | None = None, name: str | None = None,
                      iban: str | None = None) -> Supplier | None:
        return self.lookups.find_supplier(tax_id=tax_id, name=name, iban=iban)

    def get_purchase_order(self, number: str) -> PurchaseOrder | None:
        return self.lookups.purchase_order(number)

    def open_invoices(self, supplier_id: int) -> list[OpenInvoice]:
        return self.lookups.open_invoices(supplier_id)

    def _ref(self, row: dict) -> ErpRef:
        key = (row.get("description") or "").removeprefix(KEY_PREFIX)
        return ErpRef(erp=self.name, model=INVOICE, id=row["id"], number=row["number"],
                      state=row["state"], idempotency_key=key)


class _CallMemo:
    """Answers of look-ups within one connector call. Suppliers and orders change
    in the ERP, so nothing outlives the call; inside it, the same question gets
    the same answer without another round trip."""

    def __init__(self) -> None:
        self._answers: dict[tuple, object] = {}

    def get(self, question: tuple, look_up):  # noqa: ANN001, ANN201
        if question not in self._answers:
            self._answers[question] = look_up()
        return self._answers[question]
