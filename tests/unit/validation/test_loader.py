from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clerk.errors import ConfigError
from clerk.validation import ValidationEngine, builtin_rules, load_rules

from .invoices import PROJECT_KEYWORDS, po_1001_invoice, revised, with_totals

RULE = '''
from clerk.models.invoice import Invoice
from clerk.validation import rule, warning

@rule("{name}", applies_to=Invoice)
def {name}(invoice, context):
    return [warning("{name}", "seen")]
'''


def write(folder: Path, filename: str, text: str) -> Path:
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


def test_project_rules_are_loaded_by_path_and_run(context):
    user_rules = load_rules(PROJECT_KEYWORDS, reserved={s.name for s in builtin_rules()})
    assert {spec.name for spec in user_rules} >= {"weekend_invoice_date", "round_amount"}
    engine = ValidationEngine(builtin_rules() + user_rules)
    saturday = revised(po_1001_invoice(), issue_date=date(2026, 11, 28))
    assert [f.code for f in engine.validate(saturday, context).findings] == [
        "weekend_invoice_date"]
    assert engine.validate(po_1001_invoice(), context).findings == ()


def test_round_amount_user_rule(context):
    [spec] = [s for s in load_rules(PROJECT_KEYWORDS) if s.name == "round_amount"]
    assert spec.function(with_totals(po_1001_invoice(), gross="2000.00"), context)[0].code \
        == "round_amount"
    assert spec.function(po_1001_invoice(), context) == []


def test_files_in_name_order_helpers_and_imported_rules_skipped(tmp_path):
    write(tmp_path, "b.py", RULE.format(name="second"))
    write(tmp_path, "a.py", RULE.format(name="first")
          + "from clerk.validation.rules.arithmetic import arithmetic\n")
    write(tmp_path, "_helpers.py", "raise RuntimeError('never imported')\n")
    write(tmp_path, "notes.txt", "not python")
    assert [spec.name for spec in load_rules(tmp_path)] == ["first", "second"]


def test_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "broken.py", "x = 1\n\ndef oops(:\n    pass\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    assert caught.value.file == str(path) and caught.value.line == 3
    assert "syntax error" in caught.value.message


def test_failing_import_names_file_and_line(tmp_path):
    path = write(tmp_path, "needs.py", "import os\nimport no_such_module_for_clerk\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    assert (caught.value.file, caught.value.line) == (str(path), 2)
    assert "ModuleNotFoundError" in caught.value.message


def test_exception_at_import_time_names_the_line_in_the_file(tmp_path):
    write(tmp_path, "boom.py", "def f():\n    return 1 / 0\n\nf()\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(tmp_path)
    assert caught.value.line == 2


def test_duplicate_and_reserved_names_are_refused(tmp_path):
    write(tmp_path, "a.py", RULE.format(name="same"))
    write(tmp_path, "b.py", RULE.format(name="same"))
    with pytest.raises(ConfigError, match="already defined"):
        load_rules(tmp_path)
    with pytest.raises(ConfigError, match="built-in"):
        load_rules(tmp_path, reserved={"same"})


def test_missing_folder(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_rules(tmp_path / "nowhere")
