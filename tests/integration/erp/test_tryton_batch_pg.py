"""Batch posting against Tryton on PostgreSQL, where posting really serializes on
the strict invoice sequence: 4 threads create 200 drafts, a BatchPoster posts
them; one unpostable draft among them is isolated with Tryton's message."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest

from clerk.erp.base import ErpRef
from clerk.erp.batch import BatchPoster, BatchSettings
from clerk.erp.tryton import TrytonConnector
from clerk.errors import ErpValidationError
from tests.integration.erp.conformance import post_exactly_once
from tests.integration.erp.invoices import acme_paper_invoice, unpostable_invoice

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DRAFTS = 200
THREADS = 4


def test_200_drafts_from_4_threads_posted_in_batches(tryton_pg_server):
    settings = BatchSettings(size=50, max_wait=1.0)
    connector = TrytonConnector(tryton_pg_server.settings(timeout=120), batch=settings).login()
    prefix = f"pg-{uuid.uuid4().hex[:8]}-"
    work = [(f"{prefix}{i:03d}", acme_paper_invoice(f"PG-{i:03d}-{prefix}",
                                                    order_reference=None))
            for i in range(DRAFTS)]
    bad_key = f"{prefix}bad"
    work.insert(137, (bad_key, unpostable_invoice(f"PG-BAD-{prefix}")))
    futures: dict[str, object] = {}
    errors: list[BaseException] = []

    with BatchPoster(connector, settings) as poster:
        def create_share(share):
            try:
                for key, invoice in share:
                    futures[key] = poster.submit(post_exactly_once(connector, invoice, key))
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)
        threads = [threading.Thread(target=create_share, args=(work[i::THREADS],))
                   for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors, errors
    results = {key: future.result(timeout=300) for key, future in futures.items()}

    refused = results.pop(bad_key)
    assert isinstance(refused, ErpValidationError)
    assert "create a period" in refused.message
    assert all(isinstance(r, ErpRef) and r.state == "posted" for r in results.values())
    assert len(results) == DRAFTS

    rows = connector.rpc.call("model.account.invoice.search_read",
                              [("description", "like", f"clerk:{prefix}%")], 0, None, None,
                              ["description", "state", "number"])
    per_key = Counter(row["description"] for row in rows)
    assert len(per_key) == DRAFTS + 1 and set(per_key.values()) == {1}
    posted = connector.rpc.call("model.account.invoice.search_read",
                                [("state", "=", "posted"), ("type", "=", "in")], 0, None,
                                None, ["number"])
    numbers = sorted(int(row["number"]) for row in posted)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))   # gapless
    assert {r.number for r in results.values()} <= {str(n) for n in numbers}
    connector.close()
