"""Sources: where documents come from (email, drop folder, supplier portal).

Each source implements ``clerk.sources.base.Source``; untrusted-input checks
shared by all of them live in ``clerk.sources.safety``.
"""

from clerk.sources.base import Source
from clerk.sources.email import EmailSource, MailboxConfig
from clerk.sources.folder import DropFolderConfig, FolderSource
from clerk.sources.safety import (
    IntakeLimits,
    check_archive,
    check_content_type,
    check_size,
    detect_content_type,
    safe_filename,
    safe_path,
    safe_text,
)

__all__ = [
    "DropFolderConfig",
    "EmailSource",
    "FolderSource",
    "IntakeLimits",
    "MailboxConfig",
    "Source",
    "check_archive",
    "check_content_type",
    "check_size",
    "detect_content_type",
    "safe_filename",
    "safe_path",
    "safe_text",
]
