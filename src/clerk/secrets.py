"""Secret references: configuration names where a secret lives, never the secret.

``env:NAME`` reads an environment variable, ``file:PATH`` a file (relative to
the project). Values are resolved at use and registered with the masker so
they can never be written out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator

from clerk.audit.redact import SecretMasker
from clerk.errors import ConfigError

SCHEMES = ("env:", "file:")


def _check_reference(value: str) -> str:
    if not value.startswith(SCHEMES):
        raise ValueError("secrets are given by reference only: 'env:NAME' or 'file:PATH', "
                         "never inline")
    if not value.split(":", 1)[1]:
        raise ValueError("the reference names no variable or file")
    return value


SecretRef = Annotated[str, AfterValidator(_check_reference)]


class SecretResolver:
    """Resolves references and registers every value with the masker."""

    def __init__(self, project_dir: Path, masker: SecretMasker):
        self.project_dir = project_dir
        self.masker = masker

    def __call__(self, reference: str) -> str:
        return self.resolve(reference)

    def resolve(self, reference: str) -> str:
        _check_reference(reference)
        scheme, name = reference.split(":", 1)
        value = self._env(name) if scheme == "env" else self._file(name)
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
