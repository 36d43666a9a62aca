"""People: users with roles and groups, passwords (argon2), web sessions,
API tokens and delegations while someone is away.

Session and API tokens are random; only their SHA-256 is stored, so a copy
of the database does not let anyone log in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update

from clerk.audit.events import AuditLog, as_utc
from clerk.errors import ClerkError
from clerk.review.settings import ROLES
from clerk.review.tables import api_tokens, delegations, users, web_sessions
from clerk.store import Store

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()


class UserError(ClerkError):
    """A user operation refused (unknown user, bad role, weak password...)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    email: str | None
    roles: frozenset[str]
    groups: frozenset[str]
    disabled: bool

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(role in self.roles for role in roles)


def _user(row) -> User:  # noqa: ANN001
    return User(id=row.id, username=row.username, display_name=row.display_name or row.username,
                email=row.email, roles=frozenset(filter(None, row.roles.split(","))),
                groups=frozenset(filter(None, row.groups.split(","))), disabled=row.disabled)


def _check_roles(roles: list[str]) -> str:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise UserError(f"roles must be among {', '.join(ROLES)} (got {', '.join(roles) or 'none'})")
    return ",".join(sorted(set(roles)))


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise UserError("a password needs at least 10 characters")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserDirectory:
    """Users of one store. ``audit`` records every change of a user."""

    def __init__(self, store: Store, audit: AuditLog, hasher: PasswordHasher | None = None):
        self.store = store
        self.audit = audit
        # Tests pass a cheap hasher; production keeps argon2-cffi's defaults.
        self.hasher = hasher or _hasher
        self._dummy = self.hasher.hash("clerk-no-such-user")

    def add(self, username: str, password: str, roles: list[str], *, now: datetime,
            actor: str, display_name: str = "", email: str | None = None,
            groups: list[str] | None = None) -> User:
        if not USERNAME.match(username):
            raise UserError("a username is 2-64 lower-case letters, digits, '.', '_' or '-'")
        _check_password(password)
        role_text = _check_roles(roles)
        with self.store.write() as conn:
            if conn.scalar(select(users.c.id).where(users.c.username == username)):
                raise UserError(f"user {username!r} exists")
            conn.execute(insert(users).values(
                username=username, display_name=display_name or username, email=email,
                password_hash=self.hasher.hash(password), roles=role_text,
                groups=",".join(sorted(set(groups or []))), disabled=False,
                created_at=now, updated_at=now))
            self.audit.append(conn, actor=actor, action="user_added", item_id=None, at=now,
                              data={"user": username, "roles": role_text, "groups": groups or []})
        return self.get(username)

    def get(self, username: str) -> User:
        with self.store.read() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise UserError(f"no user {username!r}")
        return _user(row)

    def all(self) -> list[User]:
        with self.store.read() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]

    def members(self, group: str) -> list[User]:
        return [u for u in self.all() if group in u.groups and not u.disabled]

    def set_password(self, username: str, password: str, *, now: datetime, actor: str) -> None:
        _check_password(password)
        self._change(username, now, actor, "password_changed", {},
                     password_hash=self.hasher.hash(password))
        self.end_sessions(username)

    def disable(self, username: str, *, now: datetime, actor: str) -> None:
        self._change(username, now, actor, "user_disabled", {}, disabled=True)
        self.end_sessions(username)

    def set_roles(self, username: str, roles: list[str], *, now: datetime, actor: str) -> None:
        text = _check_roles(roles)
        self._change(username, now, actor, "roles_changed", {"roles": text}, roles=text)

    def _change(self, username, now, actor, action, data, **values) -> None:  # noqa: ANN001
        with self.store.write() as conn:
            result = conn.execute(update(users).where(users.c.username == username)
                                  .values(updated_at=now, **values))
            if result.rowcount != 1:
                raise UserError(f"no user {username!r}")
            self.audit.append(conn, actor=actor, action=action, item_id=None, at=now,
                              data={"user": username, **data})

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account enabled, else None."""
        with self.store.read() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        try:
            # A missing user is checked against a dummy hash, so a wrong name and a
            # wrong password take the same time.
            self.hasher.verify(row.password_hash if row else self._dummy, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row.disabled:
            return None
        if self.hasher.check_needs_rehash(row.password_hash):
            with self.store.write() as conn:
                conn.execute(update(users).where(users.c.id == row.id)
                             .values(password_hash=self.hasher.hash(password)))
        return _user(row)

    # -- web sessions -----------------------------------------------------
    def open_session(self, user: User, *, now: datetime, hours: float) -> tuple[str, str]:
        """A new session: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.store.write() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            conn.execute(insert(web_sessions).values(
                token_hash=token_hash(token), user_id=user.id, csrf_token=csrf,
                created_at=now, expires_at=now + timedelta(hours=hours)))
        return token, csrf

    def session_user(self, token: str, now: datetime) -> tuple[User, str] | None:
        with self.store.read() as conn:
            row = conn.execute(
                select(users, web_sessions.c.csrf_token, web_sessions.c.expires_at)
                .join(web_sessions, web_sessions.c.user_id == users.c.id)
                .where(web_sessions.c.token_hash == token_hash(token))).first()
        if row is None or row.disabled or as_utc(row.expires_at) <= now:
            return None
        return _user(row), row.csrf_token

    def close_session(self, token: str) -> None:
        with self.store.write() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash(token)))

    def end_sessions(self, username: str) -> None:
        with self.store.write() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.user_id.in_(
                select(users.c.id).where(users.c.username == username).scalar_subquery())))

    # -- API tokens -------------------------------------------------------
    def issue_token(self, username: str, name: str, *, now: datetime, actor: str) -> str:
        user = self.get(username)
        token = "clk_" + secrets.token_urlsafe(32)
        with self.store.write() as conn:
            conn.execute(insert(api_tokens).values(token_hash=token_hash(token), user_id=user.id,
                                                   name=name[:100], created_at=now))
            self.audit.append(conn, actor=actor, action="api_token_issued", item_id=None, at=now,
                              data={"user": username, "name": name[:100]})
        return token

    def token_user(self, token: str) -> User | None:
        with self.store.read() as conn:
            row = conn.execute(select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
                               .where(api_tokens.c.token_hash == token_hash(token),
                                      api_tokens.c.revoked_at.is_(None))).first()
        return None if row is None or row.disabled else _user(row)

    # -- delegation -------------------------------------------------------
    def delegate(self, username: str, delegate: str, *, starts: datetime, ends: datetime,
                 now: datetime, actor: str) -> None:
        """``delegate`` acts for ``username`` between ``starts`` and ``ends``."""
        self.get(username), self.get(delegate)
        if ends <= starts or username == delegate:
            raise UserError("a delegation needs another person and an end after its start")
        with self.store.write() as conn:
            conn.execute(insert(delegations).values(username=username, delegate=delegate,
                                                    starts_at=starts, ends_at=ends, created_at=now))
            self.audit.append(conn, actor=actor, action="delegation_added", item_id=None, at=now,
                              data={"user": username, "delegate": delegate,
                                    "starts": starts, "ends": ends})

    def represented_by(self, delegate: str, now: datetime) -> set[str]:
        """Usernames ``delegate`` may act for at ``now`` (not including itself)."""
        with self.store.read() as conn:
            rows = conn.execute(select(delegations.c.username, delegations.c.starts_at,
                                       delegations.c.ends_at)
                                .where(delegations.c.delegate == delegate)).all()
        return {r.username for r in rows if as_utc(r.starts_at) <= now < as_utc(r.ends_at)}
