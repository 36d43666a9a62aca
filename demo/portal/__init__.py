"""The demo supplier portal (run it with ``python -m demo.portal --port N``)."""

from demo.portal.app import AdminSettings, PortalSettings, create_app

__all__ = ["AdminSettings", "PortalSettings", "create_app"]
