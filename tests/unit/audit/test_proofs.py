"""`clerk audit prove` and the offline verifier, run as the auditor would: in a
separate process, away from the project folder, with only offline.py of clerk.
Each tamper an operator could do to the database is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from clerk.audit.chain import event_hash
from clerk.cli import app
from clerk.queue import ItemState
from clerk.store.schema import audit_checkpoints, audit_events
from tests.helpers.offline_verifier import auditor_folder, clerk_is_out_of_reach, verify_offline

ae = audit_events.c


def make_project(root: Path) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "config" / "clerk.toml").write_text('''
[audit]
signing_key = "file:keys/signing.key"
checkpoint_file = "var/audit/checkpoints.jsonl"
checkpoint_every = 5
''')
    return root


def clerk(project: Path, store_url: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-C", str(project)], env={"CLERK_DATABASE_URL": store_url})
    assert result.exit_code == 0, result.output
    return result.stdout


def history(queue, store, rounds: int) -> list[int]:  # noqa: ANN001
    """Four items (enqueued, extracted), then ``rounds`` comments on each."""
    ids = [queue.enqueue("ap", f"doc-{n}", {"n": n}).item_id for n in range(4)]
    for lease in queue.lease("w", limit=4):
        queue.advance(lease, ItemState.EXTRACTED)
    comment(queue, store, ids, rounds)
    return ids


def comment(queue, store, ids: list[int], rounds: int) -> None:  # noqa: ANN001
    with store.write() as conn:
        for round_ in range(rounds):
            for item_id in ids:
                queue.audit.append(conn, actor="rita", action="commented", item_id=item_id,
                                   data={"text": f"round {round_}"})


def seqs_of(store, item_id: int) -> list[int]:  # noqa: ANN001
    with store.read() as conn:
        return list(conn.scalars(select(ae.seq).where(ae.item_id == item_id).order_by(ae.seq)))


def rechain_from(store, seq: int) -> None:  # noqa: ANN001
    """What an operator with database access does after an edit: recompute every hash."""
    with store.write() as conn:
        rows = conn.execute(select(audit_events).where(ae.seq >= seq).order_by(ae.seq)).all()
        prev = rows[0].prev_hash
        for row in rows:
            digest = event_hash(prev, row.seq, row)
            conn.execute(update(audit_events).where(ae.id == row.id).values(prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(delete(audit_checkpoints).where(audit_checkpoints.c.seq >= seq))


@pytest.fixture
def trail(queue, store, store_url, tmp_path):  # noqa: ANN001, ANN201
    """A project with a key; a checkpoint the auditor holds at 8 events; 16 events in
    all, checkpointed; the auditor's public key. Item ``ids[1]`` is the record proven."""
    project = make_project(tmp_path / "project")
    clerk(project, store_url, "audit", "key", "generate")
    ids = history(queue, store, rounds=0)
    auditor = auditor_folder(tmp_path / "auditor")
    clerk(project, store_url, "audit", "checkpoint", "-o", str(auditor / "held.json"))
    comment(queue, store, ids, rounds=2)
    clerk(project, store_url, "audit", "checkpoint")
    clerk(project, store_url, "audit", "key", "export", "-o", str(auditor / "auditor.pub"))
    return project, auditor, ids[1]


def prove(project: Path, store_url: str, auditor: Path, item_id: int | str, held: Path) -> Path:
    out = auditor / "proof.json"
    clerk(project, store_url, "audit", "prove", str(item_id), "-o", str(out), "--held", str(held))
    return out


