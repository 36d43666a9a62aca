from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from clerk.audit.events import AuditLog
from clerk.runner.requests import (
    RequestState, claim_request, finish_request, heartbeat, list_requests, request_run,
)
from clerk.runner.tables import run_requests

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
STALE = timedelta(minutes=2)


def ask(store, bot="invoices", due=T0, **kwargs):  # noqa: ANN001, ANN201
    return request_run(store, AuditLog(), bot, trigger="schedule", due_at=due,
                       requested_by="scheduler:a", now=due, **kwargs)


def test_one_request_per_bot_and_due_time(clean_store):
    first = ask(clean_store)
    assert first is not None
    assert ask(clean_store) is None  # a second scheduler, or a leader handing over
    assert ask(clean_store, due=T0 + timedelta(minutes=5)) is not None
    assert ask(clean_store, bot="orders") is not None
    assert len(list_requests(clean_store)) == 3


def test_max_instances_counts_queued_and_running_requests(clean_store):
    assert ask(clean_store, max_active=1) is not None
    assert ask(clean_store, due=T0 + timedelta(minutes=1), max_active=1) is None
    claimed = claim_request(clean_store, "w1", concurrency={"invoices": 1}, stale_after=STALE,
                            now=T0 + timedelta(minutes=1))
    finish_request(clean_store, claimed.id, "w1", run_id="r1", ok=True)
    assert ask(clean_store, due=T0 + timedelta(minutes=2), max_active=1) is not None


def test_claims_oldest_due_first_and_never_twice(clean_store):
    late = ask(clean_store, due=T0 + timedelta(minutes=1))
    early = ask(clean_store, due=T0)
    future = ask(clean_store, due=T0 + timedelta(hours=1))
    now = T0 + timedelta(minutes=2)
    got = [claim_request(clean_store, f"w{i}", concurrency={"invoices": 5}, stale_after=STALE,
                         now=now) for i in range(3)]
    assert [r.id if r else None for r in got] == [early, late, None]
    assert future not in [r.id for r in got if r]


def test_bot_concurrency_limits_runs_at_once(clean_store):
    ask(clean_store, due=T0)
    ask(clean_store, due=T0 + timedelta(seconds=1))
    now = T0 + timedelta(seconds=5)
    first = claim_request(clean_store, "w1", concurrency={"invoices": 1}, stale_after=STALE, now=now)
    assert first is not None
    assert claim_request(clean_store, "w2", concurrency={"invoices": 1}, stale_after=STALE,
                         now=now) is None
    assert claim_request(clean_store, "w2", concurrency={"invoices": 2}, stale_after=STALE,
                         now=now) is not None


def test_workers_only_claim_bots_they_know(clean_store):
    ask(clean_store, bot="orders")
    assert claim_request(clean_store, "w1", concurrency={"invoices": 1}, stale_after=STALE,
                         now=T0) is None
    assert claim_request(clean_store, "w1", concurrency={"orders": 1, "invoices": 1},
                         stale_after=STALE, now=T0, bots=["invoices"]) is None


def test_a_dead_workers_request_is_taken_over_and_fenced(clean_store):
    request_id = ask(clean_store)
    claim_request(clean_store, "dead", concurrency={"invoices": 1}, stale_after=STALE, now=T0)
    assert claim_request(clean_store, "w2", concurrency={"invoices": 1}, stale_after=STALE,
                         now=T0 + timedelta(minutes=1)) is None
    later = T0 + timedelta(minutes=3)
    taken = claim_request(clean_store, "w2", concurrency={"invoices": 1}, stale_after=STALE, now=later)
    assert taken.id == request_id
    assert heartbeat(clean_store, request_id, "dead") is False
    assert heartbeat(clean_store, request_id, "w2") is True
    finish_request(clean_store, request_id, "dead", run_id="ghost", ok=True)  # ignored
    finish_request(clean_store, request_id, "w2", run_id="r2", ok=False, error="boom")
    with clean_store.read() as conn:
        row = conn.execute(select(run_requests).where(run_requests.c.id == request_id)).one()
    assert (row.state, row.run_id, row.claimed_by, row.error) == (
        RequestState.FAILED.value, "r2", "w2", "boom")
