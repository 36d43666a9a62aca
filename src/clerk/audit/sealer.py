"""The project's sealer: chain, checkpoint, sign, publish, with the project's settings.

Workers seal continuously with it, and every run ends with ``seal_all``: the
chain sealed to its head and one signed checkpoint over it, copied to the
checkpoint file and mailed to the auditors when configured.
"""

from __future__ import annotations

import logging
import smtplib

from clerk.audit.chain import SealResult, seal
from clerk.audit.checkpoint import Checkpoint, checkpoint_of_size
from clerk.audit.publish import append_checkpoint, mail_checkpoint
from clerk.audit.settings import AuditSettings
from clerk.audit.signing import CheckpointSigner
from clerk.errors import ConfigError
from clerk.secrets import SecretKind, SecretResolver
from clerk.store import Store

log = logging.getLogger("clerk.audit")


class AuditSealer:
    """``seal`` one batch (the worker's loop), ``seal_all`` to the head with a checkpoint."""

    def __init__(self, store: Store, settings: AuditSettings, *, signer: CheckpointSigner | None = None,
                 secrets: SecretResolver | None = None):
        self.store = store
        self.settings = settings
        self.signer = signer
        self._secrets = secrets

    def seal(self, *, force_checkpoint: bool = False) -> SealResult:
        result = seal(self.store, batch=self.settings.seal_batch,
                      checkpoint_every=self.settings.checkpoint_every, signer=self.signer,
                      force_checkpoint=force_checkpoint)
        if result.checkpoint is not None:
            self.publish(result.checkpoint, mail=force_checkpoint)
        return result

    def seal_all(self) -> int:
        """Everything committed, then a checkpoint at the head (the end of a run)."""
        total = 0
        while (result := self.seal()).sealed:
            total += result.sealed
        final = self.seal(force_checkpoint=True)
        if final.checkpoint is None and self.settings.checkpoint_mail is not None:
            # The head already had its checkpoint (a periodic one): the auditors get that one.
            point = checkpoint_of_size(self.store, final.head_seq)
            if point is not None:
                self._mail(point)
        return total

    def publish(self, point: Checkpoint, *, mail: bool) -> None:
        """The file gets every checkpoint; the auditors' mail the ones that end runs.
        A copy that fails is logged: the checkpoint itself is already committed."""
        settings = self.settings
        if settings.checkpoint_file is not None:
            path = settings.checkpoint_file
            path = path if path.is_absolute() or self._secrets is None else self._secrets.project_dir / path
            try:
                append_checkpoint(path, point)
            except OSError as exc:
                log.error("checkpoint %s not written to %s: %s", point.tree_size, path, exc.strerror)
        if mail and settings.checkpoint_mail is not None:
            self._mail(point)

    def _mail(self, point: Checkpoint) -> None:
        mail = self.settings.checkpoint_mail
        try:
            password = self._secrets.resolve(mail.password) if mail.password and self._secrets else None
            mail_checkpoint(mail, point, password)
        except (OSError, smtplib.SMTPException, ConfigError) as exc:
            log.error("checkpoint %s not mailed to %s: %s", point.tree_size, ", ".join(mail.to),
                      type(exc).__name__)


def load_signer(settings: AuditSettings, secrets: SecretResolver) -> CheckpointSigner | None:
    """The configured signing key, or None when none is configured; ConfigError
    when it is configured but cannot be read."""
    if settings.signing_key is None:
        return None
    pem = secrets.resolve(settings.signing_key, kind=SecretKind.SECRET)
    return CheckpointSigner.from_pem(pem, settings.signing_key)


def project_sealer(project) -> AuditSealer:  # noqa: ANN001 - clerk.project.Project (imports this package)
    settings = project.settings.audit
    return AuditSealer(project.store, settings, signer=load_signer(settings, project.secrets),
                       secrets=project.secrets)


def seal_at_run_end(project) -> None:  # noqa: ANN001 - clerk.project.Project
    """Every run ends on a signed checkpoint. A key that cannot be read is the
    operator's to fix, but must not turn a finished run into a failed one."""
    try:
        project_sealer(project).seal_all()
    except ConfigError as exc:
        log.error("audit checkpoint at the end of the run not signed: %s", exc)
        AuditSealer(project.store, project.settings.audit).seal_all()
