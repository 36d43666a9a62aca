"""Every implemented EN 16931 rule, on UBL and on CII: the rich invoice (in
the rule's VAT category) passes it, and the same invoice with the one breach
the rule forbids fails it, with the rule's id, official text and the element path."""

from __future__ import annotations

from functools import cache

import pytest
from lxml import etree

from clerk.extract.en16931 import RULE_TEXTS, check_document
from clerk.models.finding import Severity
from clerk.testing._en16931 import EInvoiceEditor, in_category
from tests.unit.extract.en16931.breaches import ALL, Breach

SYNTAXES = ("ubl", "cii")
STDNUM_CHECKS = {"iban_invalid", "vat_id_invalid"}


@cache
def _base(syntax: str, category: str) -> bytes:
    return in_category(syntax, category)


def _findings(data: bytes):
    return check_document(etree.fromstring(data))


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("category", ["S", "Z", "E", "AE", "K", "G", "O"])
def test_the_rich_invoice_breaks_no_rule_in_any_category(syntax, category):
    assert [(f.code, f.field) for f in _findings(_base(syntax, category))] == []


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("breach", ALL, ids=str)
def test_each_rule_is_broken_by_its_breach_and_only_then(syntax, breach: Breach):
    clean = _base(syntax, breach.base)
    assert breach.rule not in {f.code for f in _findings(clean)}
    editor = EInvoiceEditor(clean)
    breach.edit(editor)
    hits = [f for f in _findings(editor.bytes()) if f.code == breach.rule]
    assert hits, f"{breach.rule} not reported on {syntax}"
    finding = hits[0]
    assert finding.message == f"[{breach.rule}] {RULE_TEXTS[breach.rule]}"
    assert finding.severity is (Severity.WARNING if breach.rule == "BR-51" else Severity.ERROR)
    assert finding.rule == "en16931"
    root_prefix = "/ubl:Invoice/" if syntax == "ubl" else "/rsm:CrossIndustryInvoice/"
    assert finding.field.startswith(root_prefix)


def test_every_rule_in_the_catalogue_has_a_breach_here():
    assert {breach.rule for breach in ALL} == set(RULE_TEXTS) - STDNUM_CHECKS
