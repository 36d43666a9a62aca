"""One logged-in browser session on a supplier portal, and the recipe-driven walk.

Everything here may meet a portal that misbehaves: every wait has a deadline,
JavaScript dialogs are answered, and a redirect to the login page mid-run
(an expired session) logs in again and repeats the step.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Dialog, Download, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from clerk.sources._recipe import DownloadLink, PortalRecipe
from clerk.sources.safety import safe_text

log = logging.getLogger(__name__)

# How long one slice of a download wait lasts before checking whether the
# click landed on the login page instead (an expired session).
_DOWNLOAD_SLICE_MS = 250


class PortalStepFailed(Exception):
    """A step on the portal did not work out; becomes a SystemException with artifacts."""


class SessionExpired(Exception):
    """The portal sent us back to its login page in the middle of a step."""


@dataclass(frozen=True)
class FetchedDocument:
    """One portal document and its downloaded files, in the recipe's preference order."""

    document_id: str
    files: tuple[tuple[str, Download], ...]      # (kind, download)
    page_url: str


class PortalSession:
    """A page on one portal, logged in on demand; handed to recipe keywords too."""

    def __init__(self, page: Page, recipe: PortalRecipe, resolve_secret: Callable[[str], str],
                 resolve_user: Callable[[str], str] | None = None):
        self.page = page
        self.recipe = recipe
        self._resolve_secret = resolve_secret
        self._resolve_user = resolve_user or resolve_secret
        self._login_path = urlsplit(recipe.url(recipe.login_url)).path
        self.logins = 0
        self.logins_since_progress = 0    # reset by every document fetched
        self.dialogs: list[str] = []
        self.known: frozenset[str] = frozenset()   # acknowledged ids, for keywords
        page.set_default_timeout(recipe.timeouts.action_ms)
        page.set_default_navigation_timeout(recipe.timeouts.navigation_ms)
        page.on("dialog", self._answer_dialog)

    def _answer_dialog(self, dialog: Dialog) -> None:
        """Answer a dialog at once so it can never block the run; log what it said."""
        accept = dialog.type == "beforeunload" or (
            dialog.type == "confirm" and self.recipe.confirm_dialogs == "accept")
        text = safe_text(dialog.message, 200)
        self.dialogs.append(f"{dialog.type}: {text}")
        log.warning("portal %s: %s dialog %s: %r", self.recipe.name, dialog.type,
                    "accepted" if accept else "dismissed", text)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    def on_login_page(self) -> bool:
        return urlsplit(self.page.url).path == self._login_path

    def login(self) -> None:
        """Log in with the recipe's credentials (resolved now, never stored or logged)."""
        if self.logins_since_progress > self.recipe.max_relogins:
            raise PortalStepFailed(f"logged in {self.logins_since_progress} times without getting a document; "
                                   "the portal keeps ending the session")
        self.logins += 1
        self.logins_since_progress += 1
        form = self.recipe.login
        # Always a fresh login page: one reached by a redirect may carry a "next" that
        # points at a download, and following it after login would leave us on the form.
        self.page.goto(self.recipe.url(self.recipe.login_url), wait_until="domcontentloaded")
        self.page.locator(form.user_field).first.fill(self._resolve_user(self.recipe.credentials.user))
        self.page.locator(form.password_field).first.fill(self._resolve_secret(self.recipe.credentials.password))
        self.page.locator(form.submit).first.click()
        try:
            self.page.locator(form.logged_in).first.wait_for(
                state="attached", timeout=self.recipe.timeouts.navigation_ms)
        except PlaywrightTimeout as exc:
            where = "still on the login page" if self.on_login_page() else f"at {self.page.url}"
            raise PortalStepFailed(f"login did not succeed ({where}); check the credentials") from exc
        log.info("portal %s: logged in (login %d)", self.recipe.name, self.logins)

    def open(self, url: str, ready: str | None = None) -> None:
        """Go to ``url`` (logging in again if sent to the login page), wait for ``ready``."""
        for _ in range(self.recipe.max_relogins + 2):
            self.page.goto(url, wait_until="domcontentloaded")
            if not self.on_login_page():
                if ready:
                    self.page.locator(ready).first.wait_for(state="attached")
                return
            self.login()
        raise PortalStepFailed(f"could not open {url}: sent back to the login page every time")

    def download(self, target: Locator) -> Download:
        """Click ``target`` and return the download it starts (Playwright's download API).

        Raises ``SessionExpired`` if the click lands on the login page instead.
        """
        arrived: list[Download] = []

        def remember(download: Download) -> None:
            arrived.append(download)
        self.page.on("download", remember)
        try:
            # Only the download event tells that the click did its work; no navigation is awaited.
            target.click(no_wait_after=True)
            deadline = time.monotonic() + self.recipe.timeouts.download_ms / 1000
            while not arrived:
                if self.on_login_page():
                    raise SessionExpired()
                if time.monotonic() > deadline:
                    raise PortalStepFailed(f"no download within {self.recipe.timeouts.download_ms} ms")
                try:
                    self.page.wait_for_event("download", timeout=_DOWNLOAD_SLICE_MS)
                except PlaywrightTimeout:
                    continue
            return arrived[0]
        finally:
            self.page.remove_listener("download", remember)


