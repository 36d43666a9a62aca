"""Running bots: Robot Framework execution, the listener, artifacts, run records
and the run requests workers claim."""

from clerk.runner.context import RunContext, current_run
from clerk.runner.dispatch import claim_and_execute_run
from clerk.runner.run import RunOutcome, run_bot

__all__ = ["RunContext", "RunOutcome", "claim_and_execute_run", "current_run", "run_bot"]
