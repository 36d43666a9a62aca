"""The example robots against the demo world: real Tryton, a real Dovecot
mailbox, the demo supplier portal in Chromium, a real drop folder."""

from __future__ import annotations

import io
import shutil
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner import run_bot
from clerk.store.schema import audit_events, work_items

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[3]
ORDERS_CSV = (
    "PO Number,Confirmation,Date,Currency,Item,Description,Qty,Unit Price,Delivery Date\n"
    "PO-1001,AB-77,2026-11-03,EUR,PAPER-A4,Copy paper A4 500 sheets,100,4.20,2026-11-10\n")


def demo_project(tmp_path: Path, config: str) -> Path:
    for part in ("bots", "robots", "keywords", "config/portals", "config/templates", "config/calendars"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "config" / "clerk.toml").write_text(config)
    return tmp_path


def write_secret(path: Path, value: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value)
    return f"file:{path}"


def assert_no_secrets(outcome, project, secrets: list[str]) -> None:  # noqa: ANN001
    files = [p for p in outcome.output_dir.rglob("*") if p.is_file()]
    assert {"output.xml", "log.html", "report.html"} <= {p.name for p in files}
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"a secret leaked into {path}"
    with project.store.read() as conn:
        audit = "\n".join(conn.execute(select(audit_events.c.data)).scalars())
    for secret in secrets:
        assert secret not in audit


def test_supplier_invoices_robot_posts_and_routes_the_demo_world(
        tmp_path, tryton_server, tryton_connector, mailbox, demo_portal, browser_executable):
    from demo.documents import expected_outcomes
    from demo.mailbox import demo_messages

    mailbox.append(*[message for _, message in demo_messages()])
    var = tmp_path / "var"
    portal_user = write_secret(var / "demo/portal/acme.user", demo_portal.user)
    portal_password = write_secret(var / "demo/portal/acme.password", demo_portal.password)
    erp_password = tryton_server.password.get_secret_value()
    directory = demo_project(tmp_path, f'''
[erp]
kind = "tryton"
posting_state = "posted"
[erp.tryton]
url = "{tryton_server.url}"
database = "{tryton_server.database}"
user = "{tryton_server.user}"
password = "{write_secret(var / 'erp.password', erp_password)}"
[sources.demo-mailbox]
type = "email"
host = "{mailbox.host}"
port = {mailbox.port}
tls = "plain"
user = "{mailbox.user}"
password = "{write_secret(var / 'mail.password', mailbox.password)}"
[sources.acme-portal]
type = "portal"
recipe = "config/portals/acme.toml"
base_url = "{demo_portal.url}"
credentials = {{ user = "{portal_user}", password = "{portal_password}" }}
[sources.acme-portal.browser]
executable_path = "{browser_executable}"
''')
    project = open_project(load_settings(directory))
    try:
        outcome = run_bot(project, load_bots(directory)["supplier_invoices"], loglevel="TRACE")
        with project.store.read() as conn:
            rows = conn.execute(select(work_items).where(work_items.c.bot == "supplier_invoices")).all()
    finally:
        project.close()

    assert outcome.ok, outcome.counts["task_results"]
    expected = Counter(o.outcome for o in expected_outcomes())
    assert Counter(row.state for row in rows) == expected, [
        (row.document_key[-40:], row.state, row.reason_code, (row.last_error or "")[:200])
        for row in rows if row.state != "posted"]
    posted = [row for row in rows if row.state == "posted"]
    for row in posted:  # really in Tryton, posted, found by the key clerk wrote into it
        ref = tryton_connector.find(row.idempotency_key)
        assert ref is not None and ref.state == "posted" and ref.number
    reasons = {o.reason for o in expected_outcomes() if o.outcome == "needs_review"}
    found = {f["code"] for row in rows if row.state == "needs_review" for f in row.findings or []}
    assert reasons <= found
    assert outcome.counts["items"]["posted"] == expected["posted"]
    assert_no_secrets(outcome, project, [erp_password, mailbox.password, demo_portal.password])


def test_order_confirmations_robot_reads_the_drop_folder(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "acme-ab77.csv").write_text(ORDERS_CSV)
    book = Workbook()
    book.active.append(["PO Number", "Confirmation", "Date", "Currency", "Item", "Description",
                        "Qty", "Unit Price", "Delivery Date"])
    book.active.append(["PO-1001", "AB-78", "2026-11-05", "EUR", "PAPER-A4", "Paper", 50, 4.2,
                        "2026-11-20"])
    buffer = io.BytesIO()
    book.save(buffer)
    (drop / "acme-ab78.xlsx").write_bytes(buffer.getvalue())
    directory = demo_project(tmp_path, f'''
[sources.scanner-drop]
type = "folder"
path = "{drop}"
settle_seconds = 0
''')
    project = open_project(load_settings(directory))
    try:
        outcome = run_bot(project, load_bots(directory)["order_confirmations"])
        with project.store.read() as conn:
            rows = conn.execute(select(work_items).where(work_items.c.bot == "order_confirmations")).all()
    finally:
        project.close()
    assert outcome.ok, outcome.counts["task_results"]
    statuses = {t["name"]: t["status"] for t in outcome.counts["task_results"]}
    assert statuses["Collect order confirmations from the mailbox"] == "SKIP"
    assert sorted(str((row.record or {}).get("confirmation_number")) for row in rows) == [
        "AB-77", "AB-78"], [(row.state, row.reason_code, row.last_error) for row in rows]
    assert {row.state for row in rows} == {"needs_review"}
    assert {row.reason_code for row in rows} == {"order_confirmation"}
