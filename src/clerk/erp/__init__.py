"""ERP connectors: the seam (``clerk.erp.base``), batch posting, and the typed
warning an ERP may raise that a person has to decide on.

Implementations live in sub-packages (``clerk.erp.tryton``) and are imported
from there, so importing ``clerk.erp`` never pulls in a connector's dependencies.
"""

from __future__ import annotations

from clerk.errors import ErpError


class ErpWarning(ErpError):
    """The ERP asks for a person's confirmation before it goes on (Tryton's
    ``UserWarning``, e.g. a similar supplier invoice already exists).

    Neither retried nor silenced by clerk: the caller routes it to review. After
    a person decided to go on, the connector's ``skip_warning(name)`` lets the
    ERP accept that one named warning once. ``ref`` is the draft that exists in
    the ERP when the warning came while posting it.
    """

    def __init__(self, name: str, message: str, ref: object | None = None):
        super().__init__(f"{message} [{name}]")
        self.name = name
        self.message = message
        self.ref = ref

    def with_ref(self, ref: object) -> ErpWarning:
        return ErpWarning(self.name, self.message, ref)


from clerk.erp.base import (
    ErpConnector,
    ErpRef,
    OpenInvoice,
    PostingState,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)

__all__ = ["ErpConnector", "ErpRef", "ErpWarning", "OpenInvoice", "PostingState",
           "PurchaseOrder", "PurchaseOrderLine", "Supplier"]
