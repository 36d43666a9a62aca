"""Two concurrent enqueues of one key, one inside a transaction that rolls
back: exactly one live item every round, never zero, never two."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from clerk.queue import WorkQueue
from clerk.store.schema import work_items

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROUNDS = 1000


class _Rollback(Exception):
    pass


def _round(queue: WorkQueue, key: str) -> None:
    start = threading.Barrier(2)
    b_inserting = threading.Event()
    errors: list[BaseException] = []

    def rolled_back() -> None:
        start.wait()
        try:
            with queue.store.write() as conn:
                queue.enqueue("ap", key, {"by": "a"}, conn=conn)
                if not queue.store.is_sqlite:
                    # Keep the uncommitted row while B tries to insert the same key.
                    b_inserting.wait(timeout=1)
                raise _Rollback
        except _Rollback:
            pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def committed() -> None:
        start.wait()
        b_inserting.set()
        try:
            queue.enqueue("ap", key, {"by": "b"})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=rolled_back), threading.Thread(target=committed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_unique_key_survives_a_rolled_back_concurrent_enqueue(store):
    queue = WorkQueue(store)
    for number in range(ROUNDS):
        _round(queue, f"race-{number}")
    with store.read() as conn:
        per_key = dict(conn.execute(select(work_items.c.document_key, func.count())
                                    .where(work_items.c.superseded_by.is_(None))
                                    .group_by(work_items.c.document_key)).all())
        payloads = list(conn.scalars(select(work_items.c.payload)))
    assert len(per_key) == ROUNDS, "a round ended with no live item"
    assert set(per_key.values()) == {1}, "a round ended with two live items"
    assert all(payload == {"by": "b"} for payload in payloads), "a rolled-back insert survived"
