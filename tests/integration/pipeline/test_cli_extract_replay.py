"""`clerk extract` and `clerk rules replay` from the command line."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from clerk.cli import app
from clerk.runtime import build_worker, close_handlers
from clerk.testing.documents import demo_invoice, ubl_xml
from tests.helpers.projects import enqueue_invoices, make_project, open_test_project

STRICT_RULE = '''
from clerk.models.invoice import Invoice
from clerk.validation import error, rule


@rule("no_numbers_ending_in_one", applies_to=Invoice)
def no_numbers_ending_in_one(invoice, context):
    if invoice.number.endswith("-1"):
        return [error("number_ends_in_one", "numbers ending in -1 are suspicious", "number")]
    return []
'''


def test_extract_prints_one_json_object_per_file_and_exits_0(tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(ubl_xml(demo_invoice("ACME", "EX-1", [("PAPER-A4", "2", "4.20")])))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated")
    result = CliRunner().invoke(app, ["extract", str(good), str(bad), "--json"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["number"] == "EX-1" and first["seller"]["tax_id"] == "DE129274202"
    assert first["totals"]["payable"] == "10.00"
    assert second["error"]["reason"] in {"malformed_pdf", "pdf_crashed"}


def test_extract_without_files_is_a_usage_error():
    assert CliRunner().invoke(app, ["extract", "--json"]).exit_code == 2


@pytest.mark.integration
def test_replay_names_exactly_the_items_a_new_rule_flips(tmp_path, tryton_server):
    root = make_project(tmp_path, tryton_server, f"sqlite:///{tmp_path / 'clerk.db'}")
    project = open_test_project(root)
    stem = f"RP{os.getpid()}"
    ids = enqueue_invoices(project, [f"{stem}-1", f"{stem}-2", f"{stem}-3"])
    worker = build_worker(project, seal_audit=False)
    try:
        worker.run(drain=True)
    finally:
        close_handlers(worker)
    assert {project.queue.get(i)["state"] for i in ids} == {"posted"}
    (root / "keywords").mkdir()
    (root / "keywords" / "strict.py").write_text(STRICT_RULE)
    result = CliRunner().invoke(app, ["rules", "replay", "-C", str(root), "--since", "2000-01-01",
                                      "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["ap"]
    assert [change["item_id"] for change in report["changed"]] == [ids[0]]
    assert report["checked"] == 3
    assert {project.queue.get(i)["state"] for i in ids} == {"posted"}   # nothing changed
