"""Finding and launching the Chromium that drives supplier portals and web ERPs.

The browser is looked up the way users expect: a configured executable wins;
else the system Chromium (the Debian/Ubuntu package or Google Chrome); else
the browser Playwright downloaded itself (``playwright install chromium``).
Launch flags keep a headless Chromium quiet on a closed network.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from playwright.sync_api import Browser, Playwright
from pydantic import BaseModel, ConfigDict, Field

from clerk.errors import ConfigError

SYSTEM_CANDIDATES: tuple[str, ...] = (
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)

# Without these, Chromium on a machine with no outside network keeps retrying
# update, sync and QUIC connections that are refused, which costs CPU and logs.
QUIET_FLAGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

INSTALL_HINT = (
    "install one with `apt-get install chromium` (Debian/Ubuntu), or "
    "`playwright install chromium`, or set browser.executable_path"
)


class BrowserSettings(BaseModel):
    """How to find and start the browser; part of the operator's configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    executable_path: Path | None = None
    headless: bool = True
    extra_args: tuple[str, ...] = ()
    slow_mo_ms: int = Field(0, ge=0)


class BrowserNotFound(ConfigError):
    """No usable Chromium: the message says how to get one."""

    def __init__(self, message: str, file: str = "browser"):
        super().__init__(file, "executable_path", message)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_browser(
    configured: Path | None = None,
    *,
    candidates: Iterable[str] = SYSTEM_CANDIDATES,
    bundled: Path | None = None,
) -> Path:
    """The Chromium executable to use.

    ``configured`` (from the operator's settings) wins and must exist; then
    the first of ``candidates`` found (absolute paths or names on PATH); then
    ``bundled``, Playwright's own download. Raises ``BrowserNotFound``.
    """
    if configured is not None:
        if _is_executable(configured):
            return configured
        raise BrowserNotFound(f"the configured browser {configured} is not an executable file; {INSTALL_HINT}")
    for candidate in candidates:
        found = candidate if os.sep in candidate else shutil.which(candidate)
        if found and _is_executable(Path(found)):
            return Path(found)
    if bundled is not None and _is_executable(bundled):
        return bundled
    raise BrowserNotFound(f"no Chromium found (looked for {', '.join(candidates)} and Playwright's own); {INSTALL_HINT}")


def launch_args(settings: BrowserSettings, *, is_root: bool | None = None) -> list[str]:
    """Command-line flags for Chromium.

    ``--no-sandbox`` only as root, where Chromium refuses to start with its
    sandbox; anywhere else the sandbox stays on.
    """
    root = (os.geteuid() == 0) if is_root is None else is_root
    args = list(QUIET_FLAGS)
    if root:
        args.append("--no-sandbox")
    args.extend(settings.extra_args)
    return args


def launch_browser(playwright: Playwright, settings: BrowserSettings | None = None) -> Browser:
    """Start Chromium through an open Playwright (``sync_playwright().start()``)."""
    settings = settings or BrowserSettings()
    bundled = Path(playwright.chromium.executable_path)
    executable = find_browser(settings.executable_path, bundled=bundled)
    return playwright.chromium.launch(
        executable_path=str(executable),
        headless=settings.headless,
        args=launch_args(settings),
        slow_mo=settings.slow_mo_ms or None,
    )