def _row_id(row: Locator, recipe: PortalRecipe) -> str:
    docs = recipe.documents
    assert docs is not None
    holder = row.locator(docs.id).first
    value = holder.get_attribute(docs.id_attribute) if docs.id_attribute else holder.inner_text()
    # The id goes into keys, logs and the state file: one safe form everywhere.
    value = safe_text(value, 200)
    if not value:
        raise PortalStepFailed(f"a document row has no id at {docs.id!r}")
    return value


def _page_rows(session: PortalSession) -> list[tuple[str, Locator]]:
    """(document id, row) for each row of the current page that the portal marks as new."""
    docs = session.recipe.documents
    assert docs is not None
    rows = session.page.locator(docs.row).all()
    if not rows and docs.empty and session.page.locator(docs.empty).count() == 0:
        raise PortalStepFailed(f"no row matches {docs.row!r} and the empty-list marker {docs.empty!r} is absent")
    found = []
    for row in rows:
        if docs.new_marker and row.locator(docs.new_marker).count() == 0:
            continue
        found.append((_row_id(row, session.recipe), row))
    return found


def _fetch_row(session: PortalSession, url: str, document_id: str, row: Locator | None) -> FetchedDocument:
    """Download every file of one row, re-logging in and retrying if the session ends."""
    docs = session.recipe.documents
    assert docs is not None
    while True:
        # After a new login the page was reloaded: find the row again by its id.
        row = row or dict(_page_rows(session)).get(document_id)
        if row is None:
            raise PortalStepFailed(f"document {document_id!r} is no longer listed at {url}")
        try:
            files = [(link.kind, d) for link in docs.downloads if (d := _fetch_link(session, row, link))]
        except SessionExpired:
            log.info("portal %s: session expired during a download; logging in again", session.recipe.name)
            session.login()
            session.open(url, docs.ready)
            row = None
            continue
        if not files:
            raise PortalStepFailed(f"document {document_id!r} has none of the download links")
        session.logins_since_progress = 0
        return FetchedDocument(document_id, tuple(files), url)


def _fetch_link(session: PortalSession, row: Locator, link: DownloadLink) -> Download | None:
    target = row.locator(link.selector).first
    if target.count() == 0:
        if link.required:
            raise PortalStepFailed(f"a row has no {link.kind} link at {link.selector!r}")
        return None
    return session.download(target)


def _next_page_url(session: PortalSession) -> str | None:
    docs = session.recipe.documents
    assert docs is not None
    if not docs.next_page:
        return None
    link = session.page.locator(docs.next_page).first
    if link.count() == 0:
        return None
    href = link.get_attribute("href")
    if not href:
        raise PortalStepFailed(f"the next-page element {docs.next_page!r} has no href; use a keyword for this portal")
    return urljoin(session.page.url, href)


def walk_documents(session: PortalSession, known: frozenset[str]) -> Iterator[FetchedDocument]:
    """Every new document on every list page, following the recipe's selectors."""
    recipe = session.recipe
    docs = recipe.documents
    assert docs is not None
    url: str | None = recipe.url(recipe.list_url)
    visited: set[str] = set()
    seen: set[str] = set(known)
    while url is not None:
        if url in visited:
            raise PortalStepFailed(f"pagination came back to {url}")
        if len(visited) >= recipe.max_pages:
            raise PortalStepFailed(f"more than {recipe.max_pages} list pages")
        visited.add(url)
        session.open(url, docs.ready)
        for document_id, row in _page_rows(session):
            if document_id not in seen:
                seen.add(document_id)
                yield _fetch_row(session, url, document_id, row)
        url = _next_page_url(session)
