"""The Robocorp adapters on a real clerk queue (SQLite and PostgreSQL), called
the way robocorp.workitems calls them: untrusted file names, outputs with
nowhere to go, a seed item, and an input redone after a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from robocorp.workitems import EmptyQueue, State

from clerk.bots import load_bots
from clerk.config import load_settings
from clerk.errors import ConfigError, UnsafeInput
from clerk.project import open_project
from clerk.runner.context import RunContext, running
from clerk.workitems.robocorp import ClerkAdapter


@pytest.fixture
def project(tmp_path, store_url):  # noqa: ANN001, ANN201
    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "split.toml").write_text(
        'handler = "x:y"\n[workitems]\noutputs_to = "book"\n')
    (tmp_path / "bots" / "book.toml").write_text('handler = "x:y"\n[workitems]\n')
    (tmp_path / "bots" / "seeded.toml").write_text(
        'handler = "x:y"\n[workitems]\nseed = true\noutputs_to = "book"\n')
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "clerk.toml").write_text(f'database_url = "{store_url}"\n')
    opened = open_project(load_settings(tmp_path))
    yield opened
    opened.close()


def run_of(project, bot: str, run_id: str) -> RunContext:  # noqa: ANN001
    bots = load_bots(project.settings.project_dir)
    return RunContext(project, bots[bot], run_id, project.settings.output_dir, worker="test")


def keys_in(project, bot: str) -> list[str]:  # noqa: ANN001
    from sqlalchemy import select

    from clerk.store.schema import work_items
    with project.store.read() as conn:
        return sorted(conn.execute(select(work_items.c.document_key)
                                   .where(work_items.c.bot == bot)).scalars())


def test_an_input_redone_after_a_crash_makes_the_same_outputs_once(project):
    project.queue.enqueue("split", "order:PO-9", {"document_kind": "workitem",
                                                 "workitem": {"payload": {"n": 2}, "files": {}}})
    crashed = run_of(project, "split", "run-1")
    with running(crashed):
        adapter = ClerkAdapter()
        item = adapter.reserve_input()
        assert adapter.load_payload(item) == {"n": 2}
        first = [adapter.create_output(item, {"i": i}) for i in range(2)]
        crashed.cache["workitems"].give_back()   # the run died: its lease ends, nothing released
    assert keys_in(project, "book") == []

    with running(run_of(project, "split", "run-2")):
        adapter = ClerkAdapter()
        item = adapter.reserve_input()
        again = [adapter.create_output(item, {"i": i}) for i in range(2)]
        adapter.add_file(again[1], "note.txt", b"second line")
        adapter.release_input(item, State.DONE)
        with pytest.raises(EmptyQueue):
            adapter.reserve_input()
    assert again == first
    assert keys_in(project, "book") == ["workitem:order:PO-9:output:0",
                                        "workitem:order:PO-9:output:1"]
    assert project.queue.count(bot="split", state="posted") == 1

    with running(run_of(project, "book", "run-3")):
        adapter = ClerkAdapter()
        seen = []
        for _ in range(2):
            item = adapter.reserve_input()
            seen.append((adapter.load_payload(item), adapter.list_files(item)))
            adapter.release_input(item, State.FAILED, {"type": "BUSINESS", "code": "odd",
                                                      "message": "an odd line"})
    assert sorted(map(str, seen)) == sorted(map(str, [({"i": 0}, []), ({"i": 1}, ["note.txt"])]))
    assert project.queue.count(bot="book", state="needs_review", reason_code="odd") == 2


def test_a_file_name_that_climbs_out_is_refused(project, tmp_path):
    project.queue.enqueue("split", "order:PO-1", {"document_kind": "workitem",
                                                 "workitem": {"payload": {}, "files": {}}})
    with running(run_of(project, "split", "run-1")) as run:
        adapter = ClerkAdapter()
        item = adapter.reserve_input()
        output = adapter.create_output(item, {})
        with pytest.raises(UnsafeInput):
            adapter.add_file(output, "../../../escaped.txt", b"x")
        run.cache["workitems"].give_back()
    assert not any(p.name == "escaped.txt" for p in Path(tmp_path).rglob("*"))


def test_outputs_without_a_next_bot_are_refused_not_lost(project):
    project.queue.enqueue("book", "line:1", {"document_kind": "workitem",
                                             "workitem": {"payload": {}, "files": {}}})
    with running(run_of(project, "book", "run-1")) as run:
        adapter = ClerkAdapter()
        item = adapter.reserve_input()
        adapter.create_output(item, {"x": 1})
        with pytest.raises(ConfigError, match="outputs_to"):
            adapter.release_input(item, State.DONE)
        run.cache["workitems"].give_back()
    assert project.queue.count(bot="book", state="collected", lease_owner=None) == 1


def test_a_seeded_bot_starts_an_empty_queue_with_one_item(project):
    with running(run_of(project, "seeded", "run-7")):
        adapter = ClerkAdapter()
        seed = adapter.reserve_input()
        assert adapter.load_payload(seed) == {}
        adapter.create_output(seed, {"made": "from nothing"})
        adapter.release_input(seed, State.DONE)
        with pytest.raises(EmptyQueue):
            adapter.reserve_input()
    assert keys_in(project, "book") == ["workitem:run:run-7:output:0"]


def test_check_names_a_missing_next_bot(tmp_path):
    from typer.testing import CliRunner

    from clerk.cli import app

    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "split.toml").write_text('handler = "x:y"\n[workitems]\noutputs_to = "gone"\n')
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "clerk.toml").write_text(f'database_url = "sqlite:///{tmp_path / "c.db"}"\n')
    result = CliRunner().invoke(app, ["check", "-C", str(tmp_path)])
    assert result.exit_code == 1
    assert "workitems.outputs_to" in result.output and "'gone'" in result.output


def test_a_long_item_keeps_its_lease_while_the_robot_works_on_it(project):
    from datetime import timedelta

    project.queue.enqueue("book", "line:slow", {"document_kind": "workitem",
                                                "workitem": {"payload": {}, "files": {}}})
    real_clock = project.queue.clock
    now = [real_clock()]
    project.queue.clock = lambda: now[0]
    with running(run_of(project, "book", "run-1")):
        adapter = ClerkAdapter()
        item = adapter.reserve_input()
        first_expiry = project.queue.get(int(item))["lease_expires_at"]
        now[0] += timedelta(seconds=project.settings.queue.lease_seconds * 0.6)
        adapter.load_payload(item)   # past half its lease: extended
        assert project.queue.get(int(item))["lease_expires_at"] > first_expiry
        adapter.release_input(item, State.DONE)
    assert project.queue.count(bot="book", state="posted") == 1


def test_rpaframework_adapter_creates_outputs_with_files(project):
    from RPA.Robocorp.WorkItems import State as RpaState

    from clerk.workitems.rpa import ClerkAdapter as RpaAdapter

    project.queue.enqueue("split", "order:PO-5", {"document_kind": "workitem",
                                                 "workitem": {"payload": {"lines": 1}, "files": {}}})
    with running(run_of(project, "split", "run-1")):
        adapter = RpaAdapter()
        item = adapter.reserve_input()
        output = adapter.create_output(item, {"line": 0})
        adapter.add_file(output, "line-0.csv", original_name="line 0.csv", content=b"a;b\n")
        adapter.release_input(item, RpaState.DONE)
    with running(run_of(project, "book", "run-2")):
        adapter = RpaAdapter()
        line = adapter.reserve_input()
        assert adapter.load_payload(line) == {"line": 0}
        assert adapter.get_file(line, "line-0.csv") == b"a;b\n"
        adapter.release_input(line, RpaState.FAILED, {"type": "APPLICATION", "code": "erp_down",
                                                      "message": "ERP down"})
    row = project.queue.get(int(line))
    assert (row["state"], row["reason_code"], row["last_error"]) == ("failed", "erp_down", "ERP down")
    assert row["payload"]["workitem"]["parent"]["document_key"] == "order:PO-5"


def test_a_bot_that_did_not_opt_in_never_hands_out_work_items(tmp_path):
    """Its items are validated, approved and posted by the pipeline: a Robocorp
    robot marking one done would end it without the ERP."""
    from clerk.bots import load_bot
    from clerk.config import load_settings
    from clerk.errors import ConfigError
    from clerk.project import open_project
    from clerk.runner.context import RunContext
    from clerk.workitems._bridge import bridge_for

    (tmp_path / "bots").mkdir()
    (tmp_path / "bots" / "invoices.toml").write_text('handler = "x:y"\n')
    project = open_project(load_settings(tmp_path))
    run = RunContext(project=project, bot=load_bot(tmp_path / "bots" / "invoices.toml"),
                     run_id="r1", output_dir=tmp_path / "out", worker="w1")
    with pytest.raises(ConfigError, match="workitems"):
        bridge_for(run)
