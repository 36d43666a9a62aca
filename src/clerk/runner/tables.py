"""The tables the runner and scheduler write (created by migration 0002),
defined with the rest of the schema in ``clerk.store.schema``."""

from __future__ import annotations

from clerk.store.schema import run_requests, runs

__all__ = ["SCHEDULE_JOBS_TABLE", "run_requests", "runs"]

SCHEDULE_JOBS_TABLE = "clerk_schedule_jobs"
