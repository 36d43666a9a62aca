"""Four worker processes post 200 invoices in batches to a PostgreSQL-backed
Tryton through the queue: each key once, gapless numbers, and the one bad
invoice of a batch goes to review with Tryton's message."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from clerk.store.schema import work_items
from tests.helpers.projects import (
    enqueue_invoices, env_for, invoices_with_key, make_project, open_test_project,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
COUNT = int(__import__("os").environ.get("CLERK_TEST_BATCH_COUNT", "200"))


def test_four_workers_post_200_in_batches(tmp_path, tryton_pg_server, pg_database_url):
    from clerk.erp.tryton import TrytonConnector
    from tests.fixtures.store import _empty_postgres

    _empty_postgres(pg_database_url)
    root = make_project(tmp_path, tryton_pg_server, pg_database_url, batch_size=25)
    project = open_test_project(root)
    good = enqueue_invoices(project, [f"B-{n:03d}" for n in range(COUNT)])
    [bad] = enqueue_invoices(project, ["B-BAD"], issue_date=date(2031, 3, 1))
    env = {**env_for(root), "CLERK_WORKER__LEASE_BATCH": "25"}
    workers = [subprocess.Popen([sys.executable, "-m", "clerk", "worker", "-C", str(root), "--drain",
                                 *(["--no-seal"] if n else [])], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for n in range(4)]
    outputs = [_finish(w, 420) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    with project.store.read() as conn:
        states = dict(conn.execute(select(work_items.c.state, func.count())
                                   .group_by(work_items.c.state)).all())
    assert states == {"posted": COUNT, "needs_review": 1}, (states, outputs)
    bad_row = project.queue.get(bad)
    assert bad_row["reason_code"] == "erp_rejected" and "create a period" in bad_row["last_error"]
    connector = TrytonConnector(tryton_pg_server.settings()).login()
    numbers = []
    for item_id in good:
        found = invoices_with_key(connector, project.queue.get(item_id)["idempotency_key"])
        assert len(found) == 1 and found[0]["state"] == "posted", found
        numbers.append(int(re.sub(r"\D", "", found[0]["number"])))
    connector.close()
    numbers.sort()
    assert numbers == list(range(numbers[0], numbers[0] + COUNT)), "numbering has gaps"


def _finish(worker: subprocess.Popen, timeout: float) -> str:
    try:
        return worker.communicate(timeout=timeout)[0].decode()
    except subprocess.TimeoutExpired:
        worker.kill()
        output = worker.communicate()[0].decode()
        raise AssertionError(f"worker did not finish:\n{output[-3000:]}") from None
