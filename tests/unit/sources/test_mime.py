"""Attachment discovery by content, through forwarded mail, TNEF and zip."""

from __future__ import annotations

from clerk.sources import _mime, safety
from tests.unit.sources import mail_corpus as corpus

LIMITS = safety.IntakeLimits()


def discovered(raw: bytes, limits: safety.IntakeLimits = LIMITS) -> list[_mime.Discovery]:
    return list(_mime.discover(_mime.parse_message(raw), limits))


def test_octet_stream_without_a_name_is_found_by_content():
    (found,) = discovered(corpus.message("x", [corpus.attachment(None, "application/octet-stream", corpus.pdf_bytes())]))
    assert isinstance(found, _mime.Found) and found.declared_name is None
    assert safety.detect_content_type(found.data) == safety.PDF


def test_text_and_html_bodies_are_not_documents():
    html = corpus.inline_part("text/html", "<html><script>alert(1)</script></html>")
    assert discovered(corpus.message("x", [html])) == []


def test_a_csv_declared_as_text_plain_with_a_name_is_a_candidate():
    (found,) = discovered(corpus.message("x", [corpus.attachment("data.csv", "text/plain", corpus.INVOICE_CSV)]))
    assert found.declared_name == "data.csv" and found.data == corpus.INVOICE_CSV


def test_forwarded_twice_is_found_with_a_stable_part_path():
    inner = corpus.message("x", [corpus.attachment("a.pdf", "application/pdf", corpus.pdf_bytes())])
    (found,) = discovered(corpus.forwarded(corpus.forwarded(inner)))
    assert found.part == "2/m1/2/m1/2" and found.declared_name == "a.pdf"


def test_an_eml_attached_as_octet_stream_is_opened_by_content():
    inner = corpus.message("x", [corpus.attachment("a.pdf", "application/pdf", corpus.pdf_bytes())])
    (found,) = discovered(corpus.message("y", [corpus.attachment("fwd.eml", "application/octet-stream", inner)]))
    assert found.declared_name == "a.pdf" and found.part == "2/m1/2"


def test_winmail_dat_members_are_found():
    winmail = corpus.tnef([("a.pdf", corpus.pdf_bytes("a")), ("b.xml", corpus.INVOICE_XML)])
    found = discovered(corpus.message("x", [corpus.attachment("winmail.dat", "application/octet-stream", winmail)]))
    assert [(f.part, f.declared_name, f.container) for f in found] == [("2/tnef1", "a.pdf", "tnef"),
                                                                       ("2/tnef2", "b.xml", "tnef")]


def test_a_corrupt_container_is_unreadable_not_a_crash():
    broken = corpus.tnef([("a.pdf", corpus.pdf_bytes())])[:40] + b"\xff" * 7
    (found,) = discovered(corpus.message("x", [corpus.attachment("winmail.dat", "application/ms-tnef", broken)]))
    assert isinstance(found, _mime.Unreadable)
    assert found.reason in {"empty_container", "unreadable_container"} and found.data == broken


def test_garbage_ole_is_left_to_the_type_check_and_garbage_msg_is_unreadable():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    (found,) = discovered(corpus.message("x", [corpus.attachment("a.doc", "application/msword", ole)]))
    assert isinstance(found, _mime.Found) and safety.detect_content_type(found.data) == safety.OLE
    fake_msg = ole[:8] + "__substg1.0_0037001F".encode("utf-16-le") + bytes(600)
    (found,) = discovered(corpus.message("x", [corpus.attachment("m.msg", "application/vnd.ms-outlook", fake_msg)]))
    assert isinstance(found, _mime.Unreadable) and found.reason == "unreadable_container"


def test_zip_members_lose_their_folders_but_climbing_names_are_kept_for_refusal():
    archive = corpus.zip_of({"2026/11/a.pdf": corpus.pdf_bytes(), "../../b.pdf": corpus.pdf_bytes()})
    found = discovered(corpus.message("x", [corpus.attachment("a.zip", "application/zip", archive)]))
    assert [f.declared_name for f in found] == ["a.pdf", "../../b.pdf"]


def test_zip_bomb_inside_a_message_is_unreadable_with_its_reason():
    (found,) = discovered(corpus.message("x", [corpus.attachment("a.zip", "application/zip", corpus.zip_bomb(20))]))
    assert isinstance(found, _mime.Unreadable) and found.reason == "archive_bomb"


def test_nesting_beyond_the_limit_is_refused():
    inner = corpus.message("x", [corpus.attachment("a.pdf", "application/pdf", corpus.pdf_bytes())])
    deep = corpus.forwarded(corpus.forwarded(corpus.forwarded(inner)))
    (found,) = discovered(deep, safety.IntakeLimits(max_nesting=2))
    assert isinstance(found, _mime.Unreadable) and found.reason == "nesting_too_deep"


def test_a_single_part_message_that_is_a_pdf():
    raw = (b"From: a@b\r\nSubject: x\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + __import__("base64").encodebytes(corpus.pdf_bytes()))
    (found,) = discovered(raw)
    assert found.part == "1" and found.data == corpus.pdf_bytes()


def test_rfc2231_and_encoded_word_names_are_decoded():
    raw = corpus.message("x", [corpus.attachment("Rechnung Müller.pdf", "application/pdf", corpus.pdf_bytes())])
    (found,) = discovered(raw)
    assert found.declared_name == "Rechnung Müller.pdf"
    encoded = corpus.message("x", [corpus.attachment("=?utf-8?q?R=C3=BCck.pdf?=", "application/pdf",
                                                     corpus.pdf_bytes(), rfc2231=False)])
    (found,) = discovered(encoded)
    assert found.declared_name == "Rück.pdf"


def test_outlook_msg_attachments_are_found():
    msg = corpus.outlook_msg("Invoice 7", [("inv7.pdf", corpus.pdf_bytes("m")), ("inv7.xml", corpus.INVOICE_XML)])
    found = discovered(corpus.message("x", [corpus.attachment("Invoice 7.msg", "application/octet-stream", msg)]))
    assert [(f.part, f.declared_name, f.container) for f in found] == [("2/msg1", "inv7.pdf", "msg"),
                                                                       ("2/msg2", "inv7.xml", "msg")]
    assert found[0].data == corpus.pdf_bytes("m")
