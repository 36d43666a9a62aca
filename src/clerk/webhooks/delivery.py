"""Sending the outbox: claim due rows, POST each signed, record the answer.

At least once: a row stays due until a receiver answers 2xx; a failure (an
error, a timeout, any other status) is retried after the webhook's backoff,
with no limit on attempts, so nothing is dropped while a receiver is down.
Never twice once acknowledged: a 2xx sets ``delivered_at`` and a delivered
row is never claimed again. A claim expires (a sender that died mid-request)
only after the request's own timeout could have run out, so two senders do
not send one row at the same time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import or_, select, update

from clerk.audit.events import as_utc
from clerk.errors import ConfigError
from clerk.secrets import SecretResolver
from clerk.store import Store
from clerk.store.schema import webhook_outbox
from clerk.webhooks.model import WebhookSpec
from clerk.webhooks.signing import signed_headers

ob = webhook_outbox.c
log = logging.getLogger("clerk.webhooks")
_CLAIM_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class Claimed:
    id: int
    event_id: str
    webhook: str
    body: str
    attempts: int


@dataclass
class Sent:
    delivered: int = 0
    failed: int = 0


def claim_due(store: Store, specs: dict[str, WebhookSpec], sender: str, now: datetime,
              limit: int = 50) -> list[Claimed]:
    """Due, undelivered rows of configured webhooks, claimed by ``sender``."""
    if not specs:
        return []
    longest = max(spec.timeout for spec in specs.values())
    with store.write() as conn:
        rows = conn.execute(select(ob.id, ob.event_id, ob.webhook, ob.body, ob.attempts).where(
            ob.delivered_at.is_(None), ob.next_attempt_at <= now, ob.webhook.in_(list(specs)),
            or_(ob.claimed_until.is_(None), ob.claimed_until < now))
            .order_by(ob.next_attempt_at, ob.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        if rows:
            conn.execute(update(webhook_outbox).where(ob.id.in_([r.id for r in rows])).values(
                claimed_by=sender, claimed_until=now + longest + _CLAIM_MARGIN))
    return [Claimed(r.id, r.event_id, r.webhook, r.body, r.attempts) for r in rows]


def send_due(store: Store, specs: list[WebhookSpec], secrets: SecretResolver, sender: str,
             client: httpx.Client, now: datetime | None = None) -> Sent:
    """One pass over the due outbox rows."""
    by_name = {spec.name: spec for spec in specs}
    sent = Sent()
    for row in claim_due(store, by_name, sender, now or datetime.now(UTC)):
        spec = by_name[row.webhook]
        status, error = _post(client, spec, secrets, row)
        if status is not None and 200 <= status < 300:
            _delivered(store, row, status)
            sent.delivered += 1
        else:
            _failed(store, row, sender, spec, status, error)
            sent.failed += 1
    return sent


def _post(client: httpx.Client, spec: WebhookSpec, secrets: SecretResolver,
          row: Claimed) -> tuple[int | None, str | None]:
    body = row.body.encode()
    try:
        secret = secrets.resolve(spec.secret)
    except ConfigError:
        return None, f"secret {spec.secret} cannot be read"   # the reference, never a value
    headers = signed_headers(secret, row.event_id, body)
    try:
        response = client.post(spec.url, content=body, headers=headers,
                               timeout=spec.timeout.total_seconds())
    except httpx.HTTPError as exc:
        return None, type(exc).__name__     # never the URL's or server's text in full
    return response.status_code, None if response.is_success else f"HTTP {response.status_code}"


def _delivered(store: Store, row: Claimed, status: int) -> None:
    with store.write() as conn:
        conn.execute(update(webhook_outbox).where(ob.id == row.id, ob.delivered_at.is_(None)).values(
            delivered_at=datetime.now(UTC), attempts=row.attempts + 1, last_status=status,
            last_error=None, claimed_by=None, claimed_until=None))


def _failed(store: Store, row: Claimed, sender: str, spec: WebhookSpec, status: int | None,
            error: str | None) -> None:
    attempts = row.attempts + 1
    retry_at = datetime.now(UTC) + spec.backoff(attempts)
    log.warning("webhook %s: event %s attempt %d failed (%s); next at %s", spec.name,
                row.event_id, attempts, error, retry_at.isoformat(timespec="seconds"))
    with store.write() as conn:
        conn.execute(update(webhook_outbox).where(
            ob.id == row.id, ob.delivered_at.is_(None), ob.claimed_by == sender).values(
            attempts=attempts, next_attempt_at=retry_at, last_status=status, last_error=error,
            claimed_by=None, claimed_until=None))


def outbox_rows(store: Store, *, delivered: bool | None = None) -> list[dict]:
    """The outbox as rows (status pages, tests)."""
    query = select(webhook_outbox).order_by(ob.id)
    if delivered is not None:
        query = query.where(ob.delivered_at.is_not(None) if delivered else ob.delivered_at.is_(None))
    with store.read() as conn:
        return [{**row._mapping, "created_at": as_utc(row.created_at)} for row in conn.execute(query)]
