"""Masking by kind: a password is masked wherever it appears; a user name
resolved from a reference is not (unless configured as secret), so document
keys in the trail match the queue."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from clerk.audit.redact import MASK, SecretMasker
from clerk.bots import BotDefinition
from clerk.config import load_settings
from clerk.project import open_project
from clerk.runner.secrets import register_configured_secrets
from clerk.secrets import SecretKind, SecretResolver, kind_of_key
from clerk.store.schema import audit_events

USER = "acme"                       # 4 characters: long enough to be masked as a secret
CANARY = "canary-Pw4-portal-password"
KEY = f"portal:{USER}:doc-0201"


def project_with_portal_credentials(root: Path, store_url: str, audit: str = ""):  # noqa: ANN201
    (root / "secrets").mkdir(parents=True)
    (root / "secrets" / "portal.user").write_text(USER)
    (root / "secrets" / "portal.password").write_text(CANARY)
    (root / "config").mkdir()
    (root / "config" / "clerk.toml").write_text(f'''database_url = "{store_url}"
{audit}
[sources.acme-portal]
type = "portal"
recipe = "config/portals/acme.toml"
credentials = {{ user = "file:secrets/portal.user", password = "file:secrets/portal.password" }}
''')
    return open_project(load_settings(root))


def trail_text(project) -> str:  # noqa: ANN001
    with project.store.read() as conn:
        return "\n".join(f"{row.actor} {row.data}" for row in conn.execute(select(audit_events)))


def test_keys_name_their_kind():
    assert kind_of_key("user") is kind_of_key("username") is kind_of_key("login") is SecretKind.IDENTIFIER
    for key in ("password", "access_token", "api_key", "signing_key", "client_secret", "whatever"):
        assert kind_of_key(key) is SecretKind.SECRET


def test_resolver_masks_secrets_but_not_identifiers(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_USER", USER)
    monkeypatch.setenv("PORTAL_TOKEN", CANARY)
    masker = SecretMasker()
    resolver = SecretResolver(tmp_path, masker)
    assert resolver.resolve("env:PORTAL_USER", kind=SecretKind.IDENTIFIER) == USER
    assert resolver.resolve("env:PORTAL_TOKEN") == CANARY          # secret unless said otherwise
    assert masker.mask_text(f"{KEY} {CANARY}") == f"{KEY} {MASK}"
    listed = SecretResolver(tmp_path, masker, masked_references=["env:PORTAL_USER"])
    listed.resolve("env:PORTAL_USER", kind=SecretKind.IDENTIFIER)
    assert masker.mask_text(KEY) == f"portal:{MASK}:doc-0201"


def test_a_run_registers_the_password_and_leaves_the_user_name(tmp_path, store_url):
    project = project_with_portal_credentials(tmp_path, store_url)
    try:
        bot = BotDefinition(name="invoices", sources=["acme-portal"])
        assert register_configured_secrets(project, bot) == 2
        item_id = project.queue.enqueue("invoices", KEY, {}).item_id
        with project.store.write() as conn:     # as a careless library would write it
            project.audit.append(conn, actor="portal", action="logged_in", item_id=item_id,
                                 data={"note": f"logged in as {USER} with {CANARY}"})
        trail = trail_text(project)
    finally:
        project.close()
    assert project.masker.values == {CANARY}
    assert KEY in trail and CANARY not in trail
    assert f"logged in as {USER} with {MASK}" in trail


def test_a_user_name_configured_as_secret_is_masked(tmp_path, store_url):
    project = project_with_portal_credentials(
        tmp_path, store_url, audit='[audit]\nsecret_references = ["file:secrets/portal.user"]')
    try:
        register_configured_secrets(project, BotDefinition(name="invoices", sources=["acme-portal"]))
        project.queue.enqueue("invoices", KEY, {})
        trail = trail_text(project)
    finally:
        project.close()
    assert project.masker.values == {CANARY, USER}
    assert f"portal:{MASK}:doc-0201" in trail and USER not in trail.replace("invoices", "")
