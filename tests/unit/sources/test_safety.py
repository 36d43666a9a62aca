"""Untrusted-input checks: names, types by content, archives, sizes, log text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.errors import UnsafeInput
from clerk.sources import content, safety
from tests.unit.sources import mail_corpus as corpus


@pytest.mark.parametrize(("name", "reason"), [
    ("../../x.pdf", "path_traversal"),
    ("..\\x.pdf", "path_traversal"),
    ("invoices/x.pdf", "path_traversal"),
    ("/etc/passwd", "absolute_path"),
    ("C:x.pdf", "absolute_path"),
    ("C:\\TEMP\\..\\x.pdf", "path_traversal"),
    ("inv\x00.pdf", "control_character"),
    ("inv\r\nX-Injected: 1.pdf", "control_character"),
    ("invoice\u202efdp.exe", "bidi_control"),
    ("invoice\u2067.pdf", "bidi_control"),
    ("CON.pdf", "reserved_name"),
    ("lpt1", "reserved_name"),
    ("", "empty_name"),
    ("  ", "empty_name"),
    ("..", "path_traversal"),
    ("...", "empty_name"),
])
def test_hostile_file_names_are_refused_with_a_stable_reason(name, reason):
    with pytest.raises(UnsafeInput) as refused:
        safety.safe_filename(name)
    assert refused.value.reason == reason


@pytest.mark.parametrize(("name", "expected"), [
    ("invoice 2026-11.pdf", "invoice_2026-11.pdf"),
    ('inv:"1"?.pdf', "inv_1_.pdf"),
    ("Rechnung Müller.pdf", "Rechnung_Müller.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("a" * 251 + ".pdf", "a" * 251 + ".pdf"),
    # What a careful mail client does: a Windows path gives its last part, a long
    # name is shortened at a character boundary and keeps its extension.
    ("C:\\TEMP\\invoice.pdf", "invoice.pdf"),
    ("\\\\server\\share\\x.pdf", "x.pdf"),
    ("a" * 252 + ".pdf", "a" * 251 + ".pdf"),
    ("é" * 130 + ".pdf", "é" * 125 + ".pdf"),        # 260 bytes in UTF-8 -> 254
])
def test_ordinary_names_are_kept_or_tidied(name, expected):
    assert safety.safe_filename(name) == expected


@pytest.mark.parametrize(("data", "expected"), [
    (corpus.pdf_bytes(), safety.PDF),
    (b"\r\n\r\n" + corpus.pdf_bytes(), safety.PDF),     # junk before the header, as readers allow
    (corpus.INVOICE_XML, safety.XML),
    ("\ufeff".encode() + corpus.INVOICE_XML, safety.XML),
    (corpus.INVOICE_CSV, safety.CSV),
    (b"a,b\n1,2\n", safety.CSV),
    (b"just a line of text\n", safety.TEXT),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", safety.HTML),
    (b"<html><body>x</body></html>", safety.HTML),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), safety.PNG),
    (b"\xff\xd8\xff\xe0" + bytes(20), safety.JPEG),
    (b"II*\x00" + bytes(20), safety.TIFF),
    (b"MM\x00*" + bytes(20), safety.TIFF),
    (corpus.zip_of({"a.pdf": corpus.pdf_bytes()}), safety.ZIP),
    (corpus.tnef([("a.pdf", corpus.pdf_bytes())]), safety.TNEF),
    (corpus.message("x"), safety.EML),
    (b"MZ\x90\x00" + bytes(60), content.PE),
    (b"MZ Supplies;total\nINV-1;12.50\n", safety.CSV),
    (b"", safety.OCTET),
])
def test_content_type_is_detected_from_content(data, expected):
    assert safety.detect_content_type(data) == expected


def test_xlsx_is_told_from_a_plain_zip_with_the_whole_file_or_its_head():
    workbook = corpus.xlsx_bytes()
    assert safety.detect_content_type(workbook) == safety.XLSX
    assert safety.detect_content_type(workbook[:4096]) == safety.XLSX


def test_a_head_cut_inside_a_utf8_character_is_still_text():
    data = "invoice;supplier\nINV-1;Müller\n".encode()
    head = data[: data.index("ü".encode()) + 1]
    assert safety.detect_content_type(head) in {safety.CSV, safety.TEXT}


def test_zip_bomb_is_refused_from_the_directory_alone():
    with pytest.raises(UnsafeInput) as refused:
        safety.check_archive(corpus.zip_bomb(20), safety.IntakeLimits())
    assert refused.value.reason == "archive_bomb"


def test_nested_zip_bomb_is_refused():
    nested = corpus.zip_of({"inner.zip": corpus.zip_of({"deeper.zip": corpus.zip_bomb(20)})})
    with pytest.raises(UnsafeInput) as refused:
        safety.check_archive(nested, safety.IntakeLimits())
    assert refused.value.reason == "archive_bomb"


def test_archive_total_size_member_count_and_depth_limits():
    limits = safety.IntakeLimits(max_archive_total_bytes=1000, max_archive_members=3, max_nesting=1)
    with pytest.raises(UnsafeInput, match="expands"):
        safety.check_archive(corpus.zip_of({"a": bytes(2000)}), limits)
    with pytest.raises(UnsafeInput, match="members"):
        safety.check_archive(corpus.zip_of({str(i): b"x" for i in range(4)}), limits)
    deep = corpus.zip_of({"1.zip": corpus.zip_of({"2.zip": corpus.zip_of({"x": b"x"})})})
    with pytest.raises(UnsafeInput) as refused:
        safety.check_archive(deep, limits)
    assert refused.value.reason == "archive_too_deep"


def test_corrupt_archive_is_refused_not_crashed():
    with pytest.raises(UnsafeInput) as refused:
        safety.check_archive(b"PK\x03\x04" + bytes(100), safety.IntakeLimits())
    assert refused.value.reason == "archive_corrupt"


def test_an_ordinary_workbook_passes_the_archive_check():
    safety.check_archive(corpus.xlsx_bytes(), safety.IntakeLimits())


def test_size_limit():
    safety.check_size(10, 10)
    with pytest.raises(UnsafeInput) as refused:
        safety.check_size(11, 10)
    assert refused.value.reason == "too_large"


def test_safe_text_never_lets_a_line_break_or_bidi_control_through():
    text = safety.safe_text("Invoice\r\n2026-11-25 INFO forged log line\u202e\x00")
    assert "\r" not in text and "\n" not in text and "\u202e" not in text and "\x00" not in text
    assert text.startswith("Invoice 2026-11-25")
    assert len(safety.safe_text("x" * 1000, 50)) == 50


def test_safe_path_stays_inside_the_root(tmp_path: Path):
    assert safety.safe_path(tmp_path, "a", "b.pdf") == (tmp_path / "a" / "b.pdf").resolve()
    with pytest.raises(UnsafeInput) as refused:
        safety.safe_path(tmp_path, "..", "escape.pdf")
    assert refused.value.reason == "outside_root"
    (tmp_path / "link").symlink_to("/tmp")
    with pytest.raises(UnsafeInput):
        safety.safe_path(tmp_path, "link", "x.pdf")


def test_content_type_allow_list():
    safety.check_content_type(safety.PDF, safety.DOCUMENT_TYPES)
    with pytest.raises(UnsafeInput) as refused:
        safety.check_content_type(safety.HTML, safety.DOCUMENT_TYPES)
    assert refused.value.reason == "type_not_allowed"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_any_name_is_either_refused_or_safe_to_join(tmp_path_factory, name):
    root = tmp_path_factory.getbasetemp()
    try:
        cleaned = safety.safe_filename(name)
    except UnsafeInput as refused:
        assert refused.reason in {"empty_name", "path_traversal", "absolute_path", "control_character",
                                  "bidi_control", "reserved_name"}
        return
    assert "/" not in cleaned and "\\" not in cleaned and cleaned not in {".", ".."}
    assert len(cleaned.encode("utf-8")) <= 255
    assert safety.safe_path(root, cleaned).parent == root.resolve()


def test_csv_with_a_quoted_delimiter_is_still_csv():
    from clerk.sources.safety import CSV, detect_content_type

    head = (b'order,product,description,quantity\r\n'
            b'PO-1001,PAPER-A4,"Copy paper A4, 500 sheets",100\r\n'
            b'PO-1001,TONER-K,"Toner, black",4\r\n')
    assert detect_content_type(head) == CSV
