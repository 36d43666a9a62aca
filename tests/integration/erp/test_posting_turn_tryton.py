"""The posting turn against a real Tryton on SQLite, whose strict sequence has
no row lock: a poster SIGKILLed while its posting call runs must not let the
next poster start beside that call (two invoices would get one number)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter

import pytest

from clerk.erp.posting_turn import PostingTurns
from clerk.store import open_store
from tests.integration.erp.invoices import acme_paper_invoice

pytestmark = pytest.mark.integration

N = 20

_DYING_POSTER = textwrap.dedent("""
    import json, os, sys
    from pydantic import SecretStr
    from clerk.erp.posting_turn import PostingTurns
    from clerk.erp.tryton import TrytonConnector, TrytonSettings
    from clerk.store import open_store

    job = json.loads(os.environ["JOB"])
    settings = TrytonSettings(url=job["url"], database=job["database"], user=job["user"],
                              password=SecretStr(job["password"]), timeout=60)
    connector = TrytonConnector(settings).login()
    turns = PostingTurns(open_store(job["store"]), job["erp"], window_seconds=120)
    with turns.turn("dying-poster", job["keys"], lambda keys: False):
        print("posting", flush=True)
        connector.post_ids(job["ids"])      # SIGKILLed while this call runs in the ERP
    print("posted", flush=True)
""")


def _drafts(connector, count: int) -> list:
    prefix = uuid.uuid4().hex[:8]
    made = connector.create_drafts([(acme_paper_invoice(f"TURN-{prefix}-{i}"), f"turn-{prefix}-{i}")
                                    for i in range(count)])
    assert all(not isinstance(ref, BaseException) for ref in made), made
    return made


def test_a_killed_posters_call_is_waited_out(tryton_server, tryton_connector, tmp_path):
    store_url = f"sqlite:///{tmp_path / 'clerk.db'}"
    store = open_store(store_url)
    erp = f"{tryton_server.url}/{tryton_server.database}"
    first, second = _drafts(tryton_connector, N), _drafts(tryton_connector, N)
    job = {"url": tryton_server.url, "database": tryton_server.database,
           "user": tryton_server.user, "password": tryton_server.password.get_secret_value(),
           "store": store_url, "erp": erp, "ids": [ref.id for ref in first],
           "keys": [ref.idempotency_key for ref in first]}
    child = subprocess.Popen([sys.executable, "-c", _DYING_POSTER], stdout=subprocess.PIPE,
                             env={**os.environ, "JOB": json.dumps(job)}, text=True)
    assert child.stdout.readline().strip() == "posting"
    time.sleep(0.1)                         # the call is in the ERP now (it takes seconds)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    def settled(keys):
        found = tryton_connector.find_many(keys)
        return all(ref.state != "draft" for ref in found.values())

    turns = PostingTurns(store, erp, window_seconds=120, poll_seconds=0.05)
    with turns.turn("successor", [ref.idempotency_key for ref in second], settled) as turn:
        assert turn.reconcile                # it knows a call may have run before it
        assert settled(job["keys"])          # ... and did not start before that call ended
        tryton_connector.post_ids([ref.id for ref in second])

    refs = tryton_connector.refresh(first + second)
    assert {ref.state for ref in refs} == {"posted"}
    numbers = Counter(ref.number for ref in refs)
    assert [n for n, count in numbers.items() if count > 1] == []
    store.dispose()
