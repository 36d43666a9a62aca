"""``run_bot`` sets clerk's adapters for the robot and ends robocorp.workitems'
context with the run, so the next run in the same process (a worker runs many)
reads its own queue, and the environment is left as it was."""

from __future__ import annotations

import os

from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner import run_bot

LIBRARY = '''
from robocorp import workitems


def mark_lines_booked():
    for item in workitems.inputs:
        with item:
            item.payload = {**item.payload, "booked": True}
            item.save()
'''
ROBOT = "*** Settings ***\nLibrary    booker\n\n*** Tasks ***\nBook\n    Mark Lines Booked\n"


def test_each_run_reads_its_own_queue_and_leaves_the_environment_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("RC_WORKITEM_ADAPTER", raising=False)
    monkeypatch.setenv("RPA_WORKITEMS_ADAPTER", "operator.OwnAdapter")
    for relative, text in {"keywords/booker.py": LIBRARY, "robots/book.robot": ROBOT,
                           "bots/book.toml": 'robot = "robots/book.robot"\n[workitems]\n',
                           "config/clerk.toml": f'database_url = "sqlite:///{tmp_path / "c.db"}"\n'}.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    project = open_project(load_settings(tmp_path))
    bot = load_bots(tmp_path)["book"]
    try:
        outcomes = []
        for key in ("line:1", "line:2"):
            project.queue.enqueue("book", key, {"document_kind": "workitem",
                                                "workitem": {"payload": {"key": key}, "files": {}}})
            outcomes.append(run_bot(project, bot, trigger="test"))
        assert [o.counts["items"] for o in outcomes] == [{"posted": 1}] * 2, outcomes
        for item_id in (1, 2):
            row = project.queue.get(item_id)
            assert row["state"] == "posted" and row["payload"]["workitem"]["payload"]["booked"]
    finally:
        project.close()
    assert "RC_WORKITEM_ADAPTER" not in os.environ
    assert os.environ["RPA_WORKITEMS_ADAPTER"] == "operator.OwnAdapter"
