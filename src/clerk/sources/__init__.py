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
_EXPORTS = {
    "Source": "clerk.sources.base",
    "EmailSource": "clerk.sources.email",
    "MailboxConfig": "clerk.sources.email",
    "DropFolderConfig": "clerk.sources.folder",
    "FolderSource": "clerk.sources.folder",
    "IntakeLimits": "clerk.sources.safety",
    "check_archive": "clerk.sources.safety",
    "check_content_type": "clerk.sources.safety",
    "check_size": "clerk.sources.safety",
    "detect_content_type": "clerk.sources.safety",
    "safe_filename": "clerk.sources.safety",
    "safe_path": "clerk.sources.safety",
    "safe_text": "clerk.sources.safety",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
