"""Signing a webhook, and checking one: what a receiver does.

Each attempt carries three headers::

    Clerk-Webhook-Id:        the event id (the same on every attempt)
    Clerk-Webhook-Timestamp: seconds since the epoch when this attempt was signed
    Clerk-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

A receiver (``verify`` below does all of it):
1. recomputes the HMAC over the timestamp header, a dot and the raw body
   bytes, and compares in constant time: a changed body or timestamp fails;
2. rejects a timestamp further than its tolerance (5 minutes) from its
   clock: a captured request cannot be replayed later, since re-signing
   needs the secret;
3. remembers the event ids it acknowledged for at least that tolerance and
   answers 2xx without acting again to a repeat: clerk delivers at least
   once, so a retry after a lost acknowledgement carries the same id.
"""

from __future__ import annotations

import hashlib
import hmac
import time

ID_HEADER = "Clerk-Webhook-Id"
TIMESTAMP_HEADER = "Clerk-Webhook-Timestamp"
SIGNATURE_HEADER = "Clerk-Webhook-Signature"
TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The request is not one clerk signed just now with this secret."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def signed_headers(secret: str, event_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {ID_HEADER: event_id, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            "Content-Type": "application/json"}


def verify(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> str:
    """The event id of a genuine, fresh request; SignatureError otherwise.
    (Step 3, remembering ids, is the receiver's own store.)"""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        timestamp = int(lowered[TIMESTAMP_HEADER.lower()])
        given = lowered[SIGNATURE_HEADER.lower()]
        event_id = lowered[ID_HEADER.lower()]
    except (KeyError, ValueError):
        raise SignatureError("missing or malformed webhook headers") from None
    if not hmac.compare_digest(given, signature(secret, timestamp, body)):
        raise SignatureError("signature does not match")
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance: a replay or a wrong clock")
    return event_id
