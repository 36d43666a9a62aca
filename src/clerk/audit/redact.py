"""Secret masking: secrets must never reach logs, output files or the audit trail."""

from __future__ import annotations

import re
import threading
from typing import Any

MASK = "********"
# Keys whose values are secrets by kind: passwords, tokens and keys. A user
# name is not one of them (it is resolved as an identifier, clerk.secrets).
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|authorization|api[_-]?key|cookie|credential"
                         r"|(private|signing)[_-]?key", re.IGNORECASE)
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


class SecretMasker:
    """Knows the secret values resolved in this process and masks them.

    One instance is built at the entry point and handed to whatever writes
    text out (audit trail, logs, the Robot Framework listener)."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None

    def register(self, value: str) -> None:
        if len(value) < _MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value not in self._values:
                self._values.add(value)
                self._pattern = None

    @property
    def values(self) -> frozenset[str]:
        return frozenset(self._values)

    def mask_text(self, text: str) -> str:
        pattern = self._compiled()
        return pattern.sub(MASK, text) if pattern else text

    def mask(self, data: Any) -> Any:
        """A copy of ``data`` with secret-looking keys and known secret values masked."""
        if isinstance(data, dict):
            return {key: (MASK if isinstance(key, str) and _SECRET_KEY.search(key) and value
                          else self.mask(value))
                    for key, value in data.items()}
        if isinstance(data, (list, tuple)):
            return [self.mask(value) for value in data]
        if isinstance(data, str):
            return self.mask_text(data)
        return data

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                longest_first = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(v) for v in longest_first))
            return self._pattern
