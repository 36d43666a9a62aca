"""The auditor's verifier: checks a clerk proof file away from clerk.

    python -m clerk.audit.offline proof.json --key auditor.pub [--held checkpoint.json]

This module is deliberately standalone: it imports only the standard library
and ``cryptography``, never another clerk module, so an auditor can copy this
one file and run it without clerk's code, database or configuration. It says
``valid`` or ``INVALID (<kind>): ...`` for the first failure:

- ``signature``: a checkpoint not signed by the auditor's key (the history was
  rewritten and re-sealed with another key, or the checkpoint edited);
- ``changed``: an event whose content no longer matches its hash;
- ``missing``: an event names its record's previous event, which the proof lacks;
- ``reordered``: an event names a previous event that is not before it;
- ``not_included``: an event not at its position in the signed tree;
- ``rewritten``: the signed trail does not extend the checkpoint the auditor holds;
- ``truncated``: the signed trail is shorter than the checkpoint the auditor holds;
- ``format``: the proof is malformed.

A record's last events can be cut off without a ``missing``: only a checkpoint
the auditor holds (``--held``) shows that the trail lost its tail.

Hashing follows RFC 9162 section 2.1: leaf = SHA-256(0x00 || chain hash),
node = SHA-256(0x01 || left || right); proofs are its inclusion and
consistency proofs. clerk's sealer uses the functions below too, so there is
one definition of every hash.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROOF_FORMAT = "clerk-audit-proof/1"
CHECKPOINT_HEADER = "clerk audit checkpoint v1"


class ProofFailure(Exception):
    """The first thing in a proof that does not hold; ``kind`` names its class."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# -- hashes -------------------------------------------------------------------------
def chain_hash(prev_hash: str, seq: int, event_id: int, at: str, actor: str, action: str,
               item_id: int | None, data: str, item_prev_seq: int | None = None) -> str:
    """The audit chain's hash of one event: SHA-256 over its fields, each written
    ``<len>:<text>`` so no choice of text can imitate another split. The link to
    the record's previous event (``item_prev_seq``) is hashed only when set:
    events sealed before clerk kept that link hash without it."""
    fields = [prev_hash, str(seq), str(event_id), at, actor, action,
              "" if item_id is None else str(item_id), data]
    if item_prev_seq is not None:
        fields.append(str(item_prev_seq))
    return hashlib.sha256("".join(f"{len(f)}:{f}" for f in fields).encode()).hexdigest()


