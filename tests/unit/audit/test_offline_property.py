"""Property: for random trails and random checkpoints, every honest proof
verifies, and changing any one character (or number) of anything the proof
proves makes it fail. Trails are real: items enqueued on a real store, events
sealed by the sealer with checkpoints forced at random points."""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk.audit.chain import seal
from clerk.audit.checkpoint import checkpoint_of_size
from clerk.audit.events import AuditLog
from clerk.audit.offline import verify_proof
from clerk.audit.proof import prove_record
from clerk.audit.signing import CheckpointSigner
from clerk.queue import QueueSettings, WorkQueue
from clerk.store import open_store

SIGNER = CheckpointSigner(Ed25519PrivateKey.generate())
PUBLIC = SIGNER.public_pem()
# Not proven, so not part of the property: the caller's label for the record.
UNPROVEN = {("record",)}


@pytest.fixture(scope="module")
def template() -> Path:
    """One migrated SQLite file, copied for each example (migrating costs ~0.3 s)."""
    folder = Path(tempfile.mkdtemp(prefix="clerk-prop-"))
    store = open_store(f"sqlite:///{folder / 'template.db'}")
    store.dispose()
    yield folder / "template.db"
    shutil.rmtree(folder)


trails = st.lists(st.tuples(st.integers(0, 4), st.booleans()), min_size=1, max_size=30)


def build(template: Path, steps: list[tuple[int, bool]]) -> tuple[Any, list[int], list[int]]:
    """Each step: an event for item ``n`` (enqueued the first time), then a
    checkpoint if the flag says so; a last checkpoint at the end (unless the
    last step made one)."""
    copy_path = template.with_name(f"trail-{next(_counter)}.db")
    shutil.copy(template, copy_path)
    store = open_store(f"sqlite:///{copy_path}")
    queue, audit = WorkQueue(store, QueueSettings()), AuditLog()
    items: dict[int, int] = {}
    sizes = []
    for number, checkpoint in steps:
        if number not in items:
            items[number] = queue.enqueue("ap", f"doc-{number}", {"n": number}).item_id
        else:
            with store.write() as conn:
                audit.append(conn, actor="rita", action="commented", item_id=items[number],
                             data={"n": number, "note": "é"})
        if checkpoint:
            result = seal(store, signer=SIGNER, force_checkpoint=True)
            if result.checkpoint:
                sizes.append(result.checkpoint.tree_size)
    last = seal(store, signer=SIGNER, force_checkpoint=True).checkpoint
    if last is not None:
        sizes.append(last.tree_size)
    return store, list(items.values()), sizes


_counter = iter(range(10**9))


def proven_values(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every string or number the verifier must protect."""
    if path[:1] in UNPROVEN:
        return []
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in proven_values(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in proven_values(item, (*path, index))]
    return [path] if isinstance(value, (str, int)) and not isinstance(value, bool) else []


def changed(value: Any, position: int, replacement: str) -> Any:
    if isinstance(value, int):
        return value + (position % 7) + 1
    if not value:
        return replacement
    index = position % len(value)
    char = replacement if replacement != value[index] else chr(ord(replacement) + 1)
    return value[:index] + char + value[index + 1:]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=trails, data=st.data())
def test_honest_proofs_verify_and_any_change_fails(template, steps, data):
    store, items, sizes = build(template, steps)
    try:
        item = data.draw(st.sampled_from(items))
        held_size = data.draw(st.sampled_from(sizes))
        held = checkpoint_of_size(store, held_size).as_dict()
        proof = prove_record(store, str(item), held_size=held_size)
    finally:
        store.dispose()
    verdict = verify_proof(proof, PUBLIC, held)
    assert verdict.ok, verdict.message
    documents = {"proof": proof, "held": held}
    sites = [("proof", *p) for p in proven_values(proof)] + [("held", *p) for p in proven_values(held)]
    for _ in range(8):
        site = data.draw(st.sampled_from(sites))
        position = data.draw(st.integers(0, 200))
        replacement = data.draw(st.sampled_from("0af9Zx{ :\""))
        tampered = copy.deepcopy(documents)
        holder = tampered[site[0]]
        for key in site[1:-1]:
            holder = holder[key]
        holder[site[-1]] = changed(holder[site[-1]], position, replacement)
        result = verify_proof(tampered["proof"], PUBLIC, tampered["held"])
        assert not result.ok, f"changing {site} went unnoticed"
