"""The audit chain: sealed off the hot path, and any edit, deletion or
reordering of sealed events is named by ``clerk audit verify``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from clerk.audit.chain import seal, seal_all, sealing_lag_seconds, unsealed_count
from clerk.audit.verify import verify
from clerk.cli import app
from clerk.queue import ItemState
from clerk.store.schema import audit_checkpoints, audit_events


def _history(queue, items: int = 5) -> None:
    for number in range(items):
        queue.enqueue("ap", f"doc-{number}", {"n": number, "password": "hunter2-secret"})
    for lease in queue.lease("w", limit=items):
        queue.advance(lease, ItemState.EXTRACTED)


def _cli_verify(store_url: str, tmp_path) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["audit", "verify", "-C", str(tmp_path), "--json"],
                                env={"CLERK_DATABASE_URL": store_url})
    return result.exit_code, json.loads(result.stdout)


def test_events_are_sealed_in_batches_and_verify(queue, store):
    _history(queue)
    assert unsealed_count(store) == 10
    assert seal(store, batch=4).sealed == 4
    assert seal_all(store) == 6
    report = verify(store)
    assert report.ok and report.sealed == 10 and report.unsealed == 0
    assert sealing_lag_seconds(store) == 0.0


def test_secrets_never_reach_the_audit_trail(queue, store):
    queue.audit.masker.register("s3cr3t-value")
    queue.enqueue("ap", "doc", {"note": "token is s3cr3t-value", "password": "pw12345"})
    with store.read() as conn:
        data = conn.scalar(select(audit_events.c.data))
    assert "s3cr3t-value" not in data and "pw12345" not in data


@pytest.mark.parametrize("tamper", ["edit", "delete", "reorder", "truncate", "rehash"])
def test_tampering_is_detected_and_named(queue, store, store_url, tmp_path, tamper):
    _history(queue)
    seal_all(store, batch=1, checkpoint_every=1)  # a checkpoint at every position
    with store.write() as conn:
        rows = conn.execute(select(audit_events).order_by(audit_events.c.seq)).all()
        victim = rows[3]
        if tamper == "edit":
            conn.execute(update(audit_events).where(audit_events.c.id == victim.id)
                         .values(actor="mallory"))
        elif tamper == "delete":
            conn.execute(delete(audit_events).where(audit_events.c.id == victim.id))
        elif tamper == "reorder":
            other = rows[4]
            for row, seq in ((victim, -1), (other, victim.seq), (victim, other.seq)):
                conn.execute(update(audit_events).where(audit_events.c.id == row.id)
                             .values(seq=seq))
        elif tamper == "truncate":
            conn.execute(delete(audit_events).where(audit_events.c.seq > victim.seq - 1))
        elif tamper == "rehash":
            # An attacker who recomputes the hashes after an edit still trips the checkpoints.
            conn.execute(update(audit_events).where(audit_events.c.id == victim.id)
                         .values(actor="mallory"))
    if tamper == "rehash":
        _rechain_from(store, victim.seq)
    code, report = _cli_verify(store_url, tmp_path)
    assert code == 1 and not report["ok"]
    assert report["first_bad_seq"] == victim.seq, report
    assert report["problem"]


def _rechain_from(store, seq: int) -> None:
    from clerk.audit.chain import event_hash

    with store.write() as conn:
        rows = conn.execute(select(audit_events).where(audit_events.c.seq >= seq)
                            .order_by(audit_events.c.seq)).all()
        prev = rows[0].prev_hash
        for row in rows:
            digest = event_hash(prev, row.seq, row)
            conn.execute(update(audit_events).where(audit_events.c.id == row.id)
                         .values(prev_hash=prev, hash=digest))
            prev = digest
        assert conn.scalar(select(audit_checkpoints.c.seq).where(audit_checkpoints.c.seq == seq))
    # (the checkpoints are what an attacker would also have to rewrite; export them off-site)


def test_verify_reports_unsealed_events(queue, store, store_url, tmp_path):
    _history(queue, items=2)
    code, report = _cli_verify(store_url, tmp_path)
    assert code == 0 and report["unsealed"] == 4 and report["sealed"] == 0


def test_export_jsonl_and_csv(queue, store, store_url, tmp_path):
    _history(queue, items=3)
    seal_all(store)
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"audit.{fmt}"
        result = CliRunner().invoke(app, ["audit", "export", "-C", str(tmp_path), "--format", fmt,
                                          "--out", str(out)], env={"CLERK_DATABASE_URL": store_url})
        assert result.exit_code == 0, result.output
        lines = out.read_text().splitlines()
        assert len(lines) == 6 + (1 if fmt == "csv" else 0)
    first = json.loads((tmp_path / "audit.jsonl").read_text().splitlines()[0])
    assert first["seq"] == 1 and first["action"] == "enqueued" and len(first["hash"]) == 64
