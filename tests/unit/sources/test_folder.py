"""FolderSource on a real directory: settled files only, moves on acknowledge."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from clerk.models.document import Document, Quarantined
from clerk.sources import safety
from clerk.sources.folder import DropFolderConfig, FolderSource
from tests.unit.sources import mail_corpus as corpus


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def settled(path: Path, data: bytes, age: float = 60) -> Path:
    """Write ``data`` and date it ``age`` seconds back, as a finished upload would be."""
    path.write_bytes(data)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def source_for(drop: Path, documents: Path, **overrides) -> FolderSource:
    return FolderSource(DropFolderConfig(name="scanner", path=drop, settle_seconds=5, **overrides), documents)


def test_settled_files_are_collected_and_moved_only_on_acknowledge(drop, tmp_path):
    settled(drop / "scan-001.pdf", corpus.pdf_bytes("1"))
    settled(drop / "orders.csv", corpus.INVOICE_CSV)
    source = source_for(drop, tmp_path / "docs")

    collected = list(source.collect())

    assert {(r.filename, r.content_type) for r in collected} == {("scan-001.pdf", safety.PDF), ("orders.csv", safety.CSV)}
    pdf = next(r for r in collected if r.filename == "scan-001.pdf")
    assert pdf.key == f"file:{pdf.sha256}" and pdf.path.read_bytes() == corpus.pdf_bytes("1")
    assert (drop / "scan-001.pdf").exists()
    source.acknowledge([pdf.key])
    assert not (drop / "scan-001.pdf").exists() and (drop / "processed" / "scan-001.pdf").exists()
    assert [r.filename for r in source_for(drop, tmp_path / "docs2").collect()] == ["orders.csv"]


def test_files_still_being_written_are_left_alone(drop, tmp_path):
    settled(drop / "upload.pdf.part", corpus.pdf_bytes())
    (drop / "fresh.pdf").write_bytes(corpus.pdf_bytes())          # mtime now: not settled
    settled(drop / ".hidden.pdf", corpus.pdf_bytes())
    (drop / "sub").mkdir()
    assert list(source_for(drop, tmp_path / "docs").collect()) == []


def test_an_unacknowledged_file_comes_back_with_the_same_key(drop, tmp_path):
    settled(drop / "a.xml", corpus.INVOICE_XML)
    first = [r.key for r in source_for(drop, tmp_path / "r1").collect()]
    second = [r.key for r in source_for(drop, tmp_path / "r2").collect()]
    assert first == second == [f"file:{__import__('hashlib').sha256(corpus.INVOICE_XML).hexdigest()}"]


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("..\\x.pdf", corpus.pdf_bytes(), "path_traversal"),
    ("invoice\u202efdp.exe", corpus.pdf_bytes(), "bidi_control"),
    ("inv\r\nx.pdf", corpus.pdf_bytes(), "control_character"),
    ("page.pdf", b"<html><script>alert(1)</script></html>", "type_not_allowed"),
    ("bomb.xlsx", corpus.zip_bomb(20), "archive_bomb"),
])
def test_refused_files_are_quarantined_and_moved_to_quarantine(drop, tmp_path, name, data, reason):
    settled(drop / name, data)
    settled(drop / "good.pdf", corpus.pdf_bytes("good"))
    documents = tmp_path / "docs"
    source = source_for(drop, documents)
    results = list(source.collect())
    refused = [r for r in results if isinstance(r, Quarantined)]
    assert [r.reason for r in refused] == [reason]
    assert [r.filename for r in results if isinstance(r, Document)] == ["good.pdf"]
    assert refused[0].path.resolve().is_relative_to(documents.resolve())
    source.acknowledge([r.key for r in results])
    assert os.listdir(drop / "quarantine") == [name]
    assert sorted(os.listdir(drop)) == ["processed", "quarantine"]


def test_oversized_file_is_refused_without_being_kept(drop, tmp_path):
    settled(drop / "big.pdf", corpus.pdf_bytes() + bytes(5000))
    (refused,) = source_for(drop, tmp_path / "d", limits=safety.IntakeLimits(max_document_bytes=1000)).collect()
    assert refused.reason == "too_large" and refused.path is None and refused.key.startswith("file:")


def test_symlinks_are_never_followed(drop, tmp_path):
    secret = tmp_path / "secret.pdf"
    settled(secret, corpus.pdf_bytes("secret"))
    (drop / "link.pdf").symlink_to(secret)
    (refused,) = source_for(drop, tmp_path / "d").collect()
    assert refused.reason == "not_a_regular_file" and refused.path is None


def test_a_missing_drop_folder_is_a_system_exception(tmp_path):
    from clerk.errors import SystemException

    with pytest.raises(SystemException):
        list(source_for(tmp_path / "nope", tmp_path / "d").collect())
