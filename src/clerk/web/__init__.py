"""The web app: exception queue, approvals, operator and auditor pages, JSON API."""

from clerk.web.app import create_app

__all__ = ["create_app"]
