"""Running bots: Robot Framework execution, the listener, artifacts, run records
and the run requests workers claim."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

if TYPE_CHECKING:
    from clerk.runner.context import RunContext, current_run
    from clerk.runner.dispatch import claim_and_execute_run
    from clerk.runner.run import RunOutcome, run_bot

# Loaded on first use, so that a light submodule stays light (see clerk._lazy).
__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "context": ("RunContext", "current_run"),
    "dispatch": ("claim_and_execute_run",),
    "run": ("RunOutcome", "run_bot"),
})
