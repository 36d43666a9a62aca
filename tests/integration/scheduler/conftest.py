import time
from collections.abc import Callable

import pytest
from sqlalchemy import MetaData, delete

from clerk.runner.tables import SCHEDULE_JOBS_TABLE, run_requests, runs


def wait_for(condition: Callable[[], object], *, deadline: float = 20.0, every: float = 0.05,
             what: str = "condition") -> object:
    """Poll until ``condition()`` is truthy; fail after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"timed out after {deadline}s waiting for {what}")
        time.sleep(every)


@pytest.fixture
def clean_store(store):  # noqa: ANN001, ANN201
    from sqlalchemy import Table

    # APScheduler's own table: read its shape from the database, apart from clerk's schema.
    jobs = Table(SCHEDULE_JOBS_TABLE, MetaData(), autoload_with=store.engine)
    with store.write() as conn:
        conn.execute(delete(run_requests))
        conn.execute(delete(runs))
        conn.execute(delete(jobs))
    return store
