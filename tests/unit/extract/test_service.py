import json
from datetime import date

from clerk.extract import ExtractSettings, extract_document, extract_files
from clerk.testing import demo_invoice, plain_pdf, ubl_xml


def test_extract_files_gives_json_ready_records_and_errors(tmp_path, settings):
    invoice = demo_invoice("ACME", "INV-9", [("PAPER-A4", 10, "4.20")], issue_date=date(2026, 11, 2))
    (tmp_path / "a.xml").write_bytes(ubl_xml(invoice))
    (tmp_path / "b.pdf").write_bytes(plain_pdf(invoice, "acme"))
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 truncated")
    (tmp_path / "d.bin").write_bytes(bytes(range(256)))
    names = ["a.xml", "b.pdf", "c.pdf", "d.bin", "missing.xml"]
    results = list(extract_files([tmp_path / name for name in names], settings))
    json.dumps(results)  # JSON-ready as is
    assert [r["file"] for r in results] == [str(tmp_path / name) for name in names]
    for ok in results[:2]:
        assert ok["number"] == "INV-9" and ok["issue_date"] == "2026-11-02" and ok["currency"] == "EUR"
        assert ok["seller"]["name"] == "Acme Office Supplies Ltd" and ok["seller"]["tax_id"] == "DE129274202"
        assert {key: ok["totals"][key] for key in ("net", "tax", "gross", "payable")} == {
            "net": "42.00", "tax": "7.98", "gross": "49.98", "payable": "49.98"}
        assert ok["lines"][0]["product_code"] == "PAPER-A4"
        assert set(ok["confidence"]) >= {"number", "totals.payable"}
    assert (results[0]["extractor"], results[1]["extractor"], results[1]["template"]) == ("ubl", "pdf_text", "acme")
    assert [r["error"]["reason"] for r in results[2:]] == ["malformed_pdf", "not_a_document", "unreadable_file"]


def test_extract_document_without_a_session(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(ubl_xml(demo_invoice("BRIO", "F-1", [("COFFEE", 1, "310.00")])))
    assert extract_document(path, ExtractSettings()).record.number == "F-1"
