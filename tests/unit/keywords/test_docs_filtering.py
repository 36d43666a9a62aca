"""``make docs`` on a project's own rule files: each page carries its
library's version, and a rule file's imported helpers are not keywords."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RULES = '''
from os.path import basename
from decimal import Decimal

from clerk.models.invoice import Invoice
from clerk.validation import Finding, rule, warning

LIMIT = Decimal("10")


@rule("tiny_total", applies_to=Invoice)
def tiny_total(invoice, context):
    """A total under ten is worth a look."""
    return [warning("tiny_total", "tiny", "totals.gross")] if invoice.totals.gross < LIMIT else []


def normalised_number(number):
    """A helper written here: a keyword of this file."""
    return basename(number).upper()


def _private(value):
    return value
'''

VERSIONED = '''
ROBOT_LIBRARY_VERSION = "2.1.0"


def greet_supplier(name):
    return f"hello {name}"
'''


def load_make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spec_of(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text())


def test_rule_file_lists_its_own_functions_not_imported_helpers(tmp_path):
    (tmp_path / "keywords").mkdir()
    (tmp_path / "keywords" / "tiny_rules.py").write_text(RULES)
    (tmp_path / "keywords" / "supplier_words.py").write_text(VERSIONED)
    out = tmp_path / "docs"
    load_make_docs().make_docs(out, root=tmp_path)

    rules = spec_of(out, "tiny_rules")
    assert sorted(k["name"] for k in rules["keywords"]) == ["Normalised Number", "Tiny Total"]
    digest = rules["version"]
    assert digest.startswith("sha256:") and len(digest) == len("sha256:") + 12
    assert spec_of(out, "supplier_words")["version"] == "2.1.0"
    assert [k["name"] for k in spec_of(out, "supplier_words")["keywords"]] == ["Greet Supplier"]


def test_engine_library_carries_clerks_version(tmp_path):
    from importlib.metadata import version

    load_make_docs().make_docs(tmp_path / "docs", root=ROOT)
    clerk = spec_of(tmp_path / "docs", "ClerkLibrary")
    assert clerk["version"] == version("clerk-rpa")
    assert "Process Work Items" in {k["name"] for k in clerk["keywords"]}
    shipped = spec_of(tmp_path / "docs", "invoice_rules")
    assert {k["name"] for k in shipped["keywords"]} == {"Round Amount", "Weekend Invoice Date"}
