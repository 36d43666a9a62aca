"""Settings for talking to a Tryton server; built at the entry point and passed in."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class TrytonSettings(BaseModel):
    """Where the Tryton server is and who clerk is there.

    ``url`` is the server root (``http://127.0.0.1:8000``); the database name is
    part of every RPC path. ``password`` is a SecretStr: it is sent at login and
    never logged or shown in a repr.
    """

    model_config = ConfigDict(frozen=True)

    url: str
    database: str
    user: str = "admin"
    password: SecretStr
    timeout: float = Field(default=30.0, gt=0)          # seconds, every call
    connect_timeout: float = Field(default=5.0, gt=0)
    language: str = "en"
