"""``clerk check`` on a bot's triggers: bad keys named with file, key and line."""

from pathlib import Path

from clerk.bots import load_bot
from clerk.scheduler.check import check_bot_schedule

CONFIG = '[sources.box]\ntype = "email"\n\n[sources.drop]\ntype = "folder"\n'


def project_with_bot(tmp_path: Path, bot_toml: str) -> Path:
    (tmp_path / "config").mkdir(parents=True)
    (tmp_path / "config" / "clerk.toml").write_text(CONFIG)
    path = tmp_path / "bots" / "inbox.toml"
    path.parent.mkdir()
    path.write_text('handler = "x:y"\n' + bot_toml)
    return path


def problems(tmp_path: Path, bot_toml: str) -> dict[str, tuple[int | None, str]]:
    path = project_with_bot(tmp_path, bot_toml)
    return {p.key: (p.line, p.message) for p in check_bot_schedule(load_bot(path), path, tmp_path)}


def test_good_triggers_pass(tmp_path):
    assert problems(tmp_path, '[[triggers]]\nkind = "mail"\nsource = "box"\ncoalesce = true\n'
                    'max_instances = 1\n\n[[triggers]]\nkind = "queue"\nmin_items = 10\n'
                    'coalesce = false\nmax_instances = 2\n') == {}


def test_an_unknown_key_and_a_missing_one_are_named_with_their_line(tmp_path):
    found = problems(tmp_path, '[[triggers]]\nkind = "folder"\nsource = "drop"\ncoalesce = true\n'
                     'max_instances = 1\n\n[[triggers]]\nkind = "mail"\nsource = "box"\n'
                     'debounse = "2s"\ncoalesce = true\n')
    assert found == {"triggers[1].debounse": (11, "unknown key"),
                     "triggers[1].max_instances": (8, "Field required")}


def test_a_single_trigger_table_and_its_source(tmp_path):
    found = problems(tmp_path, '[trigger]\nkind = "mail"\nsource = "drop"\ncoalesce = true\n'
                     'max_instances = 0\n')
    assert set(found) == {"trigger.max_instances"}
    assert found["trigger.max_instances"][0] == 6
    found = problems(tmp_path / "again", '[trigger]\nkind = "mail"\nsource = "drop"\n'
                     'coalesce = true\nmax_instances = 1\n')
    assert "needs 'email'" in found["trigger.source"][1]


def test_an_unknown_kind_and_a_queue_without_threshold(tmp_path):
    assert problems(tmp_path, '[trigger]\nkind = "webhook"\ncoalesce = true\nmax_instances = 1\n') == {
        "trigger.kind": (3, "must be one of folder, mail, queue (got 'webhook')")}
    found = problems(tmp_path / "q", '[trigger]\nkind = "queue"\ncoalesce = true\nmax_instances = 1\n')
    assert "min_items, max_wait" in found["trigger"][1]


def test_clerk_check_on_this_repository_names_a_bad_trigger_key(tmp_path):
    """The shipped bots/order_confirmations.toml has a folder trigger; spoil one key."""
    import shutil

    from typer.testing import CliRunner

    from clerk.cli import app

    repo = Path(__file__).resolve().parents[3]
    for folder in ("bots", "config", "robots", "keywords"):
        shutil.copytree(repo / folder, tmp_path / folder)
    bot = tmp_path / "bots" / "order_confirmations.toml"
    text = bot.read_text()
    assert 'kind = "folder"' in text
    bot.write_text(text.replace('debounce = "5s"', 'debounce = "soon"'))
    result = CliRunner().invoke(app, ["check", "-C", str(tmp_path)])
    assert result.exit_code == 1
    line = next(row for row in result.output.splitlines() if "triggers[0].debounce" in row)
    number = text.splitlines().index(next(r for r in text.splitlines() if r.startswith("debounce"))) + 1
    assert f"order_confirmations.toml:{number}" in line and "duration" in line
