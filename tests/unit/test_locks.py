"""One table of locks: no two users share an advisory key or a lock file, and
the audit sealer makes progress while a scheduler leads (they once shared a key)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clerk.audit.chain import seal
from clerk.locks import SCOPED, Lock, advisory_key, lock_file
from clerk.scheduler.leader import leader_lock_for

SRC = Path(__file__).resolve().parents[2] / "src" / "clerk"
SCOPES = ["http://127.0.0.1:8000/clerk_demo", "http://127.0.0.1:8001/clerk_demo",
          "http://erp.example/prod"]


def _every_lock() -> list[tuple[Lock, str | None]]:
    return [(lock, scope) for lock in Lock for scope in (SCOPES if lock in SCOPED else [None])]


def test_no_two_locks_share_an_advisory_key():
    keys = [advisory_key(lock, scope) for lock, scope in _every_lock()]
    assert len(set(keys)) == len(keys)
    assert all(-2**63 <= key < 2**63 for key in keys)


def test_no_two_locks_share_a_lock_file(tmp_path):
    database = tmp_path / "clerk.db"
    paths = [lock_file(database, lock, scope) for lock, scope in _every_lock()]
    assert len(set(paths)) == len(paths)
    assert all(path.parent == tmp_path and path != database for path in paths)


def test_scoped_and_fixed_locks_are_asked_for_correctly(tmp_path):
    with pytest.raises(ValueError):
        advisory_key(Lock.POSTING_TURN)
    with pytest.raises(ValueError):
        advisory_key(Lock.AUDIT_SEALER, "scope")
    with pytest.raises(ValueError):
        lock_file(tmp_path / "db", Lock.POSTING_TURN)


def test_no_module_takes_an_advisory_lock_of_its_own():
    """Only clerk/locks.py may name pg_*advisory* functions or hold flock."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "locks.py" and path.parent == SRC:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "advisory" in node.value and "pg_" in node.value \
                    and "pg_locks" not in node.value:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
            if isinstance(node, ast.Attribute) and node.attr == "flock":
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []


def test_sealing_goes_on_while_a_scheduler_leads(queue, store, store_url, tmp_path):
    url = store_url
    lock = leader_lock_for(url)
    assert lock.try_acquire()
    try:
        queue.enqueue("bot", "doc-1", {"path": "x"})
        result = seal(store)
        assert result.sealed >= 1
    finally:
        lock.release()
