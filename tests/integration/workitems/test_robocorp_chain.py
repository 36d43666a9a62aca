"""Robocorp producer and consumer robots, unchanged, chained through clerk's
queue under a real ``clerk run``: payloads, files, business and application
exceptions, output items, and a consumer killed with SIGKILL mid-item."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk.config import load_settings
from clerk.project import open_project
from clerk.store.schema import audit_events, work_items
from tests.integration.workitems.robocorp_robots import (CONSUMER_LIBRARY, PRODUCER_LIBRARY,
                                                          ROBOT)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ORDERS = [
    {"order": "PO-1", "lines": [{"article": "PAPER-A4", "quantity": 10},
                                {"article": "TONER-K", "quantity": 2}]},
    {"order": "PO-2", "lines": [{"article": "UNKNOWN", "quantity": 1}]},
    {"order": "PO-3", "lines": [{"article": "STAPLER", "quantity": 3, "flaky": True},
                                {"article": "PENS-BLUE", "quantity": 50},
                                {"article": "PAPER-A3", "quantity": 5}]},
]


def chain_project(root: Path, store_url: str) -> Path:
    files = {
        "keywords/order_producer.py": PRODUCER_LIBRARY,
        "keywords/line_consumer.py": CONSUMER_LIBRARY,
        "robots/producer.robot": ROBOT.format(library="order_producer", task="Split orders",
                                              keyword="Split Orders Into Lines    ${SCRATCH}"),
        "robots/consumer.robot": ROBOT.format(library="line_consumer", task="Book lines",
                                              keyword="Book Order Lines    ${LEDGER}"),
        "bots/producer.toml": 'robot = "robots/producer.robot"\n[workitems]\noutputs_to = "consumer"\n'
                              f'[variables]\nSCRATCH = "{root / "scratch"}"\n',
        "bots/consumer.toml": f'robot = "robots/consumer.robot"\n[workitems]\n[variables]\nLEDGER = "{root / "ledger"}"\n',
        # Retries at once, so the flaky line is redone by the next run.
        "config/clerk.toml": f'database_url = "{store_url}"\n[queue]\nbackoff_base_seconds = 0\n',
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    (root / "scratch").mkdir()
    (root / "ledger").mkdir()
    return root


def clerk_run(root: Path, bot: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "clerk", "run", bot, "-C", str(root)],
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finished(process: subprocess.Popen, timeout: float = 120) -> str:
    output, _ = process.communicate(timeout=timeout)
    return output


def wait_for(condition, what: str, timeout: float = 60.0):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def items_of(project, bot: str) -> list:  # noqa: ANN001
    with project.store.read() as conn:
        return conn.execute(select(work_items).where(work_items.c.bot == bot)
                            .order_by(work_items.c.id)).all()


def test_robocorp_robots_chain_through_clerks_queue_exactly_once(tmp_path):
    root = chain_project(tmp_path, f"sqlite:///{tmp_path / 'clerk.db'}")
    project = open_project(load_settings(root))
    try:
        for order in ORDERS:
            project.queue.enqueue("producer", f"order:{order['order']}", order)

        finished(clerk_run(root, "producer"))
        lines = items_of(project, "consumer")
        assert len(lines) == 6
        assert {(r.payload["workitem"]["payload"]["order"], r.payload["workitem"]["payload"]["line"])
                for r in lines} == {("PO-1", 0), ("PO-1", 1), ("PO-2", 0),
                                    ("PO-3", 0), ("PO-3", 1), ("PO-3", 2)}
        assert all(r.document_key.startswith("workitem:order:PO-") for r in lines)
        assert {r.state for r in items_of(project, "producer")} == {"posted"}

        # The producer run again (its inputs done) makes nothing new.
        finished(clerk_run(root, "producer"))
        assert len(items_of(project, "consumer")) == 6

        # The consumer is killed mid-item: the item it held is taken again
        # after its lease expires, and booked once.
        ledger = root / "ledger"
        (ledger / "hold").write_text("")
        victim = clerk_run(root, "consumer", CLERK_QUEUE__LEASE_SECONDS="2")
        started = wait_for(lambda: list(ledger.glob("started-*")) or victim.poll() is not None,
                           "the consumer to start an item")
        assert victim.poll() is None, finished(victim)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        (ledger / "hold").unlink()
        killed_key = started[0].name.split("-", 1)[1].rsplit("-", 1)[0]
        assert not (ledger / "ledger.txt").exists()

        wait_for(lambda: all(r.lease_expires_at is None or r.lease_expires_at.timestamp() < time.time()
                             for r in items_of(project, "consumer")), "the dead lease to expire")
        for _ in range(3):   # the flaky line fails once and is retried by the next run
            output = finished(clerk_run(root, "consumer"))
            if {r.state for r in items_of(project, "consumer")} <= {"posted", "needs_review"}:
                break
        states = Counter(r.state for r in items_of(project, "consumer"))
        assert states == {"posted": 5, "needs_review": 1}, output

        booked = (ledger / "ledger.txt").read_text().splitlines()
        keys = [line.split()[0] for line in booked]
        assert sorted(keys) == ["PO-1-0", "PO-1-1", "PO-3-0", "PO-3-1", "PO-3-2"]
        assert killed_key in keys
        assert "delivery note PO-1/1: TONER-K" in " ".join(booked)   # the file travelled

        review = [r for r in items_of(project, "consumer") if r.state == "needs_review"][0]
        assert (review.reason_code, review.last_error) == ("unknown_article", "no article UNKNOWN")
        flaky = [r for r in items_of(project, "consumer")
                 if r.payload["workitem"]["payload"]["article"] == "STAPLER"][0]
        with project.store.read() as conn:
            flaky_events = [row.action for row in conn.execute(
                select(audit_events.c.action).where(audit_events.c.item_id == flaky.id))]
        assert "failed" in flaky_events and flaky_events[-1] == "posted"
        assert flaky_events.count("posted") == 1
        with project.store.read() as conn:
            enqueued = conn.execute(select(audit_events.c.actor).where(
                audit_events.c.action == "enqueued")).scalars().all()
        assert enqueued.count("workitems:producer") == 6   # each output entered the queue once
        verify = subprocess.run([sys.executable, "-m", "clerk", "audit", "verify", "-C", str(root)],
                                capture_output=True, text=True, timeout=120)
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        project.close()
