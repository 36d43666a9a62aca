import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_make_docs_writes_libdoc_for_every_library(tmp_path):
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = {path.name for path in module.make_docs(tmp_path)}
    assert {"ClerkLibrary.html", "ClerkLibrary.json", "invoice_rules.html", "index.md"} <= written
    names = {k["name"] for k in json.loads((tmp_path / "ClerkLibrary.json").read_text())["keywords"]}
    assert {"Collect Invoices From Mailbox", "Collect Documents From Portal",
            "Collect Documents From Folder", "Extract Record", "Validate Record", "Post To ERP",
            "Send To Review", "For Each Work Item", "Process Work Items"} <= names
    assert "Process Work Items" in (tmp_path / "ClerkLibrary.html").read_text()
