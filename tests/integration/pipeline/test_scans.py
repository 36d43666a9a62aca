"""Scans through the whole pipeline: a degraded scan is read and posted like any
PDF; a page nobody can read goes to a person as unreadable_scan, never to the ERP."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest

from clerk.runtime import build_worker, close_handlers
from clerk.testing.documents import demo_invoice, plain_pdf
from tests.helpers.projects import invoices_with_key, make_project, open_test_project
from tests.unit.extract.ocr.scans import degraded, harsh, image_pdf, rasterize

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _enqueue_scan(project, name: str, data: bytes) -> int:  # noqa: ANN001
    folder = project.settings.output_dir / "scans"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    return project.queue.enqueue("ap", f"scan:{name}", {"path": str(path), "filename": path.name}).item_id


def test_scans_are_posted_or_sent_to_a_person(tmp_path, tryton_server, tryton_connector):
    from tests.fixtures.services import service_missing

    if not os.path.exists("/usr/bin/tesseract"):
        service_missing("tesseract is not installed")
    root = make_project(tmp_path, tryton_server, f"sqlite:///{tmp_path / 'clerk.db'}")
    (root / "config" / "templates").symlink_to(
        os.path.join(os.path.dirname(__file__), "..", "..", "..", "config", "templates"))
    project = open_test_project(root)
    # Nordwind's freight, matching purchase order PO-1002 of the demo ERP.
    readable = demo_invoice("NORD", f"SC-{os.getpid()}", [("FREIGHT", "3", "145.00")],
                            order_reference="PO-1002", issue_date=date(2026, 11, 2),
                            tax_rate=Decimal("19"))
    page = rasterize(plain_pdf(readable, "nordwind"), 300)
    good = _enqueue_scan(project, "good", image_pdf([degraded(page, seed=7)], 300))
    bad = _enqueue_scan(project, "bad", image_pdf([harsh(rasterize(plain_pdf(readable, "nordwind"), 150),
                                                         seed=7)], 150))
    worker = build_worker(project, seal_audit=False)
    try:
        worker.run(drain=True)
    finally:
        close_handlers(worker)
    bad_row = project.queue.get(bad)
    assert bad_row["state"] == "needs_review" and bad_row["reason_code"] == "unreadable_scan", bad_row
    good_row = project.queue.get(good)
    assert good_row["record"]["number"] == readable.number
    assert good_row["record"]["totals"]["payable"] == str(readable.totals.payable)
    if good_row["state"] == "posted":   # read well enough to need nobody
        assert len(invoices_with_key(tryton_connector, good_row["idempotency_key"])) == 1
    else:   # a doubtful field is a person's call, with the finding saying which
        assert good_row["state"] == "needs_review"
        assert any(f["code"].startswith("ocr_") for f in good_row["findings"] or []), (
            good_row["reason_code"], good_row["last_error"], good_row["findings"])
