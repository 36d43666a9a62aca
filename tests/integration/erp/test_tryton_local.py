"""The local Tryton for demo and tests: bootstrap and serve are idempotent, the
admin password stays in a private file."""

from __future__ import annotations

import stat

import pytest

from clerk.erp.tryton import bootstrap, serve
from clerk.errors import ConfigError
from tests.fixtures.tryton import DATABASE, WORLD

pytestmark = pytest.mark.integration


def test_bootstrap_twice_changes_nothing(tryton_server):
    database_file = tryton_server.directory / f"{DATABASE}.sqlite"
    before = database_file.stat().st_mtime_ns, database_file.stat().st_size
    instance = bootstrap(tryton_server.directory, world=WORLD, database=DATABASE)
    assert (database_file.stat().st_mtime_ns, database_file.stat().st_size) == before
    assert instance.password().get_secret_value() == tryton_server.password.get_secret_value()
    mode = stat.S_IMODE(instance.password_file.stat().st_mode)
    assert mode == 0o600


def test_serve_reuses_a_running_server(tryton_server):
    again = serve(tryton_server.directory / "trytond.conf", DATABASE,
                  port=tryton_server.server.port)
    assert again._process is None          # nothing new was started
    assert again.is_running()


def test_bootstrap_refuses_bad_arguments(tmp_path):
    with pytest.raises(ConfigError):
        bootstrap(tmp_path, world=tmp_path / "missing.toml")
    with pytest.raises(ConfigError):
        bootstrap(tmp_path, world=WORLD, database_url="mysql://root@localhost/")
