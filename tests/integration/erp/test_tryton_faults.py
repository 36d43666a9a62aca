"""Exactly-once against a real trytond when responses get lost and the server
goes away: the caller's find-before-create retry never makes a second invoice."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit

import pytest

from clerk.erp.batch import BatchSettings
from clerk.erp.tryton import TrytonConnector
from clerk.errors import ErpUnavailable
from tests.fixtures.fault_proxy import FaultProxy
from tests.integration.erp.conformance import post_exactly_once
from tests.integration.erp.invoices import acme_paper_invoice

pytestmark = pytest.mark.integration

TRIALS = int(os.environ.get("CLERK_LOST_RESPONSE_TRIALS", "200"))


def keys_by_prefix(connector, prefix: str) -> Counter:
    rows = connector.rpc.call("model.account.invoice.search_read",
                              [("description", "like", f"clerk:{prefix}%")], 0, None, None,
                              ["description"])
    return Counter(row["description"].removeprefix("clerk:") for row in rows)


@pytest.fixture
def proxied_connector(tryton_server):
    upstream = urlsplit(tryton_server.url)
    proxy = FaultProxy(upstream.hostname, upstream.port).start()
    connector = TrytonConnector(tryton_server.settings(url=proxy.url, timeout=10),
                                batch=BatchSettings(attempts=1)).login()
    yield proxy, connector
    connector.rpc.close()
    proxy.stop()


def test_lost_responses_leave_exactly_one_invoice_per_key(proxied_connector):
    proxy, connector = proxied_connector
    prefix = f"lost-{uuid.uuid4().hex[:8]}-"
    rng = random.Random(20261126)
    creates = lambda request: b'"model.account.invoice.create"' in request
    finds = lambda request: b'"model.account.invoice.search_read"' in request
    invoice = acme_paper_invoice("LOST-1", order_reference=None)
    started = time.monotonic()
    for trial in range(TRIALS):
        proxy.clear()
        if rng.random() < 0.6:
            proxy.drop_when(creates)           # the ERP commits, the answer is lost
        if rng.random() < 0.2:
            proxy.drop_when(finds)             # the look-up itself is lost too
        key = f"{prefix}{trial:03d}"
        ref = post_exactly_once(connector, invoice.model_copy(
            update={"number": f"LOST-{key[-12:]}"}), key)
        assert ref.idempotency_key == key
    elapsed = time.monotonic() - started
    proxy.clear()
    counts = keys_by_prefix(connector, prefix)
    assert len(counts) == TRIALS
    assert set(counts.values()) == {1}, [k for k, n in counts.items() if n != 1]
    assert proxy.dropped >= TRIALS // 2
    print(f"{TRIALS} trials, {proxy.dropped} responses lost, {elapsed:.1f} s")


def test_server_stopped_mid_run_then_restarted(tryton_server, tryton_connector):
    prefix = f"restart-{uuid.uuid4().hex[:8]}-"
    invoice = acme_paper_invoice("RS-1", order_reference=None)
    keys = [f"{prefix}{i:02d}" for i in range(10)]
    for key in keys[:4]:
        post_exactly_once(tryton_connector, invoice.model_copy(
            update={"number": key[-12:]}), key)
    tryton_server.stop()
    try:
        with pytest.raises(ErpUnavailable):
            tryton_connector.find(keys[4])
        with pytest.raises(ErpUnavailable):
            tryton_connector.create(invoice, keys[4])
    finally:
        tryton_server.start()
    for key in keys[4:]:
        post_exactly_once(tryton_connector, invoice.model_copy(
            update={"number": key[-12:]}), key)
    counts = keys_by_prefix(tryton_connector, prefix)
    assert sorted(counts) == keys and set(counts.values()) == {1}
