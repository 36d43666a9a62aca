"""Severity per bot: ``[validation.en16931]`` in a bot file."""

from __future__ import annotations

import pytest
from lxml import etree
from pydantic import ValidationError

from clerk.bots import load_bot
from clerk.extract.en16931 import En16931Settings, check_document
from clerk.models.finding import Severity
from clerk.testing._en16931 import EInvoiceEditor, rich_document
from clerk.validation import ValidationSettings


def _broken() -> etree._Element:
    editor = EInvoiceEditor(rich_document("ubl"))
    editor.drop("BT-9", "BT-20").drop("BT-34-1").put("BT-48", "DE811907981")   # BR-CO-25, BR-62, a bad VAT id
    return editor.root


def _severities(settings: En16931Settings) -> dict[str, Severity]:
    return {f.code: f.severity for f in check_document(_broken(), settings)}


def test_defaults_are_the_standards_flags():
    assert _severities(En16931Settings()) == {"BR-CO-25": Severity.ERROR, "BR-62": Severity.ERROR,
                                              "vat_id_invalid": Severity.WARNING}


def test_exact_id_beats_pattern_and_off_drops_the_rule():
    settings = En16931Settings(severity={"BR-CO-*": "info", "BR-CO-25": "warning", "BR-6?": "off",
                                         "vat_id_invalid": "error"})
    assert _severities(settings) == {"BR-CO-25": Severity.WARNING, "vat_id_invalid": Severity.ERROR}
    assert settings.level("BR-CO-10") is Severity.INFO


def test_rules_can_be_switched_off_for_a_bot():
    assert check_document(_broken(), En16931Settings(enabled=False)) == ()


@pytest.mark.parametrize("key", ["BR-99", "BR-XX-*", "br-06"])
def test_a_misspelt_rule_is_refused_at_config_load(key):
    with pytest.raises(ValidationError, match="names no EN 16931 rule"):
        En16931Settings(severity={key: "warning"})


def test_a_bot_file_sets_them_under_validation(tmp_path):
    bot_file = tmp_path / "invoices.toml"
    bot_file.write_text('robot = "robots/x.robot"\n[validation.en16931]\n'
                        'severity = { "BR-CO-25" = "warning", "BR-IC-*" = "off" }\n')
    settings = ValidationSettings(**load_bot(bot_file).validation).en16931
    assert settings.level("BR-CO-25") is Severity.WARNING and settings.level("BR-IC-11") is None
    assert settings.level("BR-06") is Severity.ERROR
