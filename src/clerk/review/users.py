"""People: users with roles and groups, passwords (argon2), web sessions,
API tokens and delegations while someone is away.

Session and API tokens are random; only their SHA-256 is stored, so a copy
of the database does not let anyone log in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, delete, insert, select, update

from clerk.audit.events import AuditLog, as_utc
from clerk.errors import ClerkError
from clerk.review.settings import ROLES
from clerk.review.tables import api_tokens, delegations, users, web_sessions
from clerk.store import Store

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
TOKEN_DAYS = 90.0
MAX_TOKEN_DAYS = 3650
USE_RESOLUTION = timedelta(minutes=5)
_hasher = PasswordHasher()


def normalise_username(text: str) -> str:
    """The one spelling of a username: NFKC (full-width letters, ligatures),
    no surrounding space, lower case. Logins, throttle keys and look-ups use it."""
    return unicodedata.normalize("NFKC", text).strip().lower()


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


@dataclass(frozen=True)
class TokenInfo:
    """What ``clerk users token list`` shows of a token (never the token)."""

    id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def status(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "live"


def _live_token(now: datetime):  # noqa: ANN202 - a SQL condition
    return and_(api_tokens.c.revoked_at.is_(None), api_tokens.c.expires_at > now)


def _token_name(name: str) -> str:
    label = unicodedata.normalize("NFKC", name).strip()
    if not 0 < len(label) <= 100 or not label.isprintable():
        raise UserError("a token name is 1-100 printable characters")
    return label


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
        username = normalise_username(username)
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
        username = normalise_username(username)
        with self.store.read() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise UserError(f"no user {username!r}")
        return _user(row)

    def assignable(self, username: str) -> User:
        """The user if items may be assigned to them: enabled and able to review."""
        user = self.get(username)
        if user.disabled or not user.has("reviewer"):
            raise UserError(f"{user.username} cannot review items, so cannot be assigned them")
        return user

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
        # A token issued under the old password may be what leaked with it.
        self._revoke_all_tokens(username, now, actor, "password changed")

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
        username = normalise_username(username)
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
    def issue_token(self, username: str, name: str, *, now: datetime, actor: str,
                    days: float = TOKEN_DAYS) -> str:
        """A new token for ``username`` (returned once, stored as a hash),
        valid ``days`` days. ``name`` says what it is for and is unique among
        the user's live tokens, so ``revoke_token`` can name it."""
        user = self.get(username)
        label = _token_name(name)
        if not 0 < days <= MAX_TOKEN_DAYS:
            raise UserError(f"a token lives between a moment and {MAX_TOKEN_DAYS} days")
        token = "clk_" + secrets.token_urlsafe(32)
        expires = now + timedelta(days=days)
        with self.store.write() as conn:
            if conn.scalar(select(api_tokens.c.id).where(_live_token(now), api_tokens.c.name == label,
                                                         api_tokens.c.user_id == user.id)):
                raise UserError(f"{user.username} already has a live token named {label!r}")
            conn.execute(insert(api_tokens).values(token_hash=token_hash(token), user_id=user.id,
                                                   name=label, created_at=now, expires_at=expires))
            self.audit.append(conn, actor=actor, action="api_token_issued", item_id=None, at=now,
                              data={"user": user.username, "name": label, "expires": expires})
        return token

    def tokens(self, username: str | None = None) -> list[TokenInfo]:
        """Every token (live, expired, revoked), of one user or of all."""
        query = (select(api_tokens, users.c.username)
                 .join(users, users.c.id == api_tokens.c.user_id)
                 .order_by(users.c.username, api_tokens.c.id))
        if username is not None:
            query = query.where(users.c.id == self.get(username).id)
        with self.store.read() as conn:
            return [TokenInfo(r.id, r.username, r.name, as_utc(r.created_at), as_utc(r.expires_at),
                              as_utc(r.revoked_at) if r.revoked_at else None,
                              as_utc(r.last_used_at) if r.last_used_at else None)
                    for r in conn.execute(query)]

    def revoke_token(self, username: str, name: str, *, now: datetime, actor: str) -> None:
        """Revoke the user's live token called ``name``; it stops working at once."""
        user = self.get(username)
        label = _token_name(name)
        with self.store.write() as conn:
            done = conn.execute(update(api_tokens).where(
                _live_token(now), api_tokens.c.user_id == user.id, api_tokens.c.name == label)
                .values(revoked_at=now)).rowcount
            if not done:
                raise UserError(f"{user.username} has no live token named {label!r}")
            self.audit.append(conn, actor=actor, action="api_token_revoked", item_id=None, at=now,
                              data={"user": user.username, "name": label})

    def token_user(self, token: str, now: datetime) -> User | None:
        """The user a live token belongs to (not revoked, not expired, user enabled)."""
        with self.store.read() as conn:
            row = conn.execute(select(users, api_tokens.c.id.label("token_id"),
                                      api_tokens.c.last_used_at)
                               .join(api_tokens, api_tokens.c.user_id == users.c.id)
                               .where(api_tokens.c.token_hash == token_hash(token), _live_token(now))
                               ).first()
        if row is None or row.disabled:
            return None
        if row.last_used_at is None or as_utc(row.last_used_at) < now - USE_RESOLUTION:
            # Written at most every few minutes: a script's every call need not take the write lock.
            with self.store.write() as conn:
                conn.execute(update(api_tokens).where(api_tokens.c.id == row.token_id)
                             .values(last_used_at=now))
        return _user(row)

    def _revoke_all_tokens(self, username: str, now: datetime, actor: str, why: str) -> None:
        user = self.get(username)
        with self.store.write() as conn:
            done = conn.execute(update(api_tokens).where(_live_token(now),
                                                         api_tokens.c.user_id == user.id)
                                .values(revoked_at=now)).rowcount
            if done:
                self.audit.append(conn, actor=actor, action="api_tokens_revoked", item_id=None,
                                  at=now, data={"user": user.username, "count": done, "why": why})

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
