"""MailboxConfig validation and the IMAP helpers that need no server."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from pydantic import ValidationError

from clerk.sources import _imap
from clerk.sources.email import EmailSource, MailboxConfig


def config(**overrides) -> MailboxConfig:
    return MailboxConfig(**{"name": "ap", "host": "imap.example.com", "user": "ap@example.com",
                            "password": "env:AP_PASSWORD", **overrides})


def test_defaults_are_implicit_tls_on_993():
    cfg = config()
    assert (cfg.tls, cfg.port, cfg.folder) == ("ssl", 993, "INBOX")


def test_plain_imap_is_refused_to_a_remote_host():
    with pytest.raises(ValidationError, match="loopback"):
        config(tls="plain")
    assert config(tls="plain", host="127.0.0.1").tls == "plain"


def test_credentials_are_required_for_the_chosen_auth():
    with pytest.raises(ValidationError, match="password"):
        config(password=None)
    with pytest.raises(ValidationError, match="access_token"):
        config(auth="xoauth2")
    assert config(auth="xoauth2", password=None, access_token="env:TOKEN").auth == "xoauth2"


@pytest.mark.parametrize("field", ["folder", "search", "processed_folder"])
def test_control_characters_cannot_inject_imap_commands(field):
    with pytest.raises(ValidationError):
        config(**{field: "INBOX\r\nA1 DELETE INBOX"})


def test_unknown_keys_are_refused():
    with pytest.raises(ValidationError):
        config(pasword="typo")


def test_xoauth2_string_is_built_as_google_and_microsoft_document_it():
    raw = _imap.xoauth2_string("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")
    assert raw == b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"
    # The documented base64 of that exact example (Google's XOAUTH2 protocol page).
    assert base64.b64encode(raw).startswith(b"dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5")


def test_uid_sets_are_compressed_into_ranges():
    assert _imap.uid_set([1, 2, 3, 7, 9, 10]) == "1:3,7,9:10"
    assert _imap.uid_set([5]) == "5"
    assert _imap.uid_set([3, 1, 2, 2]) == "1:3"


def test_mailbox_names_are_quoted():
    assert _imap.quote('a "b"\\c') == '"a \\"b\\"\\\\c"'


def test_since_is_added_to_the_search_in_imap_date_form(tmp_path):
    source = EmailSource(config(search="UNSEEN"), tmp_path, lambda ref: "x")
    assert source._criteria(datetime(2026, 3, 5)) == "(UNSEEN) SINCE 05-Mar-2026"
    assert source._criteria(None) == "UNSEEN"


def test_acknowledging_unknown_keys_opens_no_connection(tmp_path):
    source = EmailSource(config(port=1), tmp_path, lambda ref: "x")
    source.acknowledge(["imap:nobody@nowhere/INBOX:1:1:1:abc"])     # would fail to connect if it tried


@pytest.mark.parametrize("name", ["../x", "a/b", "", ".hidden", "a b"])
def test_a_source_name_must_be_usable_as_a_folder_name(name):
    with pytest.raises(ValidationError):
        config(name=name)
