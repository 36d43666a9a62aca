"""Read-only commands load only what they use: `clerk extract FILE` never imports
the store, the web app, Robot Framework or the browser (issue 17, item 6)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from clerk.testing.documents import demo_invoice, ubl_xml

HEAVY = ("sqlalchemy", "fastapi", "starlette", "jinja2", "robot", "playwright", "apscheduler", "uvicorn",
         "trytond", "proteus", "imaplib", "openpyxl")
PROBE = textwrap.dedent("""
    import json, sys
    from clerk.cli import app
    try:
        app(args=sys.argv[1:], prog_name="clerk", standalone_mode=False)
    finally:
        sys.stdout.flush()
        sys.stderr.write(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
""")


def loaded_by(*args: str, cwd) -> set[str]:  # noqa: ANN001
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_extract_one_file_loads_no_store_web_robot_or_browser(tmp_path):
    invoice = tmp_path / "invoice.xml"
    invoice.write_bytes(ubl_xml(demo_invoice("ACME", "INV-1", [("PAPER-A4", "1", "4.20")])))
    loaded = loaded_by("extract", str(invoice), cwd=tmp_path)
    assert "lxml" in loaded and "pydantic" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("args", [("--help",), ("queue", "ls", "--help"), ("audit", "verify", "--help")])
def test_help_loads_no_store_web_robot_or_browser(tmp_path, args):
    loaded = loaded_by(*args, cwd=tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_listing_the_queue_loads_the_store_but_not_the_web_app_or_robot(tmp_path):
    loaded = loaded_by("queue", "ls", "-C", str(tmp_path), cwd=tmp_path)
    assert "sqlalchemy" in loaded
    assert not loaded & {"fastapi", "starlette", "jinja2", "robot", "playwright", "apscheduler"}
