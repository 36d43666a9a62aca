"""Supplier portals as a document source, driven through a real Chromium.

A portal is described by a recipe (``config/portals/<name>.toml``, see
``clerk.sources._recipe``). ``collect`` logs in, pages through the document
list, downloads each new document's files with Playwright's download API and
yields one ``Document`` per portal document (key ``portal:<name>:<id>``): the
first file in the recipe's preference order is the document, the others are
listed in ``origin["companions"]``.

What is new: the ids passed to ``acknowledge`` are remembered in
``<state_dir>/portal-<name>.json``; a document whose id is there is not
downloaded again. A recipe may also name the portal's own "new" marker.

Where files go: ``<documents_dir>/<source name>/<sha256[:12]>-<file name>``
(source name ``portal-<name>`` by default), refused bytes to
``<documents_dir>/quarantine/<sha256>.bin`` (the shared ``DocumentWriter``).
On failure a screenshot and the page HTML are saved as
``<documents_dir>/../screenshots/portal-<name>-<UTC stamp>.png`` and ``.html``
and a ``PortalError`` (a ``SystemException``) is raised.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from clerk.browser import BrowserSettings, launch_browser
from clerk.errors import ConfigError, SystemException
from clerk.models.document import Document, Quarantined
from clerk.sources._portal_files import RefusedDownload, read_download
from clerk.sources._portal_session import (
    FetchedDocument,
    PortalSession,
    PortalStepFailed,
    SessionExpired,
    walk_documents,
)
from clerk.sources._recipe import PortalRecipe
from clerk.sources._saving import DocumentWriter
from clerk.sources.safety import safe_text

__all__ = ["FetchedDocument", "PortalError", "PortalSession", "PortalSource"]

log = logging.getLogger(__name__)

Keyword = Callable[[Page, PortalSession], "Iterator[FetchedDocument]"]
_Walker = Callable[[Page, PortalSession, frozenset[str]], "Iterator[FetchedDocument]"]


class PortalError(SystemException):
    """The portal run failed; ``screenshot`` and ``html`` show the page as it was."""

    def __init__(self, message: str, screenshot: Path | None, html: Path | None):
        super().__init__(message, code="portal_failed")
        self.screenshot = screenshot
        self.html = html


class PortalSource:
    """A supplier portal (implements ``clerk.sources.base.Source``)."""

    def __init__(
        self,
        recipe: PortalRecipe,
        documents_dir: Path,
        resolve_secret: Callable[[str], str],
        *,
        state_dir: Path,
        browser: BrowserSettings | Browser | None = None,
        name: str | None = None,
        keyword_root: Path | None = None,
        resolve_user: Callable[[str], str] | None = None,
    ):
        self.name = name or f"portal-{recipe.name}"
        self.recipe = recipe
        self._documents_dir = documents_dir
        self._writer = DocumentWriter(documents_dir, self.name, "portal")
        self._resolve_secret = resolve_secret
        # The user name is an identifier: resolved without masking it (clerk.secrets).
        self._resolve_user = resolve_user or resolve_secret
        self._state_file = state_dir / f"portal-{recipe.name}.json"
        # Settings: this source starts its own Chromium per run; a Browser: runs share it.
        self._browser = browser or BrowserSettings()
        self._keyword_root = keyword_root or Path.cwd()
        self._secrets: list[str] = []

    # -- what is new ----------------------------------------------------------------
    def known_ids(self) -> frozenset[str]:
        """Document ids acknowledged in earlier runs."""
        try:
            data = json.loads(self._state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return frozenset()
        except (OSError, ValueError) as exc:
            # Starting from nothing would fetch everything again; better to stop and say so.
            raise SystemException(f"portal state {self._state_file} is unreadable: {exc}", code="portal_state") from exc
        if not isinstance(data, dict) or not isinstance(data.get("acknowledged", []), list):
            raise SystemException(f"portal state {self._state_file} is not a portal state file", code="portal_state")
        return frozenset(str(item) for item in data.get("acknowledged", []))

    def acknowledge(self, keys: list[str]) -> None:
        """Remember the document ids of ``keys`` (others' keys are ignored)."""
        prefix = f"portal:{self.recipe.name}:"
        ids = {key[len(prefix):] for key in keys if key.startswith(prefix)}
        if not ids:
            return
        self._writer.flush()     # the documents are durable before the portal counts them as done
        known = self.known_ids() | ids
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self._state_file.with_suffix(".json.tmp")
        partial.write_text(json.dumps({"acknowledged": sorted(known)}, indent=1), encoding="utf-8")
        os.replace(partial, self._state_file)     # atomic: a crash leaves the old state whole

    # -- collecting -----------------------------------------------------------------
    def collect(self, since: datetime | None = None) -> Iterator[Document | Quarantined]:
        """Yield each new portal document once saved. ``since`` is not used: the
        acknowledged ids decide what is new, so nothing is skipped by clock skew."""
        known = self.known_ids()
        walker = self._walker()
        if isinstance(self._browser, Browser):
            yield from self._collect_in(self._browser, walker, known)
            return
        with sync_playwright() as playwright:
            try:
                browser = launch_browser(playwright, self._browser)
            except PlaywrightError as exc:
                raise SystemException(f"portal {self.recipe.name}: Chromium did not start: {_cause(exc)}",
                                      code="browser_failed") from None
            try:
                yield from self._collect_in(browser, walker, known)
            finally:
                browser.close()

    def _collect_in(self, browser: Browser, walker: _Walker, known: frozenset[str]) -> Iterator[Document | Quarantined]:
        # A fresh context per run: no cookies or downloads leak between portals or runs.
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
        except PlaywrightError as exc:
            raise SystemException(f"portal {self.recipe.name}: no browser page: {_cause(exc)}",
                                  code="browser_failed") from None
        try:
            session = PortalSession(page, self.recipe, self._remember_secret,
                                    resolve_user=self._resolve_user)
            try:
                for fetched in walker(page, session, known):
                    yield self._save(fetched)
            except (PlaywrightError, PortalStepFailed, SessionExpired, OSError) as exc:
                raise self._failure(page, exc) from None
        finally:
            context.close()

    def _remember_secret(self, reference: str) -> str:
        value = self._resolve_secret(reference)
        if value:
            self._secrets.append(value)
        return value

    def _walker(self) -> _Walker:
        if self.recipe.keyword is None:
            return lambda page, session, known: walk_documents(session, known)
        keyword = load_keyword(self.recipe.keyword, self._keyword_root)

        def run_keyword(page: Page, session: PortalSession, known: frozenset[str]) -> Iterator[FetchedDocument]:
            session.known = known         # the keyword decides with the same knowledge
            try:
                for fetched in keyword(page, session):
                    if safe_text(fetched.document_id, 200) not in known:
                        yield fetched
            except (PlaywrightError, PortalStepFailed, SessionExpired):
                raise
            except Exception as exc:     # user code: any failure becomes a portal failure, never a crash
                raise PortalStepFailed(f"keyword {self.recipe.keyword} failed: {type(exc).__name__}: {exc}") from exc
        return run_keyword

    def _save(self, fetched: FetchedDocument) -> Document | Quarantined:
        """All files of one portal document are checked first: if one is refused, the
        document is quarantined whole (a companion is never dropped silently)."""
        key = f"portal:{self.recipe.name}:{safe_text(fetched.document_id, 200)}"
        origin: dict[str, Any] = {"portal": self.recipe.name, "document_id": fetched.document_id,
                                  "page_url": fetched.page_url}
        files = []
        for kind, download in fetched.files:
            try:
                files.append(read_download(download, kind, self.recipe.max_document_bytes))
            except RefusedDownload as refused:
                log.warning("portal %s: %s quarantined: %s", self.recipe.name, key, refused.error.reason)
                return self._writer.quarantined(key, refused.error, refused.data, refused.filename,
                                                {**origin, "link": kind}, self.recipe.max_document_bytes)
        received = datetime.now(UTC)
        primary, *companions = files
        origin["link"] = primary.kind
        origin["companions"] = [_describe(kind=file.kind, document=self._writer.document(
            key, file.filename, file.data, file.content_type, received, origin)) for file in companions]
        return self._writer.document(key, primary.filename, primary.data, primary.content_type, received, origin)

    # -- failing well ---------------------------------------------------------------
    def _failure(self, page: Page, exc: Exception) -> PortalError:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = self._documents_dir.parent / "screenshots"
        base = folder / f"portal-{self.recipe.name}-{stamp}"
        screenshot, html = base.with_suffix(".png"), base.with_suffix(".html")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True, timeout=self.recipe.timeouts.action_ms)
        except PlaywrightError as shot_error:
            log.warning("portal %s: no screenshot: %s", self.recipe.name, self._redact(str(shot_error))[:200])
            screenshot = None
        try:
            html.write_text(self._redact(page.content()), encoding="utf-8")
        except (PlaywrightError, OSError) as html_error:
            log.warning("portal %s: no page HTML: %s", self.recipe.name, self._redact(str(html_error))[:200])
            html = None
        cause = self._redact(_cause(exc))
        message = f"portal {self.recipe.name}: {cause} (page {self._redact(page.url)}; screenshot {screenshot}, html {html})"
        log.error(message)
        return PortalError(message, screenshot, html)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def _cause(exc: Exception) -> str:
    """The first line of the error, plus what Playwright was waiting for (the selector)."""
    lines = [line.strip(" -") for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    waiting = next((line for line in lines[1:] if line.startswith("waiting for")), None)
    return f"{lines[0]} {waiting}" if waiting else lines[0]


def _describe(kind: str, document: Document) -> dict[str, Any]:
    return {"kind": kind, "path": str(document.path), "filename": document.filename,
            "content_type": document.content_type, "sha256": document.sha256, "size": document.size}


def load_keyword(spec: str, root: Path) -> Keyword:
    """The recipe keyword: ``package.module:function`` or ``file:path.py:function``
    (the path relative to ``root``, the project folder)."""
    target, _, function = spec.rpartition(":")
    try:
        if target.startswith("file:"):
            path = (root / target.removeprefix("file:")).resolve()
            module_name = "clerk_portal_keyword_" + hashlib.sha256(str(path).encode()).hexdigest()[:12]
            module_spec = importlib.util.spec_from_file_location(module_name, path)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
        keyword = getattr(module, function)
    except (ImportError, OSError, AttributeError, SyntaxError) as exc:
        raise ConfigError("portal recipe", "keyword", f"cannot load {spec!r}: {exc}") from exc
    if not callable(keyword):
        raise ConfigError("portal recipe", "keyword", f"{spec!r} is not callable")
    return keyword
