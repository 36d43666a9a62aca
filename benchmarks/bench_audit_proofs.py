"""The auditor's proof for one record in a 1,000,000-event trail: proof size,
proving time, verification time (in-process and as the offline verifier's own
process), and the sealer's rate with signed checkpoints on the way.

The trail is real: a SQLite store, events written as clerk writes them (one
item's events spread through the trail, the rest over 100,000 other items),
sealed by clerk's sealer in batches of 5,000 with a signed checkpoint after
each (checkpoint_every = 1,000 is reached within every batch).
Writes benchmarks/results/audit_proofs.json.

    .venv/bin/python benchmarks/bench_audit_proofs.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from benchmarks._common import merge_results  # noqa: E402
from clerk.audit.chain import seal  # noqa: E402
from clerk.audit.checkpoint import checkpoint_of_size, latest_checkpoint  # noqa: E402
from clerk.audit.events import AuditLog  # noqa: E402
from clerk.audit.offline import verify_proof  # noqa: E402
from clerk.audit.proof import prove_record  # noqa: E402
from clerk.audit.signing import CheckpointSigner  # noqa: E402
from clerk.queue import WorkQueue  # noqa: E402
from clerk.store import open_store  # noqa: E402

RECORD_EVENTS = 10
OTHER_ITEMS = 100_000
CHUNK = 20_000


def write_trail(store, events: int) -> tuple[int, float]:  # noqa: ANN001
    """``events`` audit events; the proven item's spread evenly through them."""
    item_id = WorkQueue(store).enqueue("bench", "portal:acme:doc-0201", {}).item_id
    audit, spacing = AuditLog(), events // RECORD_EVENTS
    started = time.perf_counter()
    at = datetime.now(UTC)
    for start in range(1, events, CHUNK):
        rows = []
        for n in range(start, min(events, start + CHUNK)):
            mine = n % spacing == 0
            rows.append(audit.row("worker-1", "commented" if mine else "validated",
                                  item_id if mine else 10 + n % OTHER_ITEMS,
                                  {"n": n, "state": "validated"}, at=at))
        with store.write() as conn:
            audit.append_many(conn, rows)
    return item_id, time.perf_counter() - started


def seal_trail(store, signer: CheckpointSigner) -> tuple[float, list[int]]:  # noqa: ANN001
    started, sizes = time.perf_counter(), []
    while (result := seal(store, batch=5000, checkpoint_every=1000, signer=signer)).sealed:
        if result.checkpoint:
            sizes.append(result.checkpoint.tree_size)
    final = seal(store, signer=signer, force_checkpoint=True).checkpoint
    if final:
        sizes.append(final.tree_size)
    return time.perf_counter() - started, sizes


def time_offline(folder: Path, proof: dict, held: dict, pem: bytes) -> float:
    """Wall time of `python -m clerk.audit.offline` in its own process (start-up included)."""
    (folder / "proof.json").write_text(json.dumps(proof, indent=1, sort_keys=True))
    (folder / "held.json").write_text(json.dumps(held))
    (folder / "auditor.pub").write_bytes(pem)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "clerk.audit.offline", str(folder / "proof.json"),
                           "--key", str(folder / "auditor.pub"), "--held", str(folder / "held.json")],
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout + done.stderr
    return elapsed


def measure(events: int) -> dict:
    signer = CheckpointSigner(Ed25519PrivateKey.generate())
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'trail.db'}")
        item_id, write_s = write_trail(store, events)
        seal_s, sizes = seal_trail(store, signer)
        latest = latest_checkpoint(store)
        held = checkpoint_of_size(store, sizes[len(sizes) // 2]).as_dict()
        started = time.perf_counter()
        proof = prove_record(store, str(item_id), held_size=held["tree_size"])
        prove_s = time.perf_counter() - started
        store.dispose()
        runs = []
        for _ in range(20):
            started = time.perf_counter()
            assert verify_proof(proof, signer.public_pem(), held).ok
            runs.append(time.perf_counter() - started)
        offline_s = time_offline(Path(folder), proof, held, signer.public_pem())
    as_written = json.dumps(proof, indent=1, sort_keys=True)
    return {
        "trail_events": latest.tree_size, "record_events": len(proof["events"]),
        "inclusion_path_hashes": len(proof["events"][0]["inclusion"]),
        "consistency_path_hashes": len(proof["consistency"]["path"]),
        "proof_bytes": len(as_written.encode()),
        "proof_bytes_per_event": round(len(as_written.encode()) / len(proof["events"])),
        "verify_ms_in_process_median": round(statistics.median(runs) * 1000, 2),
        "verify_s_offline_process": round(offline_s, 3),
        "prove_s": round(prove_s, 2),
        "write_events_per_s": round(events / write_s),
        "seal_events_per_s_signed_checkpoints": round(events / seal_s),
        "signed_checkpoints": len(sizes),
        "what": "real SQLite trail written and sealed by clerk's sealer (batches of 5000, an "
                "Ed25519-signed checkpoint per batch, checkpoint_every=1000); one record of 10 "
                "events spread through it; proof against the latest checkpoint, with the "
                "consistency proof from the middle checkpoint",
    }


def sealer_cpu(events: int) -> dict:
    """The sealer's own CPU time per event (SQLite in-process, so the database's
    work counts too), checkpoints unsigned vs Ed25519-signed: process time is
    what a shared, loaded machine does not distort the way wall time is."""
    figures = {}
    for label, signer in (("unsigned", None), ("signed", CheckpointSigner(Ed25519PrivateKey.generate()))):
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(f"sqlite:///{Path(folder) / 'trail.db'}")
            write_trail(store, events)
            started = time.process_time()
            while seal(store, batch=5000, checkpoint_every=1000, signer=signer).sealed:
                pass
            figures[f"{label}_cpu_us_per_event"] = round((time.process_time() - started) / events * 1e6, 1)
            store.dispose()
    figures["events"] = events
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sealer-events", type=int, default=100_000)
    args = parser.parse_args()
    figures = measure(args.events)
    figures["sealer_cpu"] = sealer_cpu(args.sealer_events)
    print(json.dumps(figures, indent=2))
    print(merge_results("audit_proofs", figures))


if __name__ == "__main__":
    main()
