"""API tokens: a name, an expiry, revocation, and the end of every token
when the password changes; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clerk.review.users import UserError
from tests.unit.review.conftest import PASSWORD


def test_a_token_works_until_it_expires(directory, people, clock):  # noqa: ANN001
    token = directory.issue_token("rita", "nightly export", now=clock(), actor="root", days=1)
    assert directory.token_user(token, clock()).username == "rita"
    assert directory.token_user(token, clock() + timedelta(hours=23)) is not None
    assert directory.token_user(token, clock() + timedelta(days=1)) is None
    (info,) = directory.tokens("rita")
    assert info.name == "nightly export" and info.expires_at == clock() + timedelta(days=1)
    assert info.status(clock() + timedelta(days=2)) == "expired"


def test_a_revoked_token_stops_at_once_and_is_named(directory, people, clock):  # noqa: ANN001
    ci = directory.issue_token("rita", "ci", now=clock(), actor="root")
    other = directory.issue_token("rita", "laptop", now=clock(), actor="root")
    with pytest.raises(UserError, match="already has a live token named 'ci'"):
        directory.issue_token("rita", "ci", now=clock(), actor="root")
    directory.revoke_token("rita", "ci", now=clock(), actor="root")
    assert directory.token_user(ci, clock()) is None
    assert directory.token_user(other, clock()).username == "rita"
    assert {t.name: t.status(clock()) for t in directory.tokens("rita")} == {"ci": "revoked",
                                                                          "laptop": "live"}
    with pytest.raises(UserError, match="no live token named 'ci'"):
        directory.revoke_token("rita", "ci", now=clock(), actor="root")
    # The name is free again once its token is revoked.
    assert directory.token_user(directory.issue_token("rita", "ci", now=clock(), actor="root"),
                                clock()) is not None


def test_a_password_change_revokes_every_token(directory, people, clock, store):  # noqa: ANN001
    first = directory.issue_token("rita", "one", now=clock(), actor="root")
    second = directory.issue_token("rita", "two", now=clock(), actor="root")
    keeps = directory.issue_token("rob", "one", now=clock(), actor="root")
    directory.set_password("rita", PASSWORD + "!", now=clock(), actor="root")
    assert directory.token_user(first, clock()) is None and directory.token_user(second, clock()) is None
    assert directory.token_user(keeps, clock()).username == "rob"
    from clerk.review.trail import search_events
    (event,) = search_events(store, action="api_tokens_revoked")
    assert event["data"] == {"user": "rita", "count": 2, "why": "password changed"}
    assert first not in str(search_events(store))     # the token itself is never written down


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tab\there"])
def test_a_token_needs_a_printable_name(directory, people, clock, name):  # noqa: ANN001
    with pytest.raises(UserError):
        directory.issue_token("rita", name, now=clock(), actor="root")


@pytest.mark.parametrize("days", [0, -1, 3651, float("inf"), float("nan")])
def test_a_token_lives_a_bounded_time(directory, people, clock, days):  # noqa: ANN001
    with pytest.raises(UserError):
        directory.issue_token("rita", "x", now=clock(), actor="root", days=days)
