"""Fixtures that start and stop real services live in tests/fixtures/ and are
registered here so every suite can use them."""

pytest_plugins = [
    "tests.fixtures.store",
    "tests.fixtures.tryton",
    "tests.fixtures.dovecot",
    "tests.fixtures.portal",
]
