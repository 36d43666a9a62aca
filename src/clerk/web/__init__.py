"""The web app: exception queue, approvals, operator and auditor pages, JSON API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

if TYPE_CHECKING:
    from clerk.web.app import create_app

# Loaded on first use, so that a light submodule stays light (see clerk._lazy).
__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "app": ("create_app",),
})
