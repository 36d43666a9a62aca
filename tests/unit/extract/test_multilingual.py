"""Generated text PDFs in Dutch, German, French, Italian and Spanish, dates with month names
in words: read by templates that use the flexible features (issue 24)."""

import re
from datetime import date
from decimal import Decimal

import pytest
import yaml

from clerk.errors import ConfigError, ExtractionError
from clerk.extract import ExtractionSession, ExtractSettings
from clerk.testing import plain_pdf
from clerk.testing._layouts_eu import EU_LAYOUTS
from tests.unit.extract.ocr.scans import invoice_for

SELLERS = {"vanrijn": "Van Rijn Kantoorartikelen B.V.", "hafen": "Hafen Bürobedarf GmbH",
           "lumiere": "Lumière Fournitures SAS", "lungo": "Lungo Forniture S.r.l.",
           "sierra": "Sierra Suministros S.L."}
LANGUAGES = {"vanrijn": "nl", "hafen": "de", "lumiere": "fr", "lungo": "it", "sierra": "es"}
AMOUNT = r"-?\d{1,3}(?:[ .]\d{3})*,\d{2}"


def _label(text: str) -> str:
    return "^" + re.escape(text).replace(re.escape("{rate}"), r"[\d,]+") + r"[ \t]*"


def template_for(name: str) -> dict:
    """A template as a supplier's clerk user would write it for this layout."""
    layout = EU_LAYOUTS[name]
    money = {label: _label(label) + r"(?:EUR )?(?P<value>" + AMOUNT + ")"
             for label in (layout.net, layout.gross, layout.payable, layout.tax)}
    return {
        "name": name, "kind": "pdf_invoice",
        "keywords": [layout.number.upper()],                 # case does not matter
        "any_keywords": [layout.title.lower(), layout.credit_title.lower()],
        "seller": {"country": "DE"},
        "number_format": "1 234,56" if layout.thousands == " " else "1.234,56",
        "date_format": [layout.date_format, "%d.%m.%Y"],
        "date_languages": [LANGUAGES[name]],
        "fields": {
            "seller.name": r"\A(?P<value>[^\n]+?)[ \t]*$",   # read from the page, not a constant
            "number": [r"^Invoice no\. (?P<value>\S+)", _label(layout.number) + r"(?P<value>\S+)"],
            "issue_date": _label(layout.issue_date) + r"(?P<value>.+?)[ \t]*$",
            "due_date": _label(layout.due_date) + r"(?P<value>.+?)[ \t]*$",
            "seller.tax_id": _label(layout.tax_id) + r"(?P<value>[A-Z]{2}[0-9A-Z]+)",
            "totals.net": money[layout.net], "totals.gross": money[layout.gross],
            "totals.payable": money[layout.payable],
            "totals.tax": _label(layout.tax) + r"(?:EUR )?(?P<value>" + AMOUNT + ")",
        },
    }


def _invoice(name: str):
    invoice = invoice_for("NORD")
    return invoice.model_copy(update={"seller": invoice.seller.model_copy(update={"name": SELLERS[name]})})


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    for name in EU_LAYOUTS:
        (folder / f"{name}.yml").write_text(yaml.safe_dump(template_for(name), allow_unicode=True), encoding="utf-8")
    with ExtractionSession(ExtractSettings(templates_dir=folder)) as shared:
        yield shared


@pytest.mark.parametrize("name", sorted(EU_LAYOUTS))
def test_month_names_and_amounts_in_five_languages(session, name):
    invoice = _invoice(name)
    extraction = session.extract(plain_pdf(invoice, name))
    record = extraction.record
    assert extraction.template == name
    assert (record.issue_date, record.due_date) == (date(2026, 11, 2), date(2026, 12, 2))
    assert record.seller.name == SELLERS[name]                      # read from the page
    assert (record.totals.net, record.totals.tax, record.totals.payable) == (
        Decimal("7670.80"), Decimal("1457.45"), Decimal("9128.25"))


def test_a_month_name_in_the_wrong_language_is_a_clear_error(tmp_path):
    spec = template_for("sierra") | {"date_languages": ["it"]}
    (tmp_path / "sierra.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with ExtractionSession(ExtractSettings(templates_dir=tmp_path)) as own, pytest.raises(ExtractionError) as caught:
        own.extract(plain_pdf(_invoice("sierra"), "sierra"))
    assert caught.value.reason == "bad_date" and "(it)" in caught.value.message


def test_an_unknown_date_language_is_a_config_error(tmp_path):
    spec = template_for("lungo") | {"date_languages": ["xx-nowhere"]}
    (tmp_path / "lungo.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        ExtractionSession(ExtractSettings(templates_dir=tmp_path))
    assert "unknown date languages" in str(caught.value)
