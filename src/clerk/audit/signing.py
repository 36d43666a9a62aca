"""The project's Ed25519 checkpoint key: the private key by secret reference
(``[audit] signing_key = "file:..."`` or ``"env:..."``, PEM, unencrypted PKCS#8),
the public key exported for auditors."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (Encoding, NoEncryption, PrivateFormat,
                                                          PublicFormat, load_pem_private_key)

from clerk.audit.offline import checkpoint_message, key_id
from clerk.errors import ConfigError


class CheckpointSigner:
    """Signs tree heads. The private key stays inside this object."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(raw)

    @classmethod
    def from_pem(cls, pem: str, where: str) -> CheckpointSigner:
        try:
            key = load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError):
            # Never the text itself: it is the secret.
            raise ConfigError(where, "audit.signing_key",
                              "not an unencrypted PEM private key (make one with "
                              "`clerk audit key generate`)") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigError(where, "audit.signing_key", "the checkpoint key must be Ed25519")
        return cls(key)

    def sign(self, point: dict) -> str:
        return base64.b64encode(self._key.sign(checkpoint_message(point))).decode()

    def public_pem(self) -> bytes:
        return self._key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def generate_key_file(path: Path) -> CheckpointSigner:
    """A new private key at ``path`` (mode 0600); refuses to replace an existing one,
    since checkpoints signed with it could no longer be checked against a new key."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(str(path), None, "a signing key already exists; auditors hold its public "
                          "key, so it is never replaced silently") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return CheckpointSigner(key)


def ensure_key_file(reference: str | None, project_dir: Path) -> CheckpointSigner | None:
    """For the demo: make the key a ``file:`` reference names if there is none yet."""
    if reference is None or not reference.startswith("file:"):
        return None
    path = key_path(reference, project_dir)
    return None if path.exists() else generate_key_file(path)


def key_path(file_reference: str, project_dir: Path) -> Path:
    path = Path(file_reference.removeprefix("file:"))
    return path if path.is_absolute() else project_dir / path
