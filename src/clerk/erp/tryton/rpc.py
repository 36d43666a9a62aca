"""A small Tryton JSON-RPC client over httpx: login, session renewal, error mapping.

Every failure leaves here as one of clerk's ERP errors:

- connection refused, timeout, HTTP 5xx, database lock or serialization
  failures -> ``ErpUnavailable`` (retry later);
- Tryton ``UserError`` -> ``ErpValidationError`` with Tryton's own message;
- Tryton ``UserWarning`` -> ``ErpWarning`` (a person must decide);
- refused credentials -> ``ErpAuthError``.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import json
import logging
import threading
from decimal import Decimal
from typing import Any

import httpx

from clerk.erp import ErpWarning
from clerk.erp.tryton.settings import TrytonSettings
from clerk.errors import ErpAuthError, ErpUnavailable, ErpValidationError

log = logging.getLogger(__name__)

# Words in a server-side error that mean "the database was busy", not "the
# record is wrong": PostgreSQL NOWAIT locks, serialization, SQLite's file lock.
_BUSY_MARKERS = ("could not obtain lock", "lock not available", "locknotavailable",
                 "could not serialize", "database is locked", "deadlock detected",
                 "concurrent", "serializ")


def encode(value: Any) -> Any:
    """Python values -> Tryton's JSON conventions (dates and Decimals are tagged)."""
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, datetime.datetime):
        raise TypeError("datetimes are not sent to the ERP")
    if isinstance(value, datetime.date):
        return {"__class__": "date", "year": value.year, "month": value.month,
                "day": value.day}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    return value


def _decode_object(obj: dict) -> Any:
    kind = obj.get("__class__")
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "date":
        return datetime.date(obj["year"], obj["month"], obj["day"])
    if kind == "datetime":
        return datetime.datetime(obj["year"], obj["month"], obj["day"], obj["hour"],
                                 obj["minute"], obj["second"], obj.get("microsecond", 0))
    return obj


