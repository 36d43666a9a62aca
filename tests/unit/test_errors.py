"""clerk's exceptions take clerk's positional order and Robocorp's keywords alike."""

import pytest

from clerk.errors import BusinessException, ErpValidationError, SystemException


def test_business_exception_positional_order_is_unchanged():
    exc = BusinessException("wrong_total", "the lines do not add up", "totals.gross")
    assert (exc.code, exc.message, exc.field) == ("wrong_total", "the lines do not add up",
                                                  "totals.gross")
    assert str(exc) == "wrong_total: the lines do not add up"


def test_business_exception_takes_robocorps_keywords():
    exc = BusinessException(message="no such supplier", code="unknown_supplier")
    assert (exc.code, exc.message, exc.field) == ("unknown_supplier", "no such supplier", None)
    assert BusinessException(message="just a message").code == "business_exception"


def test_business_exception_without_a_message_is_refused():
    with pytest.raises(TypeError, match="needs a message"):
        BusinessException("wrong_total")


def test_system_exception_takes_robocorps_application_keywords():
    exc = SystemException(message="ERP timeout", code="erp_timeout")
    assert (exc.message, exc.code) == ("ERP timeout", "erp_timeout")
    assert SystemException(message="lost", code=None).code == "system_error"
    assert ErpValidationError("refused", "party").code == "erp_rejected"
