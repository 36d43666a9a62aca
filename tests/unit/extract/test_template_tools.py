"""``clerk templates show-text`` / ``clerk templates test`` and the ``--templates`` check, through the CLI."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clerk.cli import app
from clerk.testing import plain_pdf
from tests.unit.extract.ocr.scans import invoice_for

runner = CliRunner()
REPO = Path(__file__).resolve().parents[3]
TEMPLATES = REPO / "config" / "templates"


@pytest.fixture()
def nordwind_pdf(tmp_path):
    path = tmp_path / "nordwind.pdf"
    path.write_bytes(plain_pdf(invoice_for("NORD"), "nordwind"))
    return path


def test_show_text_prints_what_the_matcher_sees(nordwind_pdf):
    result = runner.invoke(app, ["templates", "show-text", str(nordwind_pdf)])
    assert result.exit_code == 0
    assert "Rechnungsdatum: 02.11.2026" in result.stdout and "Zahlbetrag 9.128,25 EUR" in result.stdout


def test_test_shows_each_field_and_the_values(nordwind_pdf):
    result = runner.invoke(app, ["templates", "test", f"{TEMPLATES}/nordwind.yml", str(nordwind_pdf), "--json"])
    assert result.exit_code == 0, result.output
    trial = json.loads(result.stdout)
    assert trial["keywords_match"] and trial["lines"] == 3
    assert trial["printed"]["issue_date"] == "02.11.2026" and trial["printed"]["credit_note"] is None
    assert trial["values"]["issue_date"] == "2026-11-02" and trial["values"]["totals.payable"] == "9128.25"


def test_a_template_that_does_not_fit_fails(nordwind_pdf):
    result = runner.invoke(app, ["templates", "test", f"{TEMPLATES}/acme.yml", str(nordwind_pdf)])
    assert result.exit_code == 1
    assert "do NOT match" in result.stdout and "number not found" in result.stdout


def test_an_order_mapping_is_not_a_pdf_template(nordwind_pdf):
    result = runner.invoke(app, ["templates", "test", f"{TEMPLATES}/acme-orders.yml", str(nordwind_pdf)])
    assert result.exit_code == 1 and "not a pdf_invoice template" in result.output


@pytest.mark.parametrize("folder, message", [("missing", "does not exist"), ("empty", "holds no template")])
def test_a_wrong_templates_folder_is_an_error_not_silence(tmp_path, nordwind_pdf, folder, message):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["extract", "--templates", str(tmp_path / folder), str(nordwind_pdf)])
    assert result.exit_code == 1 and message in result.output


def test_extract_with_the_default_folder_still_reads(nordwind_pdf, monkeypatch):
    monkeypatch.chdir(REPO)           # the default is the project's config/templates
    result = runner.invoke(app, ["extract", "--json", str(nordwind_pdf)])
    assert result.exit_code == 0 and json.loads(result.stdout)["template"] == "nordwind"
