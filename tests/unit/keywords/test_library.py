"""The keyword library inside real Robot Framework runs."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner import run_bot
from clerk.runner.tables import runs
from clerk.store.schema import work_items

ROBOT = '''*** Settings ***
Library    clerk.keywords.ClerkLibrary

*** Tasks ***
Route every item
    ${counts}=    For Each Work Item    Route One
    Log    ${counts}

Check the queue
    Work Items Should Be    needs_review    ${REVIEWS}
    Work Items Should Be    collected    ${LEFT}

*** Keywords ***
Route One
    [Arguments]    ${item}
    Log    looking at ${item.document_key}
    IF    'review' in $item.document_key
        Send To Review    ${item}    flagged    flagged by the robot
        Send To Review    ${item}    again    a settled item is left alone
    ELSE IF    'boom' in $item.document_key
        Fail    cannot handle ${item.document_key}
    END
'''


@pytest.fixture
def project(tmp_path):  # noqa: ANN001, ANN201
    (tmp_path / "bots").mkdir()
    (tmp_path / "robots").mkdir()
    (tmp_path / "robots" / "route.robot").write_text(ROBOT)
    (tmp_path / "bots" / "route.toml").write_text('robot = "robots/route.robot"\n')
    opened = open_project(load_settings(tmp_path))
    yield opened
    opened.close()


def run_with(project, keys: list[str], **variables: str):  # noqa: ANN001, ANN201
    for key in keys:
        project.queue.enqueue("route", key, {"path": key})
    return run_bot(project, load_bots(project.settings.project_dir)["route"],
                   variables=variables)


def test_for_each_work_item_routes_each_item_once(project):
    outcome = run_with(project, ["a-review", "b", "c-boom", "d-review"], REVIEWS="2", LEFT="1")
    assert outcome.ok, outcome.counts["task_results"]
    with project.store.read() as conn:
        states = dict(conn.execute(select(work_items.c.document_key, work_items.c.state)).all())
        reasons = dict(conn.execute(select(work_items.c.document_key, work_items.c.reason_code)).all())
    assert states == {"a-review": "needs_review", "b": "collected", "c-boom": "failed",
                      "d-review": "needs_review"}
    assert reasons["a-review"] == "flagged"  # the second Send To Review was skipped
    assert outcome.counts["items"] == {"needs_review": 2, "collected": 1, "failed": 1}


@pytest.mark.slow
def test_a_thousand_items_keep_output_xml_small(project):
    keys = [f"doc-{i:04d}-review" if i % 10 == 0 else f"doc-{i:04d}" for i in range(1000)]
    outcome = run_with(project, keys, REVIEWS="100", LEFT="900")
    assert outcome.ok, outcome.counts["task_results"]
    size = (outcome.output_dir / "output.xml").stat().st_size
    # Per-item detail is in the queue; the RF log keeps the loop's summary.
    assert size < 150_000, f"output.xml is {size} bytes for 1000 items"
    assert "looking at doc-0001" not in (outcome.output_dir / "output.xml").read_text()
