"""What the portal source remembers between runs, and how it loads keywords (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clerk.errors import ConfigError, SystemException
from clerk.sources._recipe import load_recipe
from clerk.sources.portal import PortalSource, load_keyword

RECIPE = Path(__file__).resolve().parents[3] / "config" / "portals" / "acme.toml"


def _source(tmp_path: Path) -> PortalSource:
    def no_secrets(reference: str) -> str:
        raise AssertionError("acknowledge must not need a secret")
    return PortalSource(load_recipe(RECIPE), tmp_path / "run" / "documents", no_secrets, state_dir=tmp_path / "state")


def test_acknowledged_ids_are_remembered_across_instances(tmp_path):
    _source(tmp_path).acknowledge(["portal:acme:doc-1", "portal:acme:doc-2", "portal:other:doc-3", "file:abc"])
    _source(tmp_path).acknowledge(["portal:acme:doc-2", "portal:acme:doc-4"])

    assert _source(tmp_path).known_ids() == {"doc-1", "doc-2", "doc-4"}
    state = json.loads((tmp_path / "state" / "portal-acme.json").read_text(encoding="utf-8"))
    assert state == {"acknowledged": ["doc-1", "doc-2", "doc-4"]}
    assert not list((tmp_path / "state").glob("*.tmp"))


def test_nothing_acknowledged_writes_nothing(tmp_path):
    _source(tmp_path).acknowledge(["imap:INBOX:1:2:abc"])
    assert not (tmp_path / "state").exists()
    assert _source(tmp_path).known_ids() == frozenset()


def test_a_corrupt_state_file_stops_instead_of_fetching_everything_again(tmp_path):
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "portal-acme.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemException, match="unreadable") as error:
        _source(tmp_path).known_ids()
    assert error.value.code == "portal_state"


def test_source_name_defaults_to_the_portal():
    source = PortalSource(load_recipe(RECIPE), Path("d"), str, state_dir=Path("s"))
    assert source.name == "portal-acme"


def test_keyword_from_a_file_and_from_a_module(tmp_path):
    (tmp_path / "kw.py").write_text("def collect(page, session):\n    return ['ran']\n", encoding="utf-8")
    assert load_keyword("file:kw.py:collect", tmp_path)(None, None) == ["ran"]
    assert load_keyword("json:dumps", tmp_path) is json.dumps


@pytest.mark.parametrize("spec", ["file:missing.py:collect", "no_such_module_x:collect", "json:no_such_function"])
def test_a_keyword_that_cannot_be_loaded_is_a_config_error(tmp_path, spec):
    with pytest.raises(ConfigError) as error:
        load_keyword(spec, tmp_path)
    assert error.value.key == "keyword" and spec in error.value.message


def test_a_state_file_of_the_wrong_shape_is_refused(tmp_path):
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "portal-acme.json").write_text('["doc-1"]', encoding="utf-8")
    with pytest.raises(SystemException, match="not a portal state file"):
        _source(tmp_path).known_ids()
