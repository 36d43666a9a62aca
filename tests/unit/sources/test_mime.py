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


def test_a_base64_encoded_forwarded_message_is_opened_with_its_attachments():
    inner = corpus.message("x", [corpus.attachment("inner.pdf", "application/pdf", corpus.pdf_bytes("in"))])
    (found,) = discovered(corpus.base64_forwarded(inner))
    assert isinstance(found, _mime.Found)
    assert (found.part, found.declared_name, found.container) == ("2/m1/2", "inner.pdf", "message")
    assert found.data == corpus.pdf_bytes("in")


def test_each_message_of_a_digest_is_opened():
    inners = [corpus.message(f"x{n}", [corpus.attachment(f"d{n}.pdf", "application/pdf", corpus.pdf_bytes(f"d{n}"))])
              for n in (1, 2)]
    found = discovered(corpus.digest(inners))
    assert [(f.part, f.declared_name) for f in found] == [("2/1/m1/2", "d1.pdf"), ("2/2/m1/2", "d2.pdf")]


def test_raw_8bit_file_names_are_read_as_utf8_or_windows_1252():
    raw = corpus.message_with_raw_parts("r", [
        corpus.raw_8bit_attachment("Rechnung_März.pdf".encode(), "application/pdf", corpus.pdf_bytes("1")),
        corpus.raw_8bit_attachment("Facture_été_€.pdf".encode("cp1252"), "application/pdf", corpus.pdf_bytes("2")),
        corpus.raw_8bit_attachment(b"x\x81\xe4.pdf", "application/pdf", corpus.pdf_bytes("3")),   # not cp1252
    ], "<raw@x>")
    assert [f.declared_name for f in discovered(raw)] == ["Rechnung_März.pdf", "Facture_été_€.pdf", "x_ä.pdf"]


def test_office_documents_are_candidates_whole_never_unpacked():
    found = discovered(corpus.message("x", [
        corpus.attachment("Rechnung.docx", "application/msword", corpus.docx_bytes()),
        corpus.attachment("Rechnung.odt", "application/octet-stream", corpus.odf_bytes()),
        corpus.attachment("Liste.xlsx", "application/vnd.ms-excel", corpus.xlsx_bytes())]))
    assert [(f.part, f.declared_name) for f in found] == [("2", "Rechnung.docx"), ("3", "Rechnung.odt"),
                                                          ("4", "Liste.xlsx")]
    assert found[0].declared_type == "application/msword"


def test_a_zip_named_pdf_is_shown_as_an_archive_and_its_members_are_judged():
    archive = corpus.zip_of({"real.pdf": corpus.pdf_bytes("real"), "setup.exe": corpus.pe_bytes()})
    shown, *members = discovered(corpus.message("x", [corpus.attachment("invoice.pdf", "application/pdf", archive)]))
    assert isinstance(shown, _mime.Unreadable) and shown.reason == "archive" and shown.part == "2"
    assert "'invoice.pdf'" in shown.message and "application/pdf" in shown.message and safety.ZIP in shown.message
    assert [(m.part, m.declared_name) for m in members] == [("2/zip1", "real.pdf"), ("2/zip2", "setup.exe")]


def test_a_plain_zip_is_unpacked_without_an_item_of_its_own():
    archive = corpus.zip_of({"real.pdf": corpus.pdf_bytes("real")})
    (found,) = discovered(corpus.message("x", [corpus.attachment("invoices.zip", "application/zip", archive)]))
    assert isinstance(found, _mime.Found) and found.part == "2/zip1"


def test_alternative_bodies_such_as_watch_html_are_not_documents():
    alternative = ('Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
                   "--alt\r\nContent-Type: text/plain\r\n\r\nInvoice attached.\r\n"
                   '--alt\r\nContent-Type: text/watch-html\r\n\r\n<div dir="ltr">Invoice attached.</div>\r\n'
                   "--alt\r\nContent-Type: text/html\r\n\r\n<p>Invoice attached.</p>\r\n--alt--")
    assert discovered(corpus.message("x", [alternative])) == []


def test_a_message_with_mixed_line_endings_still_yields_its_attachments():
    raw = corpus.with_mixed_line_endings(corpus.message("x", [
        corpus.attachment("a.pdf", "application/pdf", corpus.pdf_bytes("a")),
        corpus.attachment("b.csv", "text/csv", corpus.INVOICE_CSV)]))
    assert b"\r\n" in raw and b"\n" in raw.replace(b"\r\n", b"")
    found = discovered(raw)
    assert [(f.declared_name, f.data) for f in found] == [("a.pdf", corpus.pdf_bytes("a")),
                                                          ("b.csv", corpus.INVOICE_CSV)]


def test_zip_member_names_in_utf8_without_the_utf8_flag_are_read_as_utf8():
    # Many archivers write UTF-8 names without flagging them; zipfile would read CP437.
    archive = corpus.zip_of({"M__rz.pdf": corpus.pdf_bytes("z")}).replace(b"M__rz.pdf", "März.pdf".encode())
    (found,) = discovered(corpus.message("x", [corpus.attachment("a.zip", "application/zip", archive)]))
    assert found.declared_name == "März.pdf"
