"""Real-world mail shapes APPENDed to a private Dovecot and collected by `clerk run`:
exactly the expected documents collected, each refusal with its reason, and the
messages moved to the folder their outcome deserves."""

from __future__ import annotations

import ast
import os
import re
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from clerk.config import load_settings
from clerk.project import open_project
from clerk.store.schema import work_items
from clerk.summary import bot_summary
from tests.unit.sources import mail_corpus as corpus

pytestmark = [pytest.mark.integration]

ROBOT = textwrap.dedent("""\
    *** Settings ***
    Library    clerk.keywords.ClerkLibrary

    *** Tasks ***
    Collect the mailbox
        Collect Documents From Mailbox    ${MAILBOX}

    Summarise the run
        Log Run Summary
""")
PROSE = b"Dear customer, thank you for your order, it ships on Monday.\nKind regards, the billing team.\n"


def png_bytes() -> bytes:
    """A 1x1 PNG (a logo, or a phone's photo of an invoice)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def pdf_message(subject: str, parts: list[str], n: int) -> bytes:
    return corpus.message(subject, parts, message_id=f"<fidelity-{n}@supplier.test>")


def watch_html_alternative() -> str:
    return ('Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
            "--alt\r\nContent-Type: text/plain\r\n\r\nInvoice attached.\r\n"
            '--alt\r\nContent-Type: text/watch-html\r\n\r\n<div dir="ltr">Invoice attached.</div>\r\n'
            "--alt\r\nContent-Type: text/html\r\n\r\n<p>Invoice attached.</p>\r\n--alt--")


def mail_cases() -> tuple[list[bytes], set[str], set[tuple[str, str]], int, int]:
    """The messages, the documents they must yield, the refusals (name, reason),
    and how many messages end up processed and failed."""
    pdf = corpus.pdf_bytes
    inner = corpus.message("Invoice 7", [corpus.attachment("forwarded.pdf", "application/pdf", pdf("fwd"))])
    digest_members = [corpus.message(f"D{n}", [corpus.attachment(f"digest-{n}.pdf", "application/pdf", pdf(f"d{n}"))])
                      for n in (1, 2)]
    disguised = corpus.zip_of({"real.pdf": pdf("zipped"), "setup.exe": corpus.pe_bytes()})
    messages = [
        pdf_message("RFC 2231", [corpus.attachment("Rechnung März.pdf", "application/pdf", pdf("2231"))], 1),
        pdf_message("RFC 2047", [corpus.attachment("=?utf-8?q?Facture_=C3=A9t=C3=A9=2Epdf?=", "application/pdf",
                                                   pdf("2047"), rfc2231=False)], 2),
        corpus.message_with_raw_parts("8-bit", [corpus.raw_8bit_attachment(
            "Rechnung Müller.pdf".encode("cp1252"), "application/octet-stream", pdf("8bit"))], "<fidelity-3@x>"),
        corpus.base64_forwarded(inner, message_id="<fidelity-4@buyer.test>"),
        corpus.digest(digest_members, message_id="<fidelity-5@buyer.test>"),
        pdf_message("One-line CSV", [corpus.attachment("one.csv", "text/plain", b"INV-9;ACME;12.50")], 6),
        pdf_message("Office", [corpus.attachment("Rechnung.docx", "application/msword", corpus.docx_bytes()),
                               corpus.attachment("Liste.xlsx", "application/vnd.ms-excel", corpus.xlsx_bytes()),
                               corpus.attachment("notes.csv", "text/csv", PROSE)], 7),
        pdf_message("Only an ODT", [corpus.attachment("Angebot.odt", "application/octet-stream",
                                                      corpus.odf_bytes())], 8),
        pdf_message("ZIP named PDF", [corpus.attachment("invoice.pdf", "application/pdf", disguised)], 9),
        corpus.with_mixed_line_endings(pdf_message("Mixed", [
            corpus.attachment("mixed.pdf", "application/pdf", pdf("mixed"))], 10)),
        pdf_message("Apple", [watch_html_alternative(),
                              corpus.attachment("C:\\TEMP\\scan-invoice.pdf", "application/pdf", pdf("win"),
                                                rfc2231=False)], 11),
        pdf_message("Logo", [corpus.attachment("logo.png", "image/png", png_bytes()),
                             corpus.attachment("CON.pdf", "application/pdf", pdf("con"))], 12),
    ]
    documents = {"Rechnung_März.pdf", "Facture_été.pdf", "Rechnung_Müller.pdf", "forwarded.pdf",
                 "digest-1.pdf", "digest-2.pdf", "one.csv", "Liste.xlsx", "real.pdf", "mixed.pdf",
                 "scan-invoice.pdf", "part-3.pdf"}
    refusals = {("Rechnung.docx", "office_document"), ("notes.csv", "type_not_allowed"),
                ("Angebot.odt", "office_document"), ("invoice.pdf", "archive"),
                ("setup.exe", "executable"), ("logo.png", "image")}
    return messages, documents, refusals, len(messages) - 1, 1


def make_project(root: Path, mailboxes: dict[str, object], bots: dict[str, str]) -> Path:
    (root / "config").mkdir(parents=True)
    (root / "bots").mkdir()
    (root / "robots").mkdir()
    (root / "robots" / "intake.robot").write_text(ROBOT)
    config = ""
    for name, mailbox in mailboxes.items():
        (root / f"{name}.password").write_text(mailbox.password)
        config += textwrap.dedent(f"""
            [sources.{name}]
            type = "email"
            host = "{mailbox.host}"
            port = {mailbox.port}
            tls = "plain"
            user = "{mailbox.user}"
            password = "file:{name}.password"
        """)
    (root / "config" / "clerk.toml").write_text(config)
    for bot, body in bots.items():
        (root / "bots" / f"{bot}.toml").write_text(body)
    return root


def clerk_run(root: Path, bot: str) -> dict[str, int]:
    """`clerk run BOT` as an operator types it; the item counts it printed."""
    env = {key: value for key, value in os.environ.items() if key != "CLERK_DATABASE_URL"}
    env["COLUMNS"] = "400"      # one line per message: the counts are read back from it
    done = subprocess.run([sys.executable, "-m", "clerk", "run", bot, "-C", str(root)], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return ast.literal_eval(re.search(r"items (\{.*?\})\)", done.stdout).group(1))


def items_of(root: Path, bot: str) -> list:
    project = open_project(load_settings(root))      # the project's own SQLite store under var/
    try:
        with project.store.read() as conn:
            rows = conn.execute(select(work_items.c.state, work_items.c.reason_code, work_items.c.payload)
                                .where(work_items.c.bot == bot)).all()
        return rows, bot_summary(project, bot)
    finally:
        project.close()


def test_real_world_mail_is_collected_exactly_and_every_refusal_says_what_the_part_is(tmp_path, mailbox):
    messages, documents, refusals, processed, failed = mail_cases()
    mailbox.append(*messages)
    root = make_project(tmp_path, {"inbox": mailbox}, {
        "intake": 'robot = "robots/intake.robot"\nsources = ["inbox"]\n[variables]\nMAILBOX = "inbox"\n'})

    printed = clerk_run(root, "intake")

    rows, summary = items_of(root, "intake")
    collected = {row.payload["filename"] for row in rows if row.state == "collected"}
    refused = {(row.payload["filename"], row.reason_code) for row in rows if row.state == "quarantined"}
    assert collected == documents
    assert refused == refusals
    assert len(rows) == len(documents) + len(refusals)
    reasons = {row.payload["filename"]: row.payload["message"] for row in rows if row.state == "quarantined"}
    assert "'setup.exe'" in reasons["setup.exe"] and "portable-executable" in reasons["setup.exe"]
    assert "'invoice.pdf'" in reasons["invoice.pdf"] and "application/pdf" in reasons["invoice.pdf"]
    assert "application/msword" in reasons["Rechnung.docx"] and "wordprocessingml" in reasons["Rechnung.docx"]

    # The Office message kept its workbook: processed, its refusals listed on the workbook's item.
    workbook = next(row.payload for row in rows if row.payload.get("filename") == "Liste.xlsx")
    assert {(p["name"], p["reason"]) for p in workbook["origin"]["refused_parts"]} == {
        ("Rechnung.docx", "office_document"), ("notes.csv", "type_not_allowed")}
    assert mailbox.count("INBOX") == 0
    assert mailbox.count("clerk-processed") == processed and mailbox.count("clerk-failed") == failed

    # What `clerk run` printed and what the run summary says agree.
    assert printed["collected"] == summary["collected"] == len(documents)
    assert printed["quarantined_at_intake"] == summary["refused_at_intake"] == len(refusals)


def test_images_are_collected_only_by_a_bot_that_asks_for_them(tmp_path, dovecot):
    letters, scans = dovecot.new_mailbox(), dovecot.new_mailbox()
    for box in (letters, scans):
        box.append(pdf_message("Scan", [corpus.attachment("photo.png", "image/png", png_bytes()),
                                        corpus.attachment("invoice.pdf", "application/pdf", corpus.pdf_bytes())], 1))
    root = make_project(tmp_path, {"letters": letters, "scans": scans}, {
        "letters": 'robot = "robots/intake.robot"\nsources = ["letters"]\n[variables]\nMAILBOX = "letters"\n',
        "scans": 'robot = "robots/intake.robot"\nsources = ["scans"]\n[variables]\nMAILBOX = "scans"\n'
                 '[collect]\nkinds = ["pdf", "image"]\n'})

    assert clerk_run(root, "letters") == {"collected": 1, "duplicates": 0, "quarantined_at_intake": 1}
    assert clerk_run(root, "scans") == {"collected": 2, "duplicates": 0, "quarantined_at_intake": 0}

    letters_rows, _ = items_of(root, "letters")
    assert {(r.payload["filename"], r.state, r.reason_code) for r in letters_rows} == {
        ("invoice.pdf", "collected", None), ("photo.png", "quarantined", "image")}
    scans_rows, _ = items_of(root, "scans")
    assert {(r.payload["filename"], r.payload["content_type"]) for r in scans_rows} == {
        ("invoice.pdf", "application/pdf"), ("photo.png", "image/png")}