class TrytonRpc:
    """One logged-in session with a Tryton server; safe to share between threads.

    The session is renewed transparently when the server answers 401 (expired
    or logged out), once per call.
    """

    def __init__(self, settings: TrytonSettings, client: httpx.Client | None = None):
        self._settings = settings
        timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
        self._client = client or httpx.Client(timeout=timeout)
        self._endpoint = f"{settings.url.rstrip('/')}/{settings.database}/rpc/"
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._auth_header: str | None = None
        self._session_generation = 0
        self.context: dict[str, Any] = {}

    def close(self) -> None:
        self._client.close()

    def login(self) -> None:
        """Open a session (and read the user's context); ErpAuthError if refused."""
        with self._lock:
            self._login_locked()

    def _login_locked(self) -> None:
        params = [self._settings.user,
                  {"password": self._settings.password.get_secret_value()},
                  self._settings.language]
        try:
            result = self._post("common.db.login", params, auth=None)
        except _SessionExpired:
            raise ErpAuthError(f"Tryton refused the login of {self._settings.user!r}") from None
        except ErpValidationError as error:
            raise ErpAuthError(f"Tryton refused the login of {self._settings.user!r}: "
                               f"{error.message}") from None
        if not isinstance(result, list) or len(result) < 2:
            raise ErpAuthError(f"Tryton refused the login of {self._settings.user!r}")
        token = f"{self._settings.user}:{result[0]}:{result[1]}"
        self._auth_header = "Session " + base64.b64encode(token.encode()).decode()
        self._session_generation += 1
        self.context = self._post("model.res.user.get_preferences", [True, {}],
                                  auth=self._auth_header)

    def call(self, method: str, *args: Any, context: dict | None = None) -> Any:
        """Call ``method`` (e.g. ``model.account.invoice.search``) with ``args``
        followed by the session context (merged with ``context``)."""
        for attempt in (1, 2):
            with self._lock:
                if self._auth_header is None:
                    self._login_locked()
                header, generation = self._auth_header, self._session_generation
                full_context = {**self.context, **(context or {})}
            try:
                return self._post(method, [*args, full_context], auth=header)
            except _SessionExpired:
                with self._lock:
                    # Another thread may have renewed it already.
                    if self._session_generation == generation:
                        self._auth_header = None
                if attempt == 2:
                    raise ErpAuthError("Tryton refused a freshly opened session") from None
        raise AssertionError("unreachable")

    def logout(self) -> None:
        with self._lock:
            if self._auth_header is not None:
                try:
                    self._post("common.db.logout", [], auth=self._auth_header)
                except (ErpUnavailable, ErpValidationError, _SessionExpired):
                    pass  # the session dies with the server anyway
                self._auth_header = None

    def _post(self, method: str, params: list, auth: str | None) -> Any:
        body = json.dumps({"id": next(self._ids), "method": method,
                           "params": encode(params)})
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = auth
        try:
            response = self._client.post(self._endpoint, content=body, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            # Nothing was sent: the ERP never saw the call.
            raise ErpUnavailable(f"Tryton unreachable at {self._settings.url}: "
                                 f"{type(error).__name__}") from None
        except httpx.TimeoutException as error:
            raise ErpUnavailable(f"Tryton did not answer {method} in time: "
                                 f"{type(error).__name__}", answer_lost=True) from None
        except httpx.TransportError as error:
            raise ErpUnavailable(f"Tryton's answer to {method} was lost: "
                                 f"{type(error).__name__}: {error}", answer_lost=True) from None
        return self._result(method, response)

    def _result(self, method: str, response: httpx.Response) -> Any:
        status = response.status_code
        if status == 401:
            raise _SessionExpired()
        if status == 403:
            raise ErpAuthError(f"Tryton refused access to {method} (HTTP 403)")
        if status == 429:
            raise _rate_limited(response)
        if status == 404:
            # Tryton answers 404 when it cannot open the database (PostgreSQL down,
            # database being restored): transient as far as clerk can tell.
            raise ErpUnavailable(f"Tryton could not open database "
                                 f"{self._settings.database!r} (HTTP 404)")
        if status >= 500 or status in (409, 423):
            raise ErpUnavailable(f"Tryton answered HTTP {status} to {method}: "
                                 f"{_short(response.text)}")
        if status != 200:
            raise ErpValidationError(f"Tryton answered HTTP {status} to {method}: "
                                     f"{_short(response.text)}")
        try:
            payload = json.loads(response.text, object_hook=_decode_object)
        except ValueError:
            raise ErpUnavailable(f"Tryton sent a reply to {method} that is not JSON") from None
        if "error" in payload and payload["error"] is not None:
            raise _error(method, payload["error"])
        return payload.get("result")


def _rate_limited(response: httpx.Response) -> ErpAuthError:
    """Tryton counts failed logins per user over its ``[session] timeout`` and then
    refuses even the right password; it names no end, but a proxy may."""
    retry_after = response.headers.get("Retry-After", "")
    if retry_after.isdigit():
        return ErpAuthError(f"Tryton is rate-limiting logins (too many failed attempts): "
                            f"it refuses logins for {int(retry_after)} s more",
                            locked_for=float(retry_after))
    return ErpAuthError("Tryton is rate-limiting logins (too many failed attempts): it refuses "
                        "logins, even with the right password, until the failed ones are older "
                        "than its [session] timeout (trytond.conf; 3600 s by default and in an "
                        "ERP made by `clerk erp bootstrap`)")


class _SessionExpired(Exception):
    """HTTP 401: the session token is unknown or expired; log in again."""


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _error(method: str, error: Any) -> Exception:
    """Map a JSON-RPC error payload to clerk's ERP errors."""
    if isinstance(error, list) and error and error[0] == "UserError":
        message, description = (list(error[1]) + ["", ""])[:2]
        text = message if not description else f"{message} {description}"
        return ErpValidationError(text)
    if isinstance(error, list) and error and error[0] == "UserWarning":
        name, message = (list(error[1]) + ["", ""])[:2]
        return ErpWarning(name=name, message=message)
    if isinstance(error, list) and error and error[0] == "LoginException":
        return ErpAuthError(f"Tryton asks for more login parameters on {method}")
    if isinstance(error, list) and error and error[0] == "ConcurrencyException":
        return ErpUnavailable(f"Tryton reported concurrent modification on {method}")
    text = str(error[0]) if isinstance(error, list) and error else str(error)
    if any(marker in text.lower() for marker in _BUSY_MARKERS):
        return ErpUnavailable(f"Tryton database busy on {method}: {_short(text)}")
    # An unexpected server-side exception (a bug or a bad call): not the record's fault
    # in a way a reviewer can fix, and not transient either; keep Tryton's text.
    return ErpValidationError(f"Tryton failed on {method}: {_short(text)}")
