"""EmailSource against a real private Dovecot: collect, acknowledge, re-collect."""

from __future__ import annotations

import imaplib
from pathlib import Path

import pytest

from clerk.errors import ConfigError, SystemException
from clerk.models.document import Document, Quarantined
from clerk.sources import safety
from clerk.sources.email import EmailSource, MailboxConfig
from tests.unit.sources import mail_corpus as corpus

pytestmark = pytest.mark.integration


def source_for(mailbox, documents_dir: Path, **overrides) -> EmailSource:
    settings = {"name": "ap-mailbox", "host": mailbox.host, "port": mailbox.port, "tls": "plain",
                "user": mailbox.user, "password": "env:AP_PASSWORD", **overrides}
    secrets = {"env:AP_PASSWORD": mailbox.password}
    return EmailSource(MailboxConfig(**settings), documents_dir, secrets.__getitem__)


def invoice_message(n: int) -> bytes:
    return corpus.message(f"Invoice {n}", [corpus.attachment(f"invoice-{n}.pdf", "application/octet-stream",
                                                             corpus.pdf_bytes(f"inv{n}"))],
                          message_id=f"<inv{n}@supplier.test>")


def test_collect_then_acknowledge_moves_messages_and_the_next_run_finds_nothing(mailbox, tmp_path):
    mailbox.append(*(invoice_message(n) for n in range(3)))
    source = source_for(mailbox, tmp_path / "run1")

    collected = list(source.collect())

    assert [type(r) for r in collected] == [Document] * 3
    first = collected[0]
    assert first.content_type == safety.PDF                  # declared octet-stream, found by content
    assert first.filename == "invoice-0.pdf"
    assert first.path.read_bytes() == corpus.pdf_bytes("inv0")
    assert first.path.resolve().is_relative_to((tmp_path / "run1").resolve())
    assert first.origin["message_id"] == "<inv0@supplier.test>"
    assert first.origin["subject"] == "Invoice 0"
    assert Path(first.origin["eml_path"]).read_bytes().startswith(b"From: billing@supplier.test")
    assert first.key.startswith(f"imap:{mailbox.user}@127.0.0.1/INBOX:")
    assert mailbox.count("INBOX") == 3                       # nothing moves before acknowledge

    source.acknowledge([r.key for r in collected])

    assert mailbox.count("INBOX") == 0
    assert mailbox.count("clerk-processed") == 3
    assert list(source_for(mailbox, tmp_path / "run2").collect()) == []


def test_a_run_that_never_acknowledges_yields_the_same_keys_next_time(mailbox, tmp_path):
    mailbox.append(invoice_message(1), invoice_message(2))
    crashed = [r.key for r in source_for(mailbox, tmp_path / "run1").collect()]
    again = [r.key for r in source_for(mailbox, tmp_path / "run2").collect()]
    assert crashed == again and len(set(again)) == 2


def test_a_message_moves_only_once_all_its_keys_are_acknowledged(mailbox, tmp_path):
    mailbox.append(corpus.message("Two", [
        corpus.attachment("a.pdf", "application/pdf", corpus.pdf_bytes("a")),
        corpus.attachment("b.xml", "text/xml", corpus.INVOICE_XML)]))
    source = source_for(mailbox, tmp_path)
    first, second = list(source.collect())
    source.acknowledge([first.key])
    assert mailbox.count("INBOX") == 1
    source.acknowledge([second.key])
    assert mailbox.count("INBOX") == 0 and mailbox.count("clerk-processed") == 1


def test_forwarded_message_outlook_msg_winmail_dat_and_zip_are_opened(mailbox, tmp_path):
    inner = corpus.message("Invoice", [corpus.attachment("inner.pdf", "application/pdf", corpus.pdf_bytes("in"))])
    winmail = corpus.tnef([("tnef-invoice.pdf", corpus.pdf_bytes("tnef")), ("data.csv", corpus.INVOICE_CSV)])
    mailbox.append(corpus.forwarded(inner), corpus.message("Outlook", [
        corpus.attachment("winmail.dat", "application/ms-tnef", winmail),
        corpus.attachment("Invoice.msg", "application/vnd.ms-outlook",
                          corpus.outlook_msg("Invoice", [("msg-invoice.pdf", corpus.pdf_bytes("msg"))])),
        corpus.attachment("batch.zip", "application/zip", corpus.zip_of({"z/inv.xml": corpus.INVOICE_XML})),
        corpus.attachment("sheet.xlsx", "application/octet-stream", corpus.xlsx_bytes())]))

    collected = list(source_for(mailbox, tmp_path).collect())

    found = {r.filename: r for r in collected}
    assert all(isinstance(r, Document) for r in collected), collected
    assert set(found) == {"inner.pdf", "tnef-invoice.pdf", "data.csv", "msg-invoice.pdf", "inv.xml",
                          "sheet.xlsx"}
    assert found["inner.pdf"].origin["part"] == "2/m1/2"
    assert found["tnef-invoice.pdf"].origin["container"] == "tnef"
    assert found["msg-invoice.pdf"].origin["container"] == "msg"
    assert found["msg-invoice.pdf"].path.read_bytes() == corpus.pdf_bytes("msg")
    assert found["data.csv"].content_type == safety.CSV
    assert found["inv.xml"].content_type == safety.XML
    assert found["sheet.xlsx"].content_type == safety.XLSX


