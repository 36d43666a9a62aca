"""The private Dovecot's config is generated for the installed version (2.3 or 2.4)."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.dovecot import render_config


def test_dovecot_23_config_uses_mail_location_and_args():
    text = render_config("2.3.19.1", Path("/srv/t"), 10143, 10993)
    assert "mail_location = maildir:/srv/t/mail/%u" in text
    assert "driver = passwd-file" in text and "port = 10143" in text and "port = 10993" in text
    assert "dovecot_config_version" not in text and "default_login_user" not in text


def test_dovecot_24_config_follows_the_new_syntax():
    text = render_config("2.4.1", Path("/srv/t"), 10143, 10993)
    assert text.splitlines()[0] == "dovecot_config_version = 2.4.0"
    assert "dovecot_storage_version = 2.4.0" in text
    assert "mail_driver = maildir" in text and "mail_path = /srv/t/mail/%{user}" in text
    assert "passdb passwd-file {" in text and "passwd_file_path = /srv/t/passwd" in text
    assert "userdb static {" in text
    assert "mail_location" not in text and "%u" not in text and "disable_plaintext_auth" not in text
    assert "ssl_server_cert_file = /srv/t/server.pem" in text and "ssl_cert" not in text
