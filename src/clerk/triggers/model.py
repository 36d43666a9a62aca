"""A bot's event triggers, typed: ``[trigger]`` (one) or ``[[triggers]]`` (several).

```toml
[[triggers]]
kind = "mail"                 # mail | folder | queue
source = "demo-mailbox"       # a [sources.NAME] of type email in config/clerk.toml
debounce = "5s"               # wait this quiet long after the last event, then ask once
coalesce = true               # events while a run is still queued fold into it
max_instances = 1             # queued or running runs of this bot at once

[[triggers]]
kind = "folder"
source = "scanner-drop"       # a folder source, or `path = "var/drop"`
debounce = "2s"
coalesce = true
max_instances = 1

[[triggers]]
kind = "queue"
min_items = 50                # start when this many items wait ...
max_wait = "15m"              # ... or the oldest has waited this long
coalesce = true
max_instances = 1
```

As with schedules, ``coalesce`` and ``max_instances`` have no defaults: each
bot states how its runs may pile up. Events that happened while no leader
watched are not lost: each watcher looks once when it starts (mail in the
folder, files in the drop folder, items in the queue) and fires one run for
all of them, which is the trigger's form of a coalesced misfire.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clerk.scheduler.model import Duration


class _Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    debounce: Duration = timedelta(seconds=2)
    coalesce: bool
    max_instances: int = Field(ge=1)

    @field_validator("debounce")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value.total_seconds() < 0:
            raise ValueError("must not be negative")
        return value


class MailTrigger(_Trigger):
    """New mail in a folder of an email source: IMAP IDLE, or polling where the
    server has no IDLE (or ``idle = false``)."""

    kind: Literal["mail"]
    source: str
    folder: str | None = None          # default: the source's folder
    idle: bool = True
    poll: Duration = timedelta(seconds=60)
    # Servers drop an IDLE after 30 minutes; RFC 2177 asks clients to renew sooner.
    idle_renew: Duration = timedelta(minutes=25)


class FolderTrigger(_Trigger):
    """A file arriving in a drop folder (``watchfiles``)."""

    kind: Literal["folder"]
    source: str | None = None          # a folder source's path ...
    path: Path | None = None           # ... or a path relative to the project

    @model_validator(mode="after")
    def _one_place(self) -> FolderTrigger:
        if (self.source is None) == (self.path is None):
            raise ValueError("kind = 'folder' needs exactly one of 'source' or 'path'")
        return self


class QueueTrigger(_Trigger):
    """Items waiting in this bot's queue: at least ``min_items``, or the oldest
    older than ``max_wait`` (either may be left out, not both)."""

    kind: Literal["queue"]
    min_items: int | None = Field(None, ge=1)
    max_wait: Duration | None = None
    poll: Duration = timedelta(seconds=5)

    @model_validator(mode="after")
    def _a_threshold(self) -> QueueTrigger:
        if self.min_items is None and self.max_wait is None:
            raise ValueError("kind = 'queue' needs min_items, max_wait or both")
        return self


TriggerSpec = Annotated[Union[MailTrigger, FolderTrigger, QueueTrigger], Field(discriminator="kind")]


class BotTriggers(BaseModel):
    """The validated list; the bot file's ``[trigger]`` becomes a list of one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    triggers: list[TriggerSpec] = Field(default_factory=list)
