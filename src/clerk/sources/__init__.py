"""Sources: where documents come from (email, drop folder, supplier portal).

Each source implements ``clerk.sources.base.Source``; untrusted-input checks
shared by all of them live in ``clerk.sources.safety``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

if TYPE_CHECKING:
    from clerk.sources.base import Source
    from clerk.sources.email import EmailSource, MailboxConfig
    from clerk.sources.folder import DropFolderConfig, FolderSource
    from clerk.sources.safety import IntakeLimits, check_archive, check_content_type, check_size, detect_content_type, safe_filename, safe_path, safe_text

# Loaded on first use, so that a light submodule stays light (see clerk._lazy).
__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "base": ("Source",),
    "email": ("EmailSource", "MailboxConfig"),
    "folder": ("DropFolderConfig", "FolderSource"),
    "safety": ("IntakeLimits", "check_archive", "check_content_type", "check_size", "detect_content_type", "safe_filename", "safe_path", "safe_text"),
})
