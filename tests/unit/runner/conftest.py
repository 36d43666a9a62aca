import pytest
from sqlalchemy import delete

from clerk.runner.tables import run_requests, runs


@pytest.fixture
def clean_store(store):  # noqa: ANN001, ANN201
    """The shared store fixture empties clerk's core tables; these too."""
    with store.write() as conn:
        conn.execute(delete(run_requests))
        conn.execute(delete(runs))
    return store
