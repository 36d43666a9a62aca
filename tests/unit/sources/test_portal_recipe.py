"""Portal recipes: a bad recipe is a ConfigError that names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk.errors import ConfigError
from clerk.sources._recipe import PortalRecipe, load_recipe

REPO = Path(__file__).resolve().parents[3]
GOOD = (REPO / "config" / "portals" / "acme.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "supplier.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_recipe_is_valid():
    for path in (REPO / "config" / "portals").glob("*.toml"):
        recipe = load_recipe(path)
        assert isinstance(recipe, PortalRecipe) and recipe.name == path.stem


def test_urls_are_built_on_the_recipes_site_and_overrides_apply(tmp_path):
    recipe = load_recipe(_write(tmp_path, GOOD), overrides={"base_url": "http://127.0.0.1:9999/portal"})
    assert recipe.url("/invoices") == "http://127.0.0.1:9999/portal/invoices"
    assert recipe.url("https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert [link.kind for link in recipe.documents.downloads] == ["xml", "pdf"]


@pytest.mark.parametrize(("edit", "key", "words"), [
    (('password = "file:var/demo/portal/acme.password"', 'password = "hunter2"'),
     "credentials.password", "secret reference"),
    (('user = "file:var/demo/portal/acme.user"', ""), "credentials.user", "Field required"),
    (('base_url = "http://127.0.0.1:8040"', 'base_url = "ftp://example"'), "base_url", "http"),
    (('max_pages = 100', 'max_pages = 0'), "max_pages", "greater than 0"),
    (('max_pages = 100', 'max_pagez = 3'), "max_pagez", "Extra inputs"),
    (('{ kind = "pdf", selector = "a.pdf" }', '{ kind = "xml", selector = "a.pdf" }'),
     "documents.downloads", "once"),
    (('confirm_dialogs = "dismiss"', 'confirm_dialogs = "ignore"'), "confirm_dialogs", "dismiss"),
    (('download_ms = 30000', 'download_ms = -1'), "timeouts.download_ms", "greater than 0"),
    (('submit = "#sign-in"', ''), "login.submit", "Field required"),
])
def test_bad_recipe_names_file_and_key(tmp_path, edit, key, words):
    old, new = edit
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as error:
        load_recipe(path)
    assert error.value.file == str(path) and error.value.key == key
    assert words in error.value.message
    assert "hunter2" not in str(error.value)       # the offending value is never echoed


def test_recipe_needs_documents_or_a_keyword(tmp_path):
    before, after = GOOD.split("[documents]")
    text = before + "[timeouts]" + after.split("[timeouts]")[1]      # no [documents] table
    with pytest.raises(ConfigError, match="documents"):
        load_recipe(_write(tmp_path, text))
    with_keyword = load_recipe(_write(tmp_path, 'keyword = "acme_keywords:collect"\n' + text))
    assert with_keyword.documents is None and with_keyword.keyword == "acme_keywords:collect"


def test_keyword_must_name_a_function(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_recipe(_write(tmp_path, 'keyword = "acme_keywords"\n' + GOOD))
    assert error.value.key == "keyword"


def test_unreadable_or_invalid_toml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML") as error:
        load_recipe(_write(tmp_path, GOOD + "\n[login\n"))
    assert error.value.file.endswith("supplier.toml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_recipe(tmp_path / "missing.toml")
