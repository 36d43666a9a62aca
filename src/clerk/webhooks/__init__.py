"""Outbound webhooks: signed, from a durable outbox, at least once and never
again once acknowledged (see ``signing`` for what a receiver checks)."""

from clerk.webhooks.model import EventType, WebhookSpec
from clerk.webhooks.signing import SignatureError, verify

__all__ = ["EventType", "SignatureError", "WebhookSpec", "verify"]
