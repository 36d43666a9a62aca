"""Portal recipes: how to log in to a supplier portal and find its documents.

A recipe is a TOML file under ``config/portals/``; it holds selectors and
secret *references* only (``env:NAME``, ``file:PATH``), never a password.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from clerk.errors import ConfigError

_REF_PREFIXES = ("env:", "file:")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Credentials(_Frozen):
    """Secret references, resolved at login by the caller's resolver."""

    user: str = Field(min_length=1)
    password: str = Field(min_length=1)

    @field_validator("user", "password")
    @classmethod
    def _must_be_reference(cls, value: str) -> str:
        if not value.startswith(_REF_PREFIXES):
            raise ValueError("must be a secret reference such as 'env:NAME' or 'file:PATH', never the secret itself")
        return value


class LoginForm(_Frozen):
    """Selectors of the login page."""

    user_field: str
    password_field: str
    submit: str
    # Present on every page once logged in; absent on the login page.
    logged_in: str


class DownloadLink(_Frozen):
    """One downloadable file per document row; ``kind`` names it (``pdf``, ``xml``)."""

    kind: str = Field(pattern=r"^[a-z0-9_-]{1,20}$")
    selector: str
    required: bool = False


class DocumentList(_Frozen):
    """Selectors of the document list, relative to the page or to one row."""

    ready: str                       # present once the list (even empty) is rendered
    row: str                         # one per document
    id: str                          # inside a row: the element holding the document id
    id_attribute: str | None = None  # read this attribute instead of the text
    empty: str | None = None         # present when the list has no documents at all
    new_marker: str | None = None    # inside a row: present only on documents not yet fetched
    next_page: str | None = None     # the "next page" link or button; absent on the last page
    # In preference order: the first one a row has becomes the Document, the
    # others travel with it (one business document = one work item).
    downloads: tuple[DownloadLink, ...] = Field(min_length=1)

    @field_validator("downloads")
    @classmethod
    def _unique_kinds(cls, value: tuple[DownloadLink, ...]) -> tuple[DownloadLink, ...]:
        kinds = [link.kind for link in value]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each download kind may appear once")
        return value


class Timeouts(_Frozen):
    """Every browser wait has one of these deadlines (milliseconds)."""

    navigation_ms: int = Field(15_000, gt=0, le=300_000)
    action_ms: int = Field(5_000, gt=0, le=120_000)
    download_ms: int = Field(30_000, gt=0, le=600_000)


class PortalRecipe(_Frozen):
    """A supplier portal: where to log in, how to page through and download documents."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")
    base_url: str
    login_url: str = "/login"
    list_url: str
    credentials: Credentials
    login: LoginForm
    documents: DocumentList | None = None
    # Escape hatch for odd portals: "package.module:function" or
    # "file:path/to/keywords.py:function", called with the page and a context.
    keyword: str | None = None
    confirm_dialogs: Literal["dismiss", "accept"] = "dismiss"
    max_pages: int = Field(100, gt=0, le=10_000)
    max_relogins: int = Field(3, ge=0, le=20)
    max_document_bytes: int = Field(25 * 1024 * 1024, gt=0)
    timeouts: Timeouts = Timeouts()

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value.rstrip("/") + "/"

    @field_validator("keyword")
    @classmethod
    def _keyword_form(cls, value: str | None) -> str | None:
        if value is not None and ":" not in value.removeprefix("file:"):
            raise ValueError("must be 'package.module:function' or 'file:path.py:function'")
        return value

    @model_validator(mode="after")
    def _something_to_collect(self) -> PortalRecipe:
        if self.documents is None and self.keyword is None:
            raise ValueError("a recipe needs a [documents] table or a keyword")
        return self

    def url(self, path_or_url: str) -> str:
        """An absolute URL for a recipe path, on the recipe's own site."""
        return urljoin(self.base_url, path_or_url.lstrip("/")) if "://" not in path_or_url else path_or_url


def load_recipe(path: Path, *, overrides: dict[str, object] | None = None) -> PortalRecipe:
    """Read and validate a recipe file; ``ConfigError`` names the file and the key.

    ``overrides`` replace top-level keys (e.g. ``base_url`` from the
    environment-specific configuration).
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), None, f"cannot read the recipe: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), None, f"not valid TOML: {exc}") from exc
    raw.update(overrides or {})
    raw.setdefault("name", path.stem)
    try:
        return PortalRecipe.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or None
        raise ConfigError(str(path), key, first["msg"]) from exc
