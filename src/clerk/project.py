"""Opening a clerk project: settings in, the engine's objects out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from clerk.audit.events import AuditLog
from clerk.audit.redact import SecretMasker
from clerk.config import Settings
from clerk.queue import WorkQueue
from clerk.secrets import SecretResolver
from clerk.store import Store, open_store


@dataclass
class Project:
    """Everything a command needs, built once from the settings."""

    settings: Settings
    masker: SecretMasker

    @cached_property
    def secrets(self) -> SecretResolver:
        return SecretResolver(self.settings.project_dir, self.masker,
                              self.settings.audit.secret_references)

    @cached_property
    def store(self) -> Store:
        return open_store(self.settings.effective_database_url)

    @cached_property
    def audit(self) -> AuditLog:
        from clerk.webhooks.model import webhook_specs
        from clerk.webhooks.outbox import Outbox

        specs = webhook_specs(self.settings.webhooks)
        return AuditLog(self.masker, observers=(Outbox(specs),) if specs else ())

    @cached_property
    def queue(self) -> WorkQueue:
        return WorkQueue(self.store, self.settings.queue, self.audit)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.dispose()


def open_project(settings: Settings) -> Project:
    return Project(settings=settings, masker=SecretMasker())
