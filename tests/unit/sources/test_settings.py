"""A bot's [collect] kinds: documents only by default, images when the bot OCRs them."""

from __future__ import annotations

import pytest

from clerk.bots import load_bot
from clerk.errors import ConfigError, UnsafeInput
from clerk.sources import safety
from clerk.sources.settings import CollectSettings


def test_the_default_is_documents_only():
    types = CollectSettings().content_types()
    assert types == {safety.PDF, safety.XML, safety.CSV, safety.XLSX}
    with pytest.raises(UnsafeInput) as refused:
        safety.check_content_type(safety.PNG, types, "scan.png", "image/png")
    assert refused.value.reason == "image" and "[collect]" in refused.value.message


def test_a_bot_that_ocrs_collects_images(tmp_path):
    (tmp_path / "scans.toml").write_text('sources = ["inbox"]\n[collect]\nkinds = ["pdf", "image"]\n')
    bot = load_bot(tmp_path / "scans.toml")
    assert bot.collect.content_types() == {safety.PDF, safety.PNG, safety.JPEG, safety.TIFF}


def test_a_bot_without_a_collect_table_takes_documents_only(tmp_path):
    (tmp_path / "plain.toml").write_text('sources = ["inbox"]\n')
    assert load_bot(tmp_path / "plain.toml").collect == CollectSettings()


@pytest.mark.parametrize("table", ['kinds = ["executable"]', "kinds = []", 'kind = ["pdf"]'])
def test_an_unknown_or_empty_kind_is_a_config_error(tmp_path, table):
    (tmp_path / "bad.toml").write_text(f"[collect]\n{table}\n")
    with pytest.raises(ConfigError) as error:
        load_bot(tmp_path / "bad.toml")
    assert "collect" in str(error.value)
