"""A hostile message against a real Dovecot: every bad attachment quarantined with
its reason, the good ones still collected, nothing written outside documents_dir."""

from __future__ import annotations

import base64
import logging
import os
import resource
import time
from pathlib import Path

import pytest

from clerk.models.document import Document, Quarantined
from clerk.sources import safety
from clerk.sources.email import EmailSource, MailboxConfig
from tests.unit.sources import mail_corpus as corpus

pytestmark = pytest.mark.integration

PDF = corpus.pdf_bytes("evil")
HOSTILE = {
    "../../x.pdf": "path_traversal",
    "..\\x.pdf": "path_traversal",
    "/etc/cron.d/x.pdf": "absolute_path",
    "inv\x00oice.pdf": "control_character",
    "invoice\u202efdp.exe": "bidi_control",
}
# Odd but harmless names on a real PDF: kept, as a careful mail client keeps them.
ODD = {"n" * 300 + ".pdf": "n" * 251 + ".pdf", "CON.pdf": "part-9.pdf"}


def hostile_message() -> bytes:
    parts = [corpus.attachment("good-before.pdf", "application/pdf", corpus.pdf_bytes("good1"))]
    parts += [corpus.attachment(name, "application/pdf", PDF) for name in HOSTILE]
    parts += [corpus.attachment(name, "application/pdf", corpus.pdf_bytes(name[:5])) for name in ODD]
    parts += [
        corpus.attachment("bomb.zip", "application/zip", corpus.zip_bomb(50)),
        corpus.attachment("nested.zip", "application/zip",
                          corpus.zip_of({"inner.zip": corpus.zip_of({"b.zip": corpus.zip_bomb(20)})})),
        corpus.attachment("huge.pdf", "application/pdf", corpus.pdf_bytes("huge") + bytes(1_200_000)),
        corpus.attachment("invoice.pdf", "application/pdf", b"<html><script>alert(1)</script></html>"),
        corpus.attachment("slip.zip", "application/zip", corpus.zip_of({"../../evil.pdf": PDF})),
        corpus.attachment("good-after.xml", "application/xml", corpus.INVOICE_XML),
    ]
    # CR/LF cannot sit raw in a header (it would end it); they arrive RFC 2047-encoded.
    forged = base64.b64encode(b"Invoice\r\nX-Forged: yes\r\n2026-11-25 INFO fake log line").decode()
    return corpus.message(f"=?utf-8?b?{forged}?=", parts,
                          message_id="<hostile@evil.test>")


def test_hostile_attachments_are_quarantined_and_the_rest_collected(mailbox, tmp_path, caplog):
    mailbox.append(hostile_message())
    run_dir = tmp_path / "output" / "run-1"
    documents_dir = run_dir / "documents"
    limits = safety.IntakeLimits(max_document_bytes=1_000_000)
    source = EmailSource(MailboxConfig(name="ap", host=mailbox.host, port=mailbox.port, tls="plain",
                                       user=mailbox.user, password="env:P", limits=limits),
                         documents_dir, lambda ref: mailbox.password)
    caplog.set_level(logging.DEBUG)

    started = time.monotonic()
    results = list(source.collect())
    elapsed = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    documents = {r.filename for r in results if isinstance(r, Document)}
    refusals = {r.filename: r.reason for r in results if isinstance(r, Quarantined)}
    assert documents == {"good-before.pdf", "good-after.xml", *ODD.values()}
    for name, reason in HOSTILE.items():
        assert refusals[safety.safe_text(name, 255)] == reason, name
    assert refusals["bomb.zip"] == "archive_bomb"
    assert refusals["nested.zip"] == "archive_bomb"
    assert refusals["huge.pdf"] == "too_large"
    assert refusals["invoice.pdf"] == "type_not_allowed"       # HTML, and the message says so
    assert refusals["../../evil.pdf"] == "path_traversal"
    assert len(results) == 2 + len(ODD) + len(HOSTILE) + 5
    assert elapsed < 5 and peak_mb < 512, (elapsed, peak_mb)

    subject = results[0].origin["subject"]
    assert "\r" not in subject and "\n" not in subject and subject.startswith("Invoice X-Forged")
    assert all("\n" not in record.getMessage() for record in caplog.records)

    root = documents_dir.resolve()
    for result in results:
        if result.path is not None:
            assert result.path.resolve().is_relative_to(root)
    written = [Path(dirpath) / f for dirpath, _dirs, files in os.walk(tmp_path) for f in files]
    assert written and all(p.resolve().is_relative_to(root) for p in written), written
    assert not any(p.name.endswith((".exe", ".html")) for p in written)

    listed = {(p["part"], p["reason"]) for p in results[0].origin["refused_parts"]}
    assert len(listed) == len(HOSTILE) + 5 and ("11", "archive_bomb") in listed

    # Its documents were collected: the message is processed, its refusals are on their items.
    source.acknowledge([r.key for r in results])
    assert mailbox.count("clerk-processed") == 1 and mailbox.count("INBOX") == 0