def leaf_hash(chain_hash_hex: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(chain_hash_hex)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


# -- RFC 9162 proof verification ----------------------------------------------------
def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes | None:
    """The root an inclusion path leads to (RFC 9162 2.1.3.2), or None if it is malformed."""
    if index >= size or index < 0:
        return None
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1
    return result if sn == 0 else None


def consistent(first: int, first_root: bytes, second: int, second_root: bytes,
               path: list[bytes]) -> bool:
    """Whether the tree of ``second`` leaves extends the one of ``first`` (RFC 9162 2.1.4.2)."""
    if first < 1 or first > second:
        return False
    if first == second:
        return not path and first_root == second_root
    if first & (first - 1) == 0:
        path = [first_root, *path]
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for value in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(value, fr), node_hash(value, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, value)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


# -- checkpoints --------------------------------------------------------------------
def checkpoint_message(point: dict[str, Any]) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    lines = [CHECKPOINT_HEADER, str(int(point["tree_size"])), str(point["root_hash"]),
             str(point["head_hash"]), str(point["at"]), str(point["key_id"])]
    return ("\n".join(lines) + "\n").encode()


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def load_public_key(pem: bytes):  # noqa: ANN201 - cryptography's Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ProofFailure("key", "the auditor's key is not an Ed25519 public key")
    return key


def check_checkpoint(point: Any, public_key, label: str) -> None:  # noqa: ANN001
    """Raise unless ``point`` is well formed and signed by ``public_key``."""
    from cryptography.exceptions import InvalidSignature

    if not isinstance(point, dict):
        raise ProofFailure("format", f"{label} is not a checkpoint object")
    try:
        signature = base64.b64decode(point["signature"], validate=True)
        message = checkpoint_message(point)
        canonical = base64.b64encode(signature).decode() == point["signature"]
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofFailure("format", f"{label} is malformed: {type(exc).__name__} {exc}") from None
    if not canonical or not isinstance(point["tree_size"], int):
        raise ProofFailure("format", f"{label} is malformed")
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        raise ProofFailure("signature", f"{label} (tree size {point['tree_size']}) is not signed by "
                           "the auditor's key: the history was rewritten and re-sealed, or the "
                           "checkpoint was edited") from None


# -- the proof ----------------------------------------------------------------------
@dataclass
class Verdict:
    ok: bool
    kind: str
    message: str


def verify_proof(proof: Any, public_pem: bytes, held: Any = None) -> Verdict:
    """Check ``proof`` against the auditor's public key and, if given, a
    checkpoint the auditor kept from earlier."""
    try:
        public_key = load_public_key(public_pem)
    except ValueError as exc:      # a PEM cryptography cannot read
        return Verdict(False, "key", f"the auditor's key cannot be read: {exc}")
    except ProofFailure as failure:
        return Verdict(False, failure.kind, str(failure))
    try:
        events = _verify(proof, public_key, held)
    except ProofFailure as failure:
        return Verdict(False, failure.kind, str(failure))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Verdict(False, "format", f"the proof is malformed: {type(exc).__name__} {exc}")
    point = proof["checkpoint"]
    items = ", ".join(str(i) for i in sorted({e["item_id"] for e in events}, key=str))
    return Verdict(True, "valid", f"valid: {len(events)} event(s) of item {items} are in the trail "
                   f"signed at tree size {point['tree_size']} ({point['at']})")


def _verify(proof: Any, public_key, held: Any) -> list[dict[str, Any]]:  # noqa: ANN001
    if not isinstance(proof, dict) or proof.get("format") != PROOF_FORMAT:
        raise ProofFailure("format", f"not a {PROOF_FORMAT} proof")
    point = proof.get("checkpoint")
    check_checkpoint(point, public_key, "the proof's checkpoint")
    if held is not None:
        check_checkpoint(held, public_key, "the checkpoint you hold")
    events = proof.get("events")
    if not isinstance(events, list) or not events:
        raise ProofFailure("format", "the proof holds no events")
    # The record's own events first: an edit, a gap or a move is named as such
    # before it shows up again as a tree that no longer extends the held one.
    _check_events(events, point)
    if held is not None:
        _check_extends(held, point, proof.get("consistency"))
    return events


def _check_extends(held: dict[str, Any], point: dict[str, Any], consistency: Any) -> None:
    size, latest = int(held["tree_size"]), int(point["tree_size"])
    if latest < size:
        raise ProofFailure("truncated", f"the trail's latest checkpoint covers {latest} events, "
                           f"but the checkpoint you hold covers {size}: the tail was cut off")
    if not isinstance(consistency, dict) or int(consistency.get("from_size", -1)) != size:
        raise ProofFailure("format", f"the proof has no consistency proof from tree size {size}")
    path = [_hex(h, "the consistency proof") for h in _list(consistency.get("path"))]
    if not consistent(size, _hex(held["root_hash"], "your checkpoint's root"), latest,
                      _hex(point["root_hash"], "the checkpoint's root"), path):
        raise ProofFailure("rewritten", f"the trail at tree size {latest} does not extend the one "
                           f"you hold at tree size {size}: history was rewritten or truncated")


def _check_events(events: list[Any], point: dict[str, Any]) -> None:
    """The record's story first (every event whole, none missing, none moved), then
    each event's place in the signed tree: a tree built over moved events fails
    for all of them, so the order of these checks is what names the tamper."""
    ordered = sorted(events, key=lambda e: e.get("seq", 0) if isinstance(e, dict) else 0)
    last_of_item: dict[Any, int] = {}
    for event in ordered:
        seq = _seq(event)
        _check_record_link(event, seq, last_of_item.get(event["item_id"]))
        if chain_hash(event["prev_hash"], seq, event["id"], event["at"], event["actor"],
                      event["action"], event["item_id"], event["data"],
                      event.get("item_prev_seq")) != event["hash"]:
            raise ProofFailure("changed", f"event {seq} ({event['action']}): its content does not "
                               "match its hash: the event was changed")
        last_of_item[event["item_id"]] = seq
    size, root = int(point["tree_size"]), _hex(point["root_hash"], "the checkpoint's root")
    for event in ordered:
        seq = event["seq"]
        path = [_hex(h, f"event {seq}'s inclusion proof") for h in _list(event.get("inclusion"))]
        if root_from_inclusion(seq - 1, size, leaf_hash(event["hash"]), path) != root:
            raise ProofFailure("not_included", f"event {seq} ({event['action']}) is not at position "
                               f"{seq} of the signed trail: it was changed, moved or removed")


def _check_record_link(event: dict[str, Any], seq: int, previous: int | None) -> None:
    """Each event names its item's previous event (0: the first); the proof must hold it."""
    link = event.get("item_prev_seq")
    if link is None or link == (previous or 0):
        return
    if not isinstance(link, int) or link >= seq or link == 0 or (previous or 0) > link:
        raise ProofFailure("reordered", f"event {seq} ({event['action']}) names event {link} as "
                           f"its record's previous one, but the record's events before it are "
                           f"{previous or 'none'}: events were moved")
    raise ProofFailure("missing", f"event {seq} ({event['action']}) follows event {link} of "
                       "this record, which the proof lacks: an event is missing")


def _seq(event: Any) -> int:
    if not isinstance(event, dict) or not isinstance(event.get("seq"), int):
        raise ProofFailure("format", "an event has no chain position")
    missing = {"prev_hash", "id", "at", "actor", "action", "item_id", "data", "hash"} - event.keys()
    if missing:
        raise ProofFailure("format", f"event {event['seq']} lacks {', '.join(sorted(missing))}")
    return event["seq"]


def _list(values: Any) -> list[Any]:
    if not isinstance(values, list):
        raise ProofFailure("format", "a proof path is not a list")
    return values


def _hex(value: Any, label: str) -> bytes:
    """A SHA-256 in clerk's one spelling (64 lowercase hex digits), so that no
    other text can stand for the same hash."""
    if not isinstance(value, str) or len(value) != 64 or value.strip("0123456789abcdef"):
        raise ProofFailure("format", f"{label} holds a malformed hash")
    return bytes.fromhex(value)


# -- command line -------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clerk.audit.offline",
                                     description="Verify a clerk audit proof offline.")
    parser.add_argument("proof", type=Path, help="proof.json from `clerk audit prove`")
    parser.add_argument("--key", type=Path, required=True, help="the project's public key (PEM)")
    parser.add_argument("--held", type=Path, help="a checkpoint you kept from earlier (JSON)")
    args = parser.parse_args(argv)
    try:
        proof = json.loads(args.proof.read_text(encoding="utf-8"))
        held = json.loads(args.held.read_text(encoding="utf-8")) if args.held else None
        public_pem = args.key.read_bytes()
    except (OSError, ValueError) as exc:
        print(f"INVALID (unreadable): {exc}")
        return 2
    verdict = verify_proof(proof, public_pem, held)
    print(verdict.message if verdict.ok else f"INVALID ({verdict.kind}): {verdict.message}")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
