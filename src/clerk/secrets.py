"""Secret references: configuration names where a secret lives, never the secret.

``env:NAME`` reads an environment variable, ``file:PATH`` a file (relative to
the project). Values are resolved at use. Masking goes by kind: a secret
(password, token, key) is registered with the masker so it can never be
written out; an identifier (a user name, an account) is not, unless its
reference is listed in ``[audit] secret_references``, so document keys and
actors that contain a user name stay readable and match the queue.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

from clerk.audit.redact import SecretMasker
from clerk.errors import ConfigError

SCHEMES = ("env:", "file:")
# Configuration keys that name who logs in, not what proves it.
_IDENTIFIER_KEY = re.compile(r"^(user(_?name)?|login|account|client_id|tenant|email|sender)$",
                             re.IGNORECASE)


class SecretKind(StrEnum):
    SECRET = "secret"            # masked wherever it appears
    IDENTIFIER = "identifier"    # kept private in config, but not masked


def kind_of_key(key: str) -> SecretKind:
    """The kind of the value a configuration key holds; unknown keys count as secrets."""
    return SecretKind.IDENTIFIER if _IDENTIFIER_KEY.match(key) else SecretKind.SECRET


def _check_reference(value: str) -> str:
    if not value.startswith(SCHEMES):
        raise ValueError("secrets are given by reference only: 'env:NAME' or 'file:PATH', "
                         "never inline")
    if not value.split(":", 1)[1]:
        raise ValueError("the reference names no variable or file")
    return value


SecretRef = Annotated[str, AfterValidator(_check_reference)]


class SecretResolver:
    """Resolves references; registers secrets (and listed references) with the masker."""

    def __init__(self, project_dir: Path, masker: SecretMasker,
                 masked_references: Iterable[str] = ()):
        self.project_dir = project_dir
        self.masker = masker
        self.masked_references = frozenset(masked_references)

    def __call__(self, reference: str, kind: SecretKind = SecretKind.SECRET) -> str:
        return self.resolve(reference, kind=kind)

    def resolve(self, reference: str, *, kind: SecretKind = SecretKind.SECRET) -> str:
        _check_reference(reference)
        scheme, name = reference.split(":", 1)
        value = self._env(name) if scheme == "env" else self._file(name)
        if kind is SecretKind.SECRET or reference in self.masked_references:
            self.masker.register(value)
        return value

    def _env(self, name: str) -> str:
        value = os.environ.get(name)
        if value is None:
            raise ConfigError("environment", name, "the secret's environment variable is not set")
        return value

    def _file(self, name: str) -> str:
        path = Path(name)
        path = path if path.is_absolute() else self.project_dir / path
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(str(path), None, f"cannot read the secret file: {exc.strerror}") from None
