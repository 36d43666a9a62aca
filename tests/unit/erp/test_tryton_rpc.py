"""Tryton JSON-RPC conventions and error mapping (the wire formats as Tryton 8.0
sends them; the real server is exercised in tests/integration/erp/)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import httpx
import pytest
from pydantic import SecretStr

from clerk.erp import ErpWarning
from clerk.erp.tryton.rpc import TrytonRpc, _decode_object, _error, encode
from clerk.erp.tryton.settings import TrytonSettings
from clerk.errors import ErpAuthError, ErpUnavailable, ErpValidationError

SETTINGS = TrytonSettings(url="http://127.0.0.1:1", database="db",
                          password=SecretStr("s3cret-pw"))


def test_dates_and_money_are_tagged_both_ways():
    wire = encode({"d": datetime.date(2026, 3, 1), "m": [Decimal("12.50")]})
    assert wire == {"d": {"__class__": "date", "year": 2026, "month": 3, "day": 1},
                    "m": [{"__class__": "Decimal", "decimal": "12.50"}]}
    back = json.loads(json.dumps(wire), object_hook=_decode_object)
    assert back == {"d": datetime.date(2026, 3, 1), "m": [Decimal("12.50")]}


def test_user_error_keeps_trytons_message():
    error = _error("model.account.invoice.post",
                   ["UserError", ["No fiscal year defined for 1/15/1990.", "", None]])
    assert isinstance(error, ErpValidationError)
    assert error.message == "No fiscal year defined for 1/15/1990."


def test_user_warning_is_a_typed_warning_not_an_error_to_retry():
    error = _error("model.account.invoice.post",
                   ["UserWarning", ["abc.invoice_similar", "A similar invoice exists", ""]])
    assert isinstance(error, ErpWarning)
    assert not isinstance(error, (ErpUnavailable, ErpValidationError))
    assert error.name == "abc.invoice_similar"


@pytest.mark.parametrize("text", [
    "could not obtain lock on row in relation \"ir_sequence_strict\"",
    "LockNotAvailable: canceling statement",
    "database is locked",
    "could not serialize access due to concurrent update",
])
def test_lock_and_serialization_errors_are_unavailable(text):
    assert isinstance(_error("model.x.post", [text, "traceback"]), ErpUnavailable)


@pytest.mark.parametrize("status, expected", [
    (503, ErpUnavailable), (500, ErpUnavailable), (502, ErpUnavailable),
    (409, ErpUnavailable), (423, ErpUnavailable), (404, ErpUnavailable),
    (403, ErpAuthError), (429, ErpAuthError),
    (400, ErpValidationError),
])
def test_http_status_mapping(status, expected):
    rpc = TrytonRpc(SETTINGS)
    with pytest.raises(expected):
        rpc._result("model.x.read", httpx.Response(status, text="nope"))


def test_non_json_reply_is_unavailable():
    rpc = TrytonRpc(SETTINGS)
    with pytest.raises(ErpUnavailable):
        rpc._result("model.x.read", httpx.Response(200, text="<html>proxy</html>"))


def test_password_never_in_repr():
    assert "s3cret-pw" not in repr(SETTINGS) and "s3cret-pw" not in str(SETTINGS)


def test_unreachable_server_is_unavailable_quickly():
    rpc = TrytonRpc(SETTINGS.model_copy(update={"timeout": 1.0}))
    with pytest.raises(ErpUnavailable, match="unreachable"):
        rpc.login()


def test_an_unreachable_server_never_saw_the_call():
    rpc = TrytonRpc(SETTINGS.model_copy(update={"timeout": 1.0}))
    with pytest.raises(ErpUnavailable) as caught:
        rpc._post("model.account.invoice.post", [[1], {}], auth=None)
    assert caught.value.answer_lost is False


def test_a_server_that_takes_the_call_and_never_answers_lost_the_answer():
    """A real socket that accepts and reads the request, then stays silent."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    port = server.getsockname()[1]
    rpc = TrytonRpc(SETTINGS.model_copy(update={"url": f"http://127.0.0.1:{port}", "timeout": 0.5}))
    try:
        with pytest.raises(ErpUnavailable, match="in time") as caught:
            rpc._post("model.account.invoice.post", [[1], {}], auth=None)
        assert caught.value.answer_lost is True
    finally:
        for conn in accepted:
            conn.close()
        server.close()


def test_rate_limited_logins_say_for_how_long_when_the_erp_says_so():
    with pytest.raises(ErpAuthError, match="1800 s more") as caught:
        TrytonRpc(SETTINGS)._result("common.db.login",
                                    httpx.Response(429, headers={"Retry-After": "1800"}))
    assert caught.value.locked_for == 1800


def test_rate_limited_logins_name_the_window_tryton_counts_over():
    with pytest.raises(ErpAuthError, match=r"\[session\] timeout") as caught:
        TrytonRpc(SETTINGS)._result("common.db.login", httpx.Response(429))
    assert caught.value.locked_for is None
