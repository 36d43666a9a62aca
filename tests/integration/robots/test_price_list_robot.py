"""The rpaframework example bot (bots/price_lists.toml): the repository's own
robot, run by ``clerk run``, reads suppliers' XLSX price lists with
RPA.Excel.Files as Robocorp work items taken from clerk's queue."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from clerk.config import load_settings
from clerk.project import open_project
from clerk.store.schema import work_items

pytestmark = [pytest.mark.integration, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[3]


def price_list(path: Path, rows: list[tuple]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(("Article", "Description", "Price", "Currency"))
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_price_list_bot_reads_xlsx_with_rpaframework(tmp_path):
    for part in ("bots", "robots", "keywords"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    drop = tmp_path / "drop"
    drop.mkdir()
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "clerk.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "clerk.db"}"\n'
        f'[sources.price-lists]\ntype = "folder"\npath = "{drop}"\nsettle_seconds = 0\n')
    price_list(drop / "acme-2026.xlsx", [("PAPER-A4", "Copy paper A4", 4.20, "EUR"),
                                         ("TONER-K", "Toner black", 61.5, "EUR"),
                                         ("STAPLER", "Stapler", 12, "EUR")])
    price_list(drop / "globex-2026.xlsx", [("PENS-BLUE", "Blue pens", 0.9, "EUR"),
                                           ("PAPER-A3", "Copy paper A3", None, "EUR")])

    done = subprocess.run([sys.executable, "-m", "clerk", "run", "price_lists", "-C", str(tmp_path)],
                          env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    project = open_project(load_settings(tmp_path))
    try:
        with project.store.read() as conn:
            rows = {row.payload["filename"]: row for row in conn.execute(select(work_items))}
    finally:
        project.close()
    assert set(rows) == {"acme-2026.xlsx", "globex-2026.xlsx"}
    acme, globex = rows["acme-2026.xlsx"], rows["globex-2026.xlsx"]
    assert acme.state == "posted"
    assert acme.payload["workitem"]["payload"]["articles"] == 3   # saved by the robot
    assert (globex.state, globex.reason_code) == ("needs_review", "bad_price")
    assert "PAPER-A3" in globex.last_error
