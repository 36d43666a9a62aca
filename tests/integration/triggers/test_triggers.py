"""Event triggers for real: the leader's watchers turn a mail APPENDed to
Dovecot, a file dropped in a folder, or items waiting in the queue into run
requests, which a worker then executes like any scheduled run."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from clerk.audit.events import as_utc
from clerk.runner import claim_and_execute_run
from clerk.runner.records import list_runs
from tests.integration.scheduler.conftest import clean_store, wait_for  # noqa: F401
from tests.integration.scheduler.test_service import HANDLER, Running, add_bot, project, requests_of  # noqa: F401

pytestmark = pytest.mark.integration


def trigger_toml(body: str) -> str:
    return HANDLER + "\n[trigger]\n" + body + "coalesce = true\nmax_instances = 1\n"


def with_mailbox(project, mailbox, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("TRIGGER_BOX_PASSWORD", mailbox.password)
    config = project.settings.project_dir / "config" / "clerk.toml"
    config.write_text(config.read_text() + (
        f'\n[sources.box]\ntype = "email"\nhost = "{mailbox.host}"\nport = {mailbox.port}\n'
        f'tls = "plain"\nuser = "{mailbox.user}"\npassword = "env:TRIGGER_BOX_PASSWORD"\n'))


def reopened(project):  # noqa: ANN001, ANN201
    from clerk.config import load_settings
    from clerk.project import open_project

    return open_project(load_settings(project.settings.project_dir))


def a_mail(subject: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "supplier@example.com", "ap@example.com", subject
    message.set_content("invoice attached")
    return message.as_bytes()


def watcher_of(service):  # noqa: ANN001, ANN201
    return service.watching.watchers[0]


@pytest.mark.parametrize("idle", [True, False], ids=["idle", "polling"])
def test_a_mail_appended_starts_the_bot(project, mailbox, monkeypatch, idle):  # noqa: ANN001
    with_mailbox(project, mailbox, monkeypatch)
    project = reopened(project)
    add_bot(project, "inbox", trigger_toml(
        f'kind = "mail"\nsource = "box"\nidle = {str(idle).lower()}\npoll = "0.5s"\ndebounce = "0.1s"\n'))
    with Running(project) as service:
        watcher = watcher_of(service)
        wait_for(lambda: watcher.mode is not None, what="the mail watcher connected")
        assert watcher.mode == ("idle" if idle else "poll")
        assert requests_of(project, "inbox") == []       # an empty folder asks for nothing
        appended, appended_at = time.monotonic(), datetime.now(UTC)
        mailbox.append(a_mail("INV-1"))
        wait_for(lambda: requests_of(project, "inbox"), deadline=10, what="a run request")
        latency = time.monotonic() - appended
        print(f"\nmail trigger ({watcher.mode}) latency APPEND -> run request: {latency:.3f}s")
        assert claim_and_execute_run(project, "worker-1")
    [run] = list_runs(project.store, bot="inbox")
    print(f"mail trigger latency APPEND -> run start: "
          f"{(as_utc(run['started_at']) - appended_at).total_seconds():.3f}s")
    [request] = requests_of(project, "inbox")
    assert request.trigger == "trigger:mail" and request.state == "done"
    assert [run["trigger"] for run in list_runs(project.store, bot="inbox")] == ["trigger:mail"]
    project.close()


def test_a_file_dropped_in_the_folder_starts_the_bot_once_it_is_complete(project, tmp_path):  # noqa: ANN001
    drop = tmp_path / "drop"
    add_bot(project, "scans", trigger_toml(f'kind = "folder"\npath = "{drop}"\ndebounce = "0.2s"\n'))
    with Running(project) as service:
        gate = service.watching.gates["scans"][0]
        (drop / "scan-1.pdf.part").write_bytes(b"%PDF-1.7 half")
        (drop / "scan-1.pdf.part").rename(drop / "scan-1.pdf")
        wait_for(lambda: requests_of(project, "scans"), deadline=10, what="a run request")
        assert gate.bursts == 1
        assert claim_and_execute_run(project, "worker-1")
    [request] = requests_of(project, "scans")
    assert request.trigger == "trigger:folder" and request.state == "done"


def test_items_waiting_in_the_queue_start_the_bot(project):  # noqa: ANN001
    add_bot(project, "batcher", trigger_toml('kind = "queue"\nmin_items = 3\npoll = "0.1s"\ndebounce = "0s"\n'))
    add_bot(project, "trickle", trigger_toml('kind = "queue"\nmax_wait = "1s"\npoll = "0.1s"\ndebounce = "0s"\n'))
    with Running(project) as service:
        gate = service.watching.gates["batcher"][0]
        for n in range(3):
            project.queue.enqueue("batcher", f"doc-{n}", {"n": n})
        started = time.monotonic()
        project.queue.enqueue("trickle", "doc-late", {})
        wait_for(lambda: requests_of(project, "batcher"), deadline=10, what="the full queue's run")
        wait_for(lambda: requests_of(project, "trickle"), deadline=10, what="the old item's run")
        assert time.monotonic() - started >= 1.0            # not before the oldest waited max_wait
        # The items still wait while that run is queued: no second request piles up.
        bursts = gate.bursts
        wait_for(lambda: gate.bursts > bursts + 2, what="more polls of the full queue")
        assert claim_and_execute_run(project, "worker-1")
    assert len(requests_of(project, "batcher")) == 1
    assert requests_of(project, "batcher")[0].trigger == "trigger:queue"
