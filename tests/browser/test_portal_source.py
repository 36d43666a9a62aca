"""The portal source against the demo portal, in a real headless Chromium."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from clerk.browser import BrowserSettings, launch_browser
from clerk.errors import SystemException
from clerk.models.document import Document, Quarantined
from clerk.sources._recipe import PortalRecipe, load_recipe
from clerk.sources.base import Source
from clerk.sources.portal import PortalError, PortalSource
from demo.documents import portal_documents
from tests.fixtures.portal import DemoPortal

pytestmark = pytest.mark.browser

RECIPE = Path(__file__).resolve().parents[2] / "config" / "portals" / "acme.toml"


def _recipe(portal: DemoPortal, **overrides: object) -> PortalRecipe:
    return load_recipe(RECIPE, overrides={"base_url": portal.url, **overrides})


@pytest.fixture(scope="module")
def chromium(browser_executable: Path) -> Iterator[Browser]:
    """One Chromium for this module (each run still gets a fresh context): launching
    one per test would cost seconds each on a busy 2-core machine."""
    with sync_playwright() as playwright:
        browser = launch_browser(playwright, BrowserSettings(executable_path=browser_executable))
        yield browser
        browser.close()


def _source(portal: DemoPortal, tmp_path: Path, browser: Browser, recipe: PortalRecipe | None = None) -> PortalSource:
    return PortalSource(recipe or _recipe(portal), tmp_path / "run" / "documents", portal.resolve_secret,
                        state_dir=tmp_path / "state", browser=browser)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_collects_every_page_with_xml_first_and_pdf_alongside(demo_portal, browser_executable, tmp_path):
    # This one starts its own Chromium from the settings, as a production run does.
    source = PortalSource(_recipe(demo_portal), tmp_path / "run" / "documents", demo_portal.resolve_secret,
                          state_dir=tmp_path / "state", browser=BrowserSettings(executable_path=browser_executable))
    assert isinstance(source, Source)

    collected = list(source.collect())

    published = {doc.id: doc for doc in portal_documents()}
    assert [item.key for item in collected] == [f"portal:acme:{doc_id}" for doc_id in published]
    for item in collected:
        assert isinstance(item, Document)
        doc = published[item.origin["document_id"]]
        assert item.content_type == "application/xml" and item.filename == f"{doc.number}.xml"
        assert item.sha256 == _sha(doc.xml) == _sha(item.path.read_bytes())
        assert item.path.is_relative_to((tmp_path / "run" / "documents" / "portal-acme").resolve())
        (pdf,) = item.origin["companions"]
        assert pdf["content_type"] == "application/pdf"
        assert pdf["sha256"] == _sha(doc.pdf) == _sha(Path(pdf["path"]).read_bytes())
    assert {item.origin["page_url"].rsplit("=", 1)[-1] for item in collected[5:]} == {"2"}


def test_second_run_after_acknowledge_collects_nothing_new(demo_portal, chromium, tmp_path):
    source = _source(demo_portal, tmp_path, chromium)
    first = list(source.collect())
    source.acknowledge([item.key for item in first[:4]])

    second = list(source.collect())        # not acknowledged yet: collected again
    assert [item.key for item in second] == [item.key for item in first[4:]]
    source.acknowledge([item.key for item in second] + ["portal:other:doc-0201"])

    assert list(_source(demo_portal, tmp_path, chromium).collect()) == []


def test_expired_session_logs_in_again_and_continues(demo_portal, chromium, tmp_path, caplog):
    # Every session ends after 4 requests: the list page, then downloads, expire mid-run.
    demo_portal.configure(session_max_requests=4)
    caplog.set_level(logging.INFO, logger="clerk.sources")

    collected = list(_source(demo_portal, tmp_path, chromium).collect())

    assert len(collected) == 6 and all(isinstance(item, Document) for item in collected)
    assert len({item.sha256 for item in collected}) == 6
    logins = [r for r in caplog.records if "logged in" in r.getMessage()]
    assert len(logins) >= 4
    assert any("session expired during a download" in r.getMessage() for r in caplog.records)


def test_sessions_ended_between_steps_are_renewed(demo_portal, chromium, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="clerk.sources")
    collected = []
    # Ended before a download (after doc 2) and before the next list page (after doc 5).
    for item in _source(demo_portal, tmp_path, chromium).collect():
        collected.append(item)
        if len(collected) in (2, 5):
            demo_portal.configure(expire_sessions=True)

    assert [item.origin["document_id"] for item in collected] == [doc.id for doc in portal_documents()]
    assert len([r for r in caplog.records if "logged in" in r.getMessage()]) == 3


def test_a_portal_that_always_ends_the_session_fails_in_bounded_time(demo_portal, chromium, tmp_path):
    demo_portal.configure(session_timeout_s=0.001)   # every session is over before its first page
    recipe = _recipe(demo_portal, max_relogins=2, timeouts={"navigation_ms": 3000, "action_ms": 2000,
                                                            "download_ms": 5000})
    started = time.monotonic()
    with pytest.raises(PortalError, match="login"):
        list(_source(demo_portal, tmp_path, chromium, recipe).collect())
    assert time.monotonic() - started < 30


def test_javascript_dialogs_do_not_hang_the_run(demo_portal, chromium, tmp_path, caplog):
    demo_portal.configure(announcement="Maintenance on Sunday <b>03:00</b>")
    caplog.set_level(logging.WARNING, logger="clerk.sources")

    collected = list(_source(demo_portal, tmp_path, chromium).collect())

    assert len(collected) == 6
    dialogs = [r.getMessage() for r in caplog.records if "dialog" in r.getMessage()]
    assert any("alert dialog dismissed" in text and "Maintenance on Sunday" in text for text in dialogs)


def test_broken_selector_fails_with_screenshot_and_html(demo_portal, chromium, tmp_path):
    recipe = _recipe(demo_portal, timeouts={"navigation_ms": 5000, "action_ms": 1500, "download_ms": 5000})
    broken = recipe.model_copy(update={"documents": recipe.documents.model_copy(update={"ready": "#no-such-list"})})

    with pytest.raises(SystemException) as failure:
        list(_source(demo_portal, tmp_path, chromium, broken).collect())

    error = failure.value
    assert isinstance(error, PortalError) and error.code == "portal_failed"
    screenshots = tmp_path / "run" / "screenshots"
    assert error.screenshot and error.screenshot.parent == screenshots and error.screenshot.stat().st_size > 0
    assert error.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert error.html and "Your invoices" in error.html.read_text(encoding="utf-8")
    assert "#no-such-list" in error.message and str(error.screenshot) in error.message


def test_rows_without_ids_or_empty_marker_fail_instead_of_collecting_nothing(demo_portal, chromium,
                                                                             tmp_path):
    recipe = _recipe(demo_portal)
    broken = recipe.model_copy(update={"documents": recipe.documents.model_copy(update={"row": "tr.no-such-row"})})
    with pytest.raises(PortalError, match="empty-list marker"):
        list(_source(demo_portal, tmp_path, chromium, broken).collect())


def test_wrong_password_fails_without_leaking_it(demo_portal, chromium, tmp_path, caplog):
    wrong = "Wrong-Secret-4711"
    recipe = _recipe(demo_portal, timeouts={"navigation_ms": 2000, "action_ms": 2000, "download_ms": 5000})
    source = PortalSource(recipe, tmp_path / "run" / "documents",
                          lambda ref: wrong if ref.endswith("password") else demo_portal.resolve_secret(ref),
                          state_dir=tmp_path / "state", browser=chromium)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(PortalError, match="login did not succeed") as failure:
        list(source.collect())

    assert wrong not in failure.value.message and wrong not in caplog.text
    assert wrong not in failure.value.html.read_text(encoding="utf-8")


def test_keyword_escape_hatch_drives_the_page(demo_portal, chromium, tmp_path):
    keywords = tmp_path / "keywords.py"
    keywords.write_text(
        "from clerk.sources.portal import FetchedDocument\n"
        "def second_page_only(page, session):\n"
        "    session.login()\n"
        "    url = session.recipe.url('/invoices?page=2')\n"
        "    session.open(url, '#pages')\n"
        "    for row in page.locator('tr.invoice').all():\n"
        "        doc_id = row.get_attribute('data-id')\n"
        "        if doc_id not in session.known:\n"
        "            yield FetchedDocument(doc_id, (('pdf', session.download(row.locator('a.pdf'))),), url)\n",
        encoding="utf-8")
    recipe = _recipe(demo_portal, keyword="file:keywords.py:second_page_only")
    source = PortalSource(recipe, tmp_path / "run" / "documents", demo_portal.resolve_secret,
                          state_dir=tmp_path / "state", browser=chromium,
                          keyword_root=tmp_path)

    (item,) = list(source.collect())

    assert item.key == "portal:acme:doc-0206" and item.content_type == "application/pdf"
    assert item.sha256 == _sha(portal_documents()[5].pdf)


def test_an_error_page_served_as_an_invoice_is_quarantined(demo_portal, chromium, tmp_path):
    demo_portal.configure(misbehave={"doc-0203": "html"})

    collected = {item.key: item for item in _source(demo_portal, tmp_path, chromium).collect()}

    refused = collected.pop("portal:acme:doc-0203")
    assert isinstance(refused, Quarantined) and refused.reason == "type_not_allowed"
    assert "text/html" in refused.message and refused.origin["link"] == "xml"
    assert refused.path.read_bytes().startswith(b"<!doctype html>")          # kept for a person to see
    assert refused.path.parent.name == "quarantine"
    assert len(collected) == 5 and all(isinstance(item, Document) for item in collected.values())


def test_a_climbing_file_name_stays_inside_the_documents_dir(demo_portal, chromium, tmp_path):
    demo_portal.configure(misbehave={"doc-0201": "traversal"})
    documents = tmp_path / "run" / "documents"

    collected = list(_source(demo_portal, tmp_path, chromium).collect())

    first = collected[0]
    assert isinstance(first, Document) and first.origin["document_id"] == "doc-0201"
    assert ".." not in first.filename and first.path.resolve().is_relative_to(documents.resolve())
    assert {p.resolve().is_relative_to(documents.resolve()) for p in tmp_path.rglob("*.xml")} == {True}
