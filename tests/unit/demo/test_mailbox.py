"""The demo mailbox: real-looking supplier emails, byte-for-byte the same every time."""

from __future__ import annotations

import email
from email import policy

from demo.documents import mailed_invoices
from demo.mailbox import AP_MAILBOX, SENDERS, demo_messages


def test_messages_are_deterministic_and_uniquely_identified():
    first, again = demo_messages(), demo_messages()
    assert first == again
    ids = [email.message_from_bytes(raw, policy=policy.default)["Message-ID"] for _name, raw in first]
    assert len(set(ids)) == len(ids) == len(mailed_invoices())


def test_each_message_comes_from_its_supplier_with_the_invoice_attached():
    for (name, raw), mail in zip(demo_messages(), mailed_invoices(), strict=True):
        message = email.message_from_bytes(raw, policy=policy.default)
        assert name == mail.name
        assert message["From"].addresses[0].addr_spec == SENDERS[mail.supplier][1]
        assert message["To"] == AP_MAILBOX and mail.invoice_number in message["Subject"]
        assert mail.invoice_number in message.get_body(("plain",)).get_content()
        (attachment,) = list(message.iter_attachments())
        filename, data, declared = mail.attachment()
        assert attachment.get_filename() == filename
        assert attachment.get_content_type() == declared
        assert attachment.get_payload(decode=True) == data
        assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")


def test_one_pdf_is_declared_as_octet_stream_and_the_duplicate_repeats_the_original():
    by_name = dict(demo_messages())
    octet = email.message_from_bytes(by_name["06-acme-octet-stream"], policy=policy.default)
    (attachment,) = list(octet.iter_attachments())
    assert attachment.get_content_type() == "application/octet-stream"
    assert attachment.get_content()[:5] == b"%PDF-"
    original, resent = (next(email.message_from_bytes(by_name[n], policy=policy.default).iter_attachments())
                        for n in ("01-acme-ubl", "07-acme-duplicate"))
    assert original.get_payload(decode=True) == resent.get_payload(decode=True)
