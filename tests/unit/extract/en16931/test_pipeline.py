"""The EN 16931 findings through a real project: the bot file sets their
severity, the extract step stores them with the item, and an e-invoice
without a record to read goes to review with them (never to quarantine)."""

from __future__ import annotations

from pathlib import Path

from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.pipeline import BotPipeline
from clerk.project import open_project
from clerk.queue import ItemState
from clerk.runtime import build_worker, close_handlers
from clerk.testing._en16931 import EInvoiceEditor, rich_document


def _project(root: Path):  # noqa: ANN202 - Project
    (root / "config").mkdir(parents=True)
    (root / "bots").mkdir()
    (root / "config" / "clerk.toml").write_text(f'database_url = "sqlite:///{root / "clerk.db"}"\n'
                                                "[worker]\npoll_seconds = 0.05\n")
    (root / "bots" / "ap.toml").write_text('name = "ap"\n[validation.en16931]\n'
                                           'severity = { "BR-CO-25" = "warning" }\n')
    return open_project(load_settings(root))


def _enqueue(project, name: str, data: bytes) -> int:  # noqa: ANN001
    path = project.settings.project_dir / f"{name}.xml"
    path.write_bytes(data)
    return project.queue.enqueue("ap", f"test:{name}", {"path": str(path), "filename": path.name}).item_id


def test_the_extract_step_keeps_the_findings_at_the_bots_severity(tmp_path):
    project = _project(tmp_path)
    item = _enqueue(project, "no-terms", EInvoiceEditor(rich_document("ubl")).drop("BT-9", "BT-20").bytes())
    pipeline = BotPipeline(project, load_bots(project.settings.project_dir)["ap"])
    try:
        [lease] = project.queue.lease("w")
        moved = pipeline.extract(project.queue, lease)
    finally:
        pipeline.close()
    assert moved.state is ItemState.EXTRACTED
    findings = project.queue.get(item)["findings"]
    assert [(f["code"], f["severity"], f["rule"]) for f in findings] == [("BR-CO-25", "warning", "en16931")]


def test_an_invoice_missing_mandatory_parts_goes_to_review_with_its_rules(tmp_path):
    project = _project(tmp_path)
    item = _enqueue(project, "no-seller", EInvoiceEditor(rich_document("cii")).drop("BT-27").drop("BT-112").bytes())
    worker = build_worker(project, seal_audit=False, run_requests=False)
    try:
        worker.run(drain=True)
    finally:
        close_handlers(worker)
    row = project.queue.get(item)
    assert (row["state"], row["reason_code"]) == ("needs_review", "en16931")
    assert {"BR-06", "BR-14", "BR-CO-15"} <= {f["code"] for f in row["findings"]}
