"""The leader's watchers: every enabled trigger of every bot, started when a
scheduler becomes leader and stopped when it stops leading, so one process
in the fleet watches (two leaders would watch twice and ask twice)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from clerk.bots import load_bots
from clerk.errors import ConfigError
from clerk.project import Project
from clerk.triggers.check import bot_triggers
from clerk.triggers.fire import TriggerGate
from clerk.triggers.folder import FolderWatcher
from clerk.triggers.mail import MailWatcher
from clerk.triggers.model import FolderTrigger, MailTrigger, QueueTrigger, TriggerSpec
from clerk.triggers.queue import QueueWatcher

log = logging.getLogger("clerk.triggers")


class Watcher(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


@dataclass
class Watching:
    """What the leader watches; ``problems`` are triggers left out, with why."""

    gates: dict[str, list[TriggerGate]] = field(default_factory=dict)
    watchers: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def stop(self) -> None:
        for watcher in self.watchers:
            watcher.stop()
        for gates in self.gates.values():
            for gate in gates:
                gate.close()


def start_watching(project: Project, requested_by: str) -> Watching:
    """Start a watcher per enabled trigger; a trigger that cannot start is
    reported and left out, the others still run."""
    watching = Watching()
    project_dir = project.settings.project_dir
    for name, bot in load_bots(project_dir).items():
        for spec in bot_triggers(bot, project_dir / "bots" / f"{name}.toml"):
            if not spec.enabled:
                continue
            gate = TriggerGate(project.store, project.audit, name, spec, requested_by)
            try:
                watcher = _watcher(project, name, spec, gate)
            except ConfigError as exc:
                gate.close()
                watching.problems.append(f"bot {name}: {spec.kind} trigger not started: {exc}")
                log.error("%s", watching.problems[-1])
                continue
            watching.gates.setdefault(name, []).append(gate)
            watcher.start()
            watching.watchers.append(watcher)
    return watching


def _watcher(project: Project, bot: str, spec: TriggerSpec, gate: TriggerGate) -> Watcher:
    if isinstance(spec, MailTrigger):
        from clerk.sources.configured import build_source

        source = build_source(project, spec.source, project.settings.var_dir / "documents")
        if getattr(source, "kind", None) != "email":
            raise ConfigError(f"bots/{bot}.toml", "trigger.source", f"{spec.source!r} is not an email source")
        return MailWatcher(source.config, spec, project.secrets, gate.event)
    if isinstance(spec, FolderTrigger):
        return _folder_watcher(project, bot, spec, gate)
    assert isinstance(spec, QueueTrigger)
    return QueueWatcher(project.store, bot, spec, gate.event)


def _folder_watcher(project: Project, bot: str, spec: FolderTrigger, gate: TriggerGate) -> FolderWatcher:
    if spec.path is not None:
        path = spec.path if spec.path.is_absolute() else project.settings.project_dir / spec.path
        return FolderWatcher(path, gate.event)
    from clerk.sources.configured import build_source

    source = build_source(project, spec.source or "", project.settings.var_dir / "documents")
    config = getattr(source, "config", None)
    if getattr(source, "kind", None) != "folder" or config is None:
        raise ConfigError(f"bots/{bot}.toml", "trigger.source", f"{spec.source!r} is not a folder source")
    # Files the bot moves out after collecting must not start it again.
    ignore = (config.processed_dir or config.path / "processed",
              config.quarantine_dir or config.path / "quarantine")
    return FolderWatcher(config.path, gate.event, ignore=ignore,
                         partial_suffixes=config.partial_suffixes)