def test_a_message_without_documents_is_quarantined_and_moved_to_failed(mailbox, tmp_path):
    html = corpus.inline_part("text/html", "<html><body><img src='http://tracker/x'></body></html>")
    mailbox.append(corpus.message("Just a note", [html]))
    source = source_for(mailbox, tmp_path)
    (refused,) = list(source.collect())
    assert isinstance(refused, Quarantined) and refused.reason == "no_documents"
    source.acknowledge([refused.key])
    assert mailbox.count("clerk-failed") == 1 and mailbox.count("INBOX") == 0


def test_an_oversized_message_is_refused_without_downloading_it(mailbox, tmp_path):
    mailbox.append(invoice_message(1), corpus.message("Big", [corpus.attachment("big.pdf", "application/pdf",
                                                                                 corpus.pdf_bytes() + bytes(300_000))]))
    limits = safety.IntakeLimits(max_message_bytes=200_000)
    collected = list(source_for(mailbox, tmp_path, limits=limits).collect())
    reasons = sorted(getattr(r, "reason", "document") for r in collected)
    assert reasons == ["document", "too_large"]


def test_uids_are_fetched_in_batches(mailbox, tmp_path, monkeypatch):
    mailbox.append(*(invoice_message(n) for n in range(25)))
    fetches: list[str] = []
    real_uid = imaplib.IMAP4.uid

    def counting_uid(self, command, *args):
        if command.upper() == "FETCH":
            fetches.append(args[1])
        return real_uid(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", counting_uid)
    collected = list(source_for(mailbox, tmp_path, batch_size=10).collect())
    assert len(collected) == 25
    assert fetches.count("(UID INTERNALDATE BODY.PEEK[])") == 3


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_tls_modes_verify_the_server_certificate(dovecot, mailbox, tmp_path, tls):
    mailbox.append(invoice_message(1))
    port = dovecot.tls_port if tls == "ssl" else dovecot.port
    trusted = source_for(mailbox, tmp_path / "a", tls=tls, port=port, ca_file=dovecot.ca_file)
    assert len(list(trusted.collect())) == 1
    untrusted = source_for(mailbox, tmp_path / "b", tls=tls, port=port)
    with pytest.raises(SystemException):
        list(untrusted.collect())


def test_a_refused_login_is_a_config_error_without_the_password(mailbox, tmp_path):
    wrong = EmailSource(MailboxConfig(name="ap", host=mailbox.host, port=mailbox.port, tls="plain",
                                      user=mailbox.user, password="env:X"),
                        tmp_path, lambda ref: "s3cret-wrong-password")
    with pytest.raises(ConfigError) as refused:
        list(wrong.collect())
    assert "s3cret" not in str(refused.value) and "s3cret" not in repr(refused.value.__cause__)


def test_an_unreachable_server_is_a_system_exception(tmp_path):
    from tests.fixtures.services import free_port

    source = EmailSource(MailboxConfig(name="ap", host="127.0.0.1", port=free_port(), tls="plain",
                                       user="u", password="env:X", timeout_seconds=2),
                         tmp_path, lambda ref: "x")
    with pytest.raises(SystemException) as failed:
        list(source.collect())
    assert failed.value.code == "imap_unavailable"


def test_the_password_never_reaches_the_logs_or_the_results(mailbox, tmp_path, caplog):
    caplog.set_level("DEBUG")
    mailbox.append(invoice_message(1))
    source = source_for(mailbox, tmp_path)
    results = list(source.collect())
    source.acknowledge([r.key for r in results])
    assert mailbox.password not in caplog.text
    assert all(mailbox.password not in r.model_dump_json() for r in results)
