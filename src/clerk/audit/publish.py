"""Copying checkpoints outside the database: an append-only file, an auditor's mailbox.

An operator who can rewrite the database (and re-sign with a new key) cannot
take back a checkpoint an auditor already holds; the offline verifier then
shows the rewrite. Publishing happens after the sealing transaction commits,
so a checkpoint outside never names a tree the database does not have.
"""

from __future__ import annotations

import logging
import os
import smtplib
from email.message import EmailMessage
from pathlib import Path

from clerk.audit.checkpoint import Checkpoint
from clerk.audit.settings import CheckpointMail

log = logging.getLogger("clerk.audit")


def append_checkpoint(path: Path, point: Checkpoint) -> None:
    """One JSON line per checkpoint, flushed to disk before returning."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: each write lands at the end whatever else has the file open.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(point.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def mail_checkpoint(mail: CheckpointMail, point: Checkpoint, password: str | None) -> None:
    """The checkpoint as a mail body (JSON) and as an attachment the verifier reads."""
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = f"clerk audit checkpoint: {point.tree_size} events"
    message.set_content(f"Keep this checkpoint; `python -m clerk.audit.offline proof.json "
                        f"--key auditor.pub --held checkpoint.json` checks later proofs "
                        f"against it.\n\n{point.to_json()}\n")
    message.add_attachment(point.to_json().encode(), maintype="application", subtype="json",
                           filename=f"checkpoint-{point.tree_size}.json")
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_s) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.user and password:
            smtp.login(mail.user, password)
        smtp.send_message(message)
