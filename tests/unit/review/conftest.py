"""Review fixtures: the people tables emptied for each test (the shared store
fixture only truncates the queue's tables), users and items in any state."""

from __future__ import annotations

from decimal import Decimal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete

from clerk.audit.events import AuditLog
from clerk.queue import ItemState
from clerk.review.tables import PEOPLE_TABLES, metadata
from clerk.review.users import UserDirectory
from clerk.testing import demo_invoice

PASSWORD = "correct horse battery"
# argon2 with the smallest cost: the tests check the flow, not the hash strength.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def directory(store, clock):  # noqa: ANN001, ANN201
    with store.write() as conn:
        for name in PEOPLE_TABLES:
            conn.execute(delete(metadata.tables[name]))
    return UserDirectory(store, AuditLog(), FAST_HASHER)


@pytest.fixture
def people(directory, clock):  # noqa: ANN001, ANN201
    """Users: rita (reviewer), rob (reviewer), dana (department head), fin1/fin2
    (finance group), amy (away approver), del (her delegate), audrey (auditor)."""
    spec = {"rita": (["reviewer"], []), "rob": (["reviewer"], []),
            "dana": (["approver"], ["heads"]), "fin1": (["approver"], ["finance"]),
            "fin2": (["approver"], ["finance"]), "amy": (["approver"], []),
            "del": (["approver"], []), "audrey": (["auditor"], []), "ops": (["operator"], []),
            "root": (["admin"], [])}
    return {name: directory.add(name, PASSWORD, roles, groups=groups, now=clock(), actor="test",
                                email=f"{name}@example.test")
            for name, (roles, groups) in spec.items()}


def invoice(gross_lines=(("PAPER-A4", "10", "4.20"),), supplier="ACME", number="INV-1", **kw):  # noqa: ANN001, ANN201
    return demo_invoice(supplier, number, list(gross_lines), **kw)


def item_in(queue, state: ItemState, record=None, key="doc-1", findings=None,  # noqa: ANN001, ANN201
            reason_code=None, bot="invoices"):
    """An item moved to ``state`` the way workers move it."""
    record = record or invoice()
    item_id = queue.enqueue(bot, key, {"kind": "email", "filename": "a.pdf"}).item_id
    (lease,) = queue.lease("w1")
    lease = queue.advance(lease, ItemState.EXTRACTED, record=record.model_dump(mode="json"))
    if state == ItemState.EXTRACTED:
        queue.release(lease)
        return item_id
    if state == ItemState.NEEDS_REVIEW:
        queue.advance(lease, ItemState.NEEDS_REVIEW, findings=findings or [],
                      reason_code=reason_code or "total_mismatch")
        return item_id
    lease = queue.advance(lease, ItemState.VALIDATED, findings=findings or [])
    return item_id, lease


BIG = (("PAPER-A4", "2000", "4.20"),)          # 8,400 net, 9,996 gross
SMALL = (("PAPER-A4", "10", "4.20"),)
Decimal  # noqa: B018 - re-exported for tests
