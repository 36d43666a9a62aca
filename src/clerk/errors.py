"""The error hierarchy: who has to act on a failure decides its class.

- ``BusinessException``: the document or record is wrong; a person reviews it.
  Never retried automatically.
- ``SystemException``: something outside the record failed (network, ERP down,
  a lock); retried with backoff, then sent to review.
- ``ConfigError``: the operator's configuration is wrong; the run stops.
"""

from __future__ import annotations


class ClerkError(Exception):
    """Base of every error clerk raises on purpose."""


class BusinessException(ClerkError):
    """A problem with the document or record itself, for a reviewer.

    ``code`` is a stable reason code (``wrong_total``, ``unknown_supplier``),
    ``message`` is shown to the reviewer, ``field`` names the record field
    concerned, if any.
    """

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field


class SystemException(ClerkError):
    """A transient or technical failure; the item is retried with backoff.

    ``retry_after`` (seconds), when set, is the least the retry must wait, e.g.
    until a call whose answer was lost can no longer be running in the ERP."""

    def __init__(self, message: str, code: str = "system_error", retry_after: float | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


class ConfigError(ClerkError):
    """The operator's configuration is wrong; names the file and the key."""

    def __init__(self, file: str, key: str | None, message: str, line: int | None = None):
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.file = file
        self.key = key
        self.message = message
        self.line = line


class UnsafeInput(ClerkError):
    """Untrusted input refused before it could do harm; the item is quarantined.

    ``reason`` is a stable code (``path_traversal``, ``too_large``,
    ``archive_bomb``, ``not_a_pdf``, ``pdf_timeout`` ...).
    """

    def __init__(self, reason: str, message: str):
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class ExtractionError(ClerkError):
    """A document could not be turned into a record; the item is quarantined."""

    def __init__(self, reason: str, message: str):
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class QueueError(ClerkError):
    """Base of work-queue errors."""


class IllegalTransition(QueueError):
    """A state change the work item lifecycle does not allow."""

    def __init__(self, item_id: int, from_state: str, to_state: str):
        super().__init__(f"item {item_id}: {from_state} -> {to_state} is not allowed")
        self.item_id = item_id
        self.from_state = from_state
        self.to_state = to_state


class LeaseLost(QueueError):
    """The worker's lease expired and was taken over: its write is refused (fencing)."""


class ItemNotFound(QueueError):
    """No work item with that id."""


class ErpError(ClerkError):
    """Base of ERP connector errors."""


class ErpUnavailable(ErpError, SystemException):
    """Connection refused, timeout, 5xx, lock contention: retry later.

    ``answer_lost``: the call reached the ERP but its answer did not come back
    (a read timeout, a dropped connection), so the ERP may still be executing
    it. Such a call is never simply repeated."""

    def __init__(self, message: str, retry_after: float | None = None, *,
                 answer_lost: bool = False):
        SystemException.__init__(self, message, code="erp_unavailable", retry_after=retry_after)
        self.answer_lost = answer_lost


class ErpValidationError(ErpError, BusinessException):
    """The ERP refused the record; ``message`` is the ERP's own text."""

    def __init__(self, message: str, field: str | None = None):
        BusinessException.__init__(self, "erp_rejected", message, field)


class ErpAuthError(ErpError):
    """The ERP refused clerk's credentials: the run stops, items untouched.
    ``locked_for``: seconds the ERP said it refuses logins, when it said so."""

    def __init__(self, message: str, locked_for: float | None = None):
        super().__init__(message)
        self.locked_for = locked_for
