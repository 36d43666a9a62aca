"""A throw-away clerk project pointing at the test services."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from clerk.config import load_settings
from clerk.project import Project, open_project
from clerk.testing.documents import demo_invoice, ubl_xml


def make_project(root: Path, tryton, store_url: str, *, bot: str = "ap",  # noqa: ANN001
                 handler: str | None = None, batch_size: int = 50) -> Path:
    """config/clerk.toml and bots/<bot>.toml for a project posting to ``tryton``."""
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "bots").mkdir(exist_ok=True)
    password_file = root / "erp.password"
    password_file.write_text(tryton.password.get_secret_value())
    password_file.chmod(0o600)
    (root / "config" / "clerk.toml").write_text(f"""
database_url = "{store_url}"
[queue]
lease_seconds = 3
heartbeat_seconds = 1
backoff_base_seconds = 0.3
backoff_max_seconds = 2
backoff_jitter = 0
max_attempts = 20
[worker]
poll_seconds = 0.05
lease_batch = 20
[audit]
seal_interval_seconds = 0.2
[erp]
posting_state = "posted"
[erp.batch]
size = {batch_size}
[erp.tryton]
url = "{tryton.url}"
database = "{tryton.database}"
user = "{tryton.user}"
password = "file:{password_file}"
timeout = 20
""")
    handler_line = f'handler = "{handler}"\n' if handler else ""
    (root / "bots" / f"{bot}.toml").write_text(f'name = "{bot}"\n{handler_line}')
    return root


def open_test_project(root: Path) -> Project:
    return open_project(load_settings(root))


def enqueue_invoices(project: Project, numbers: list[str], *, bot: str = "ap",
                     issue_date: date | None = None, quantity: str = "1") -> list[int]:
    """UBL documents on disk and one collected work item each, as intake would make."""
    folder = project.settings.output_dir / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for number in numbers:
        invoice = demo_invoice("ACME", number, [("PAPER-A4", quantity, "4.20")],
                               issue_date=issue_date or date.today())
        path = folder / f"{number}.xml"
        path.write_bytes(ubl_xml(invoice))
        ids.append(project.queue.enqueue(bot, f"test:{number}", {"path": str(path),
                                                                 "filename": path.name}).item_id)
    return ids


def enqueue_invoice(project: Project, number: str, *, bot: str = "ap", quantity: str = "1",
                    cost_center: str | None = None, issue_date: date | None = None) -> int:
    """One ACME invoice for PAPER-A4 at 4.20 (``quantity`` of them, gross incl. 19 % tax)
    as a UBL document and a collected work item; ``cost_center`` is its BuyerReference."""
    folder = project.settings.output_dir / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    invoice = demo_invoice("ACME", number, [("PAPER-A4", quantity, "4.20")],
                           issue_date=issue_date or date.today())
    invoice = invoice.model_copy(update={"buyer_reference": cost_center})
    path = folder / f"{number}.xml"
    path.write_bytes(ubl_xml(invoice))
    return project.queue.enqueue(bot, f"test:{number}", {"path": str(path),
                                                         "filename": path.name}).item_id


def invoices_with_key(connector, key: str) -> list[dict]:  # noqa: ANN001
    from clerk.erp.tryton._invoice_values import key_description
    from clerk.erp.tryton._lookups import search_read

    return search_read(connector.rpc, "account.invoice",
                       [("description", "=", key_description(key))], ["id", "number", "state"])


def env_for(root: Path) -> dict[str, str]:
    return {**os.environ, "CLERK_PROJECT": str(root)}


_ = Decimal


def drain(project: Project, timeout: float = 180) -> None:
    """Run a real worker until no machine work is left (stopped after ``timeout``)."""
    from clerk.runtime import build_worker, close_handlers

    worker = build_worker(project, seal_audit=False)
    try:
        drain_worker(worker, timeout)
    finally:
        close_handlers(worker)


def drain_worker(worker, timeout: float):  # noqa: ANN001, ANN201 - Worker, WorkerStats
    """``worker.run(drain=True)``, stopped after ``timeout`` so a hang fails the test."""
    import threading

    timer = threading.Timer(timeout, worker.stop)
    timer.start()
    try:
        return worker.run(drain=True)
    finally:
        timer.cancel()
