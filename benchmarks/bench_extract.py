"""Extraction throughput beside the bare libraries, in the same run.

    .venv/bin/python benchmarks/bench_extract.py [--count 1000]

Writes (merges into) benchmarks/results/extract.json:
xml_per_s / xml_bare_per_s (UBL -> Invoice with the EN 16931 rules on, the
default; bare = lxml parse + pydantic Invoice from a few XPaths),
xml_rules_off_per_s (the same with ``[validation.en16931] enabled = false``;
on and off interleaved, median of 3 rounds each), pdf_per_s / pdf_bare_per_s (one-page text PDFs,
pages/s; clerk = sandboxed child reused + template; bare = pypdfium2 text in
process).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
from lxml import etree

from clerk.extract import ExtractionSession, ExtractSettings
from clerk.extract.en16931 import En16931Settings
from clerk.models.invoice import Invoice, Party, Totals
from clerk.testing import demo_invoice, plain_pdf, ubl_xml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "extract.json"
SUPPLIERS = (("ACME", "acme"), ("NORD", "nordwind"), ("BRIO", "brio"))
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


def _invoices(count: int) -> list[Invoice]:
    return [demo_invoice(SUPPLIERS[i % 3][0], f"B-{i}", [("PAPER-A4", i % 50 + 1, "4.20"), ("TONER-K", 2, "89.00")],
                         order_reference="PO-1001") for i in range(count)]


def _bare_ubl(data: bytes) -> Invoice:
    root = etree.fromstring(data)

    def text(path: str) -> str:
        return root.findtext(path, namespaces=NS)

    total = "cac:LegalMonetaryTotal/cbc:"
    return Invoice(
        number=text("cbc:ID"), issue_date=text("cbc:IssueDate"), currency=text("cbc:DocumentCurrencyCode"),
        seller=Party(name=text("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")),
        totals=Totals(net=Decimal(text(total + "TaxExclusiveAmount")), tax=Decimal(text("cac:TaxTotal/cbc:TaxAmount")),
                      gross=Decimal(text(total + "TaxInclusiveAmount")), payable=Decimal(text(total + "PayableAmount"))),
    )


def _bare_pdf(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    pages = 0
    for page in document:
        page.get_textpage().get_text_range()
        pages += 1
    document.close()
    return pages


def _rate(count: int, work) -> float:
    started = time.perf_counter()
    work()
    return round(count / (time.perf_counter() - started), 1)


def _xml_rules_on_and_off(count: int, xml_docs: list[bytes], settings: ExtractSettings) -> dict[str, float]:
    """Interleaved rounds so a busy neighbour on the machine slows both alike."""
    off = settings.model_copy(update={"en16931": En16931Settings(enabled=False)})
    rounds: dict[str, list[float]] = {"xml_per_s": [], "xml_rules_off_per_s": []}
    with ExtractionSession(settings) as rules_on, ExtractionSession(off) as rules_off:
        for _ in range(3):
            for name, session in (("xml_per_s", rules_on), ("xml_rules_off_per_s", rules_off)):
                rounds[name].append(_rate(count, lambda s=session: [s.extract(doc) for doc in xml_docs]))
    return {name: statistics.median(values) for name, values in rounds.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    invoices = _invoices(count)
    xml_docs = [ubl_xml(invoice) for invoice in invoices]
    pdf_docs = [plain_pdf(invoice, SUPPLIERS[i % 3][1]) for i, invoice in enumerate(invoices)]
    settings = ExtractSettings(templates_dir=ROOT / "config" / "templates")
    with ExtractionSession(settings) as session:
        session.extract(pdf_docs[0])  # start the sandbox child outside the clock
        figures = {
            **_xml_rules_on_and_off(count, xml_docs, settings),
            "xml_bare_per_s": _rate(count, lambda: [_bare_ubl(doc) for doc in xml_docs]),
            "pdf_per_s": _rate(count, lambda: [session.extract(doc) for doc in pdf_docs]),
            "pdf_bare_per_s": _rate(count, lambda: [_bare_pdf(doc) for doc in pdf_docs]),
        }
        assert session.sandbox.starts == 1, "the sandbox child must be reused"
    figures.update(extract_documents=count, extract_pdf_pages_per_document=1,
                   extract_machine=f"{platform.python_version()} {platform.machine()}")
    merged = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    merged.update(figures)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    temporary = RESULTS.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")
    temporary.replace(RESULTS)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
