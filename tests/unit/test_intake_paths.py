"""The queue records a collected document's file relative to the project, so a
project moved to another folder keeps its documents (extraction and previews)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

from clerk.config import load_settings
from clerk.intake import document_payload
from clerk.models.document import Document
from clerk.web.render import document_path


def test_a_moved_project_keeps_its_documents(tmp_path):
    old = tmp_path / "old-home"
    saved = old / "output" / "ap" / "run-1" / "documents" / "invoice.pdf"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"%PDF-1.4 test")
    document = Document(key="file:abc", source="drop", kind="folder", path=saved,
                        filename="invoice.pdf", content_type="application/pdf", sha256="abc",
                        size=13, received_at=datetime.now(UTC))
    payload = document_payload(document, old)
    assert payload["path"] == "output/ap/run-1/documents/invoice.pdf"

    new = tmp_path / "new-home"
    shutil.move(old, new)
    found = document_path(load_settings(new), payload)
    assert found == (new / payload["path"]).resolve() and found.read_bytes().startswith(b"%PDF")


def test_a_file_outside_the_project_keeps_its_absolute_path(tmp_path):
    elsewhere = tmp_path / "spool" / "x.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"%PDF")
    document = Document(key="file:x", source="drop", kind="folder", path=elsewhere,
                        filename="x.pdf", content_type="application/pdf", sha256="x", size=4,
                        received_at=datetime.now(UTC))
    assert document_payload(document, tmp_path / "project")["path"] == str(elsewhere)
