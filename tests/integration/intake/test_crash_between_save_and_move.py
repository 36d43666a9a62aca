"""A run killed after saving a message's documents and committing their items,
but before the message was moved to the processed folder, must not duplicate
anything on the next run (real Dovecot, real queue)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from clerk.store import open_store
from clerk.store.schema import work_items
from clerk.testing.documents import demo_invoice, ubl_xml

pytestmark = [pytest.mark.integration]

COLLECT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from clerk.config import load_settings
    from clerk.intake import collect
    from clerk.project import open_project
    from clerk.sources.configured import build_source

    project = open_project(load_settings(Path(sys.argv[1])))
    source = build_source(project, "inbox", project.settings.output_dir / "run" / "documents")
    if os.environ.get("DIE_BEFORE_MOVE"):
        def die(keys):  # the items are committed; the move never happens
            os.kill(os.getpid(), signal.SIGKILL)
        source.acknowledge = die
    summary = collect(source, project.queue, "ap")
    print(summary.collected, summary.duplicates)
""")


def _message(number: str) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "billing@acme-office.example"
    message["To"] = "ap@clerk.example"
    message["Subject"] = f"Invoice {number}"
    message["Message-ID"] = f"<{number}@acme-office.example>"
    message.set_content("Please find the invoice attached.")
    message.add_attachment(ubl_xml(demo_invoice("ACME", number, [("PAPER-A4", "1", "4.20")])),
                           maintype="application", subtype="octet-stream", filename=f"{number}.xml")
    return message.as_bytes()


def _run(root, env: dict) -> subprocess.CompletedProcess:  # noqa: ANN001
    return subprocess.run([sys.executable, "-c", COLLECT, str(root)], env=env,
                          capture_output=True, text=True, timeout=120)


def test_killed_between_save_and_move_does_not_duplicate(tmp_path, mailbox):
    mailbox.append(_message("CRASH-1"), _message("CRASH-2"))
    (tmp_path / "config").mkdir()
    (tmp_path / "imap.password").write_text(mailbox.password)
    (tmp_path / "config" / "clerk.toml").write_text(f"""
[sources.inbox]
type = "email"
host = "{mailbox.host}"
port = {mailbox.port}
tls = "plain"
user = "{mailbox.user}"
password = "file:imap.password"
""")
    env = {**os.environ, "CLERK_DATABASE_URL": f"sqlite:///{tmp_path / 'clerk.db'}"}
    killed = _run(tmp_path, {**env, "DIE_BEFORE_MOVE": "1"})
    assert killed.returncode == -9, killed.stderr
    assert mailbox.count("INBOX") == 2           # not moved
    again = _run(tmp_path, env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.split() == ["0", "2"]      # nothing new, two recorded duplicates
    store = open_store(env["CLERK_DATABASE_URL"])
    with store.read() as conn:
        live = conn.scalar(select(func.count()).select_from(work_items)
                           .where(work_items.c.superseded_by.is_(None)))
    store.dispose()
    assert live == 2
    assert mailbox.count("INBOX") == 0 and mailbox.count("clerk-processed") == 2
    third = _run(tmp_path, env)
    assert third.stdout.split() == ["0", "0"]
