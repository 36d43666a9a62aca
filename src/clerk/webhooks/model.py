"""``[[webhooks]]`` in config/clerk.toml, typed.

```toml
[[webhooks]]
name = "erp-events"                     # stable: the outbox names its rows by it
url = "https://hooks.example.com/clerk"
events = ["item.posted", "item.needs_review", "review.sla_breached", "run.failed"]
secret = "env:CLERK_WEBHOOK_SECRET"     # a reference, never the secret itself
timeout = "10s"
backoff_base = "5s"                     # 5s, 10s, 20s ... after each failed attempt
backoff_max = "1h"                      # and never longer apart than this
```
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from clerk.config import config_error_from
from clerk.scheduler.model import Duration
from clerk.secrets import SecretRef

EventType = Literal["item.posted", "item.needs_review", "review.sla_breached", "run.failed"]
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class WebhookSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
    url: str
    events: list[EventType] = Field(min_length=1)
    secret: SecretRef
    timeout: Duration = timedelta(seconds=10)
    backoff_base: Duration = timedelta(seconds=5)
    backoff_max: Duration = timedelta(hours=1)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            raise ValueError("plain http is only allowed to a loopback host; use https")
        if parts.username or parts.password:
            raise ValueError("credentials do not belong in the URL; the signature authenticates")
        return value

    def backoff(self, attempts: int) -> timedelta:
        """How long to wait after the ``attempts``-th failed attempt."""
        seconds = self.backoff_base.total_seconds() * 2 ** max(attempts - 1, 0)
        return min(timedelta(seconds=seconds), self.backoff_max)


_SPECS = TypeAdapter(list[WebhookSpec])


def webhook_specs(raw: list[dict[str, Any]], path: Path = Path("config/clerk.toml")) -> list[WebhookSpec]:
    """The configured webhooks; ConfigError naming ``webhooks.N.key`` if one is wrong."""
    try:
        specs = _SPECS.validate_python(raw)
    except ValidationError as exc:
        raise config_error_from(exc, path, ("webhooks",)) from None
    names = [spec.name for spec in specs]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        from clerk.errors import ConfigError
        raise ConfigError(str(path), "webhooks", f"two webhooks named {duplicate!r}")
    return specs