def test_honest_proof_verifies_offline_without_clerk(trail, store, store_url):
    project, auditor, item_id = trail
    proof = prove(project, store_url, auditor, item_id, auditor / "held.json")
    outcome = verify_offline(auditor, proof, auditor / "auditor.pub", auditor / "held.json")
    assert outcome.kind == "valid", outcome.out
    assert "4 event(s)" in outcome.out and "tree size 16" in outcome.out
    assert clerk_is_out_of_reach(auditor)
    document = json.loads(proof.read_text())
    assert [e["seq"] for e in document["events"]] == seqs_of(store, item_id)
    assert document["consistency"]["from_size"] == 8
    lines = (project / "var" / "audit" / "checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["tree_size"] for line in lines] == [8, 16]   # outside the database too


def test_an_edited_event_is_named(trail, store, store_url):
    project, auditor, item_id = trail
    victim = seqs_of(store, item_id)[2]
    with store.write() as conn:
        conn.execute(update(audit_events).where(ae.seq == victim).values(actor="mallory"))
    outcome = verify_offline(auditor, prove(project, store_url, auditor, item_id, auditor / "held.json"),
                             auditor / "auditor.pub", auditor / "held.json")
    assert outcome.kind == "changed" and f"event {victim}" in outcome.out, outcome.out


def test_a_deleted_event_is_named_missing(trail, store, store_url):
    project, auditor, item_id = trail
    victim = seqs_of(store, item_id)[2]
    with store.write() as conn:
        conn.execute(delete(audit_events).where(ae.seq == victim))
    outcome = verify_offline(auditor, prove(project, store_url, auditor, item_id, auditor / "held.json"),
                             auditor / "auditor.pub", auditor / "held.json")
    assert outcome.kind == "missing" and f"follows event {victim}" in outcome.out, outcome.out


def test_reordered_events_are_named(trail, store, store_url):
    project, auditor, item_id = trail
    first, second = seqs_of(store, item_id)[2:4]
    with store.write() as conn:
        for seq, to in ((first, -1), (second, first), (-1, second)):
            conn.execute(update(audit_events).where(ae.seq == seq).values(seq=to))
    outcome = verify_offline(auditor, prove(project, store_url, auditor, item_id, auditor / "held.json"),
                             auditor / "auditor.pub", auditor / "held.json")
    assert outcome.kind == "reordered", outcome.out


def test_a_rewritten_chain_resealed_with_a_new_key_is_refused(trail, store, store_url):
    project, auditor, item_id = trail
    victim = seqs_of(store, item_id)[0]
    with store.write() as conn:
        conn.execute(update(audit_events).where(ae.seq == victim).values(actor="mallory"))
    rechain_from(store, 1)
    (project / "keys" / "signing.key").unlink()
    clerk(project, store_url, "audit", "key", "generate")
    clerk(project, store_url, "audit", "checkpoint")
    outcome = verify_offline(auditor, prove(project, store_url, auditor, item_id, auditor / "held.json"),
                             auditor / "auditor.pub")
    assert outcome.kind == "signature", outcome.out


def test_history_rewritten_with_the_real_key_breaks_consistency(trail, store, store_url):
    project, auditor, item_id = trail
    victim = seqs_of(store, item_id)[0]           # inside the checkpoint the auditor holds
    with store.write() as conn:
        conn.execute(update(audit_events).where(ae.seq == victim).values(actor="mallory"))
    rechain_from(store, victim)
    clerk(project, store_url, "audit", "checkpoint")
    proof = prove(project, store_url, auditor, item_id, auditor / "held.json")
    assert verify_offline(auditor, proof, auditor / "auditor.pub").kind == "valid"   # alone it looks fine
    outcome = verify_offline(auditor, proof, auditor / "auditor.pub", auditor / "held.json")
    assert outcome.kind == "rewritten", outcome.out


def test_a_tail_cut_after_a_checkpoint_the_auditor_holds_is_named(trail, store, store_url):
    project, auditor, item_id = trail
    latest = (project / "var" / "audit" / "checkpoints.jsonl").read_text().splitlines()[-1]
    (auditor / "latest.json").write_text(latest)               # what the auditor was sent
    with store.write() as conn:
        conn.execute(delete(audit_events).where(ae.seq > 12))
        conn.execute(delete(audit_checkpoints).where(audit_checkpoints.c.seq > 12))
    clerk(project, store_url, "audit", "checkpoint")             # re-signed at 12, with the real key
    outcome = verify_offline(auditor, prove(project, store_url, auditor, item_id, auditor / "latest.json"),
                             auditor / "auditor.pub", auditor / "latest.json")
    assert outcome.kind == "truncated" and "covers 12 events" in outcome.out, outcome.out


def test_prove_names_an_unknown_record_and_a_missing_key(queue, store, store_url, tmp_path):
    project = make_project(tmp_path / "project")
    history(queue, store, rounds=1)
    runner = CliRunner()
    env = {"CLERK_DATABASE_URL": store_url}
    unknown = runner.invoke(app, ["audit", "prove", "INV-404", "-C", str(project)], env=env)
    assert unknown.exit_code == 1 and "no work item or ERP record 'INV-404'" in unknown.output
    no_key = runner.invoke(app, ["audit", "checkpoint", "-C", str(project)], env=env)
    assert no_key.exit_code == 1 and "cannot read the secret file" in no_key.output
    clerk(project, store_url, "audit", "key", "generate")
    again = runner.invoke(app, ["audit", "key", "generate", "-C", str(project)], env=env)
    assert again.exit_code == 1 and "never replaced silently" in again.output
    unsigned = runner.invoke(app, ["audit", "prove", "1", "-C", str(project)], env=env)
    assert unsigned.exit_code == 1 and "no signed checkpoint yet" in unsigned.output


def test_a_record_is_proven_by_its_erp_reference(trail, store, store_url):
    from clerk.store.schema import work_items

    project, auditor, item_id = trail
    with store.write() as conn:
        conn.execute(update(work_items).where(work_items.c.id == item_id).values(
            erp_ref={"erp": "tryton", "model": "account.invoice", "id": 31, "number": "SUP-2026-0007"}))
    proof = prove(project, store_url, auditor, "SUP-2026-0007", auditor / "held.json")
    document = json.loads(proof.read_text())
    assert {e["item_id"] for e in document["events"]} == {item_id}
    assert verify_offline(auditor, proof, auditor / "auditor.pub", auditor / "held.json").kind == "valid"


def test_clerk_audit_verify_checks_the_checkpoints_merkle_roots(trail, store, store_url):
    project, _, _ = trail
    with store.write() as conn:
        conn.execute(update(audit_checkpoints).where(audit_checkpoints.c.seq == 8)
                     .values(root_hash="ab" * 32))
    result = CliRunner().invoke(app, ["audit", "verify", "--json", "-C", str(project)],
                                env={"CLERK_DATABASE_URL": store_url})
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["first_bad_seq"] == 8
    assert "another Merkle root" in report["problem"]
