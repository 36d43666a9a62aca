"""``ClerkLibrary``: the engine, as keywords a robot reads like a procedure.

```robotframework
*** Settings ***
Library    clerk.keywords.ClerkLibrary

*** Tasks ***
Collect invoices
    Collect Invoices From Mailbox    ap-mailbox
Process invoices
    Process Work Items
```

Keywords act on the bot the run belongs to (``clerk run BOT``). Each work
item's detail (state changes, findings, ERP numbers) goes to the queue and
the audit trail; the log keeps a summary line per keyword, so a run over
thousands of items still has a small ``output.xml``.
"""

from __future__ import annotations

import base64
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import KeywordArgument, KeywordName, Secret
from robot.libraries.BuiltIn import BuiltIn

from clerk.keywords._items import WorkItem, drain, summary_line
from clerk.keywords._steps import take_step
from clerk.runner.context import RunContext, current_run
from clerk.worker import load_handler

log = logging.getLogger("clerk.keywords")
QUIET_LEVEL = "WARN"  # per-item log level inside loops, unless the run asked for DEBUG/TRACE


@library(scope="GLOBAL", auto_keywords=False, doc_format="ROBOT")
class ClerkLibrary:
    """Collect, extract, validate and post business documents with clerk.

    Every keyword works on the bot being run (``clerk run BOT``): its sources,
    its work items, its ERP. Items that need a person go to review with a
    reason code; they never fail the task. Failing keywords are mirrored into
    clerk's audit trail, and registered secrets are masked in every log."""

    # -- the run ----------------------------------------------------------------
    @property
    def run(self) -> RunContext:
        return current_run()

    def _pipeline(self) -> Any:
        run = self.run
        if "pipeline" not in run.cache:
            from clerk.pipeline import BotPipeline

            run.cache["pipeline"] = BotPipeline(run.project, run.bot)
        return run.cache["pipeline"]

    # -- intake -----------------------------------------------------------------
    @keyword("Collect Documents")
    def collect_documents(self) -> int:
        """Collects from every source the bot lists; returns the number of new
        work items. A failing source does not stop the others; the keyword
        fails after all were tried."""
        return self._collect(None, "source")

    @keyword("Collect Invoices From Mailbox")
    def collect_invoices_from_mailbox(self, source: str) -> int:
        """Collects the attachments of new messages in the mailbox ``source``
        (a name under ``[sources]`` in config/clerk.toml); returns new items."""
        return self._collect([source], "mailbox")

    @keyword("Collect Documents From Mailbox")
    def collect_documents_from_mailbox(self, source: str) -> int:
        """The attachments of new messages in mailbox ``source``, whatever they are
        (order confirmations, delivery notes); returns new items."""
        return self._collect([source], "mailbox")

    @keyword("Collect Documents From Portal")
    def collect_documents_from_portal(self, source: str) -> int:
        """Logs in to the supplier portal ``source`` in headless Chromium and
        downloads new documents; returns new items. On failure the page's
        screenshot is embedded in the log before the keyword fails."""
        return self._collect([source], "portal")

    @keyword("Collect Documents From Folder")
    def collect_documents_from_folder(self, source: str) -> int:
        """Collects the settled files of the drop folder ``source``; returns new items."""
        return self._collect([source], "folder")

    def _collect(self, sources: list[str] | None, kind: str) -> int:
        from clerk.pipeline import collect_for_bot

        run = self.run
        results = collect_for_bot(run.project, run.bot, run.run_id, sources=sources)
        failures = []
        for name, summary in results.items():
            if isinstance(summary, BaseException):
                embed_screenshot(getattr(summary, "screenshot", None))
                logger.error(f"{kind} {name}: {run.project.masker.mask_text(str(summary))}")
                failures.append(name)
                continue
            self._collected(summary, f"{kind} {name}")
        if failures:
            raise AssertionError(f"collecting failed for {', '.join(failures)}; see the log")
        return sum(s.collected for s in results.values())

    def _collected(self, summary: Any, where: str) -> None:
        self.run.count("collected", summary.collected)
        self.run.count("duplicates", summary.duplicates)
        self.run.count("quarantined_at_intake", summary.quarantined)
        logger.info(f"{where}: {summary.collected} new, {summary.duplicates} already known, "
                    f"{summary.quarantined} refused")

    # -- processing -------------------------------------------------------------
    @keyword("Process Work Items")
    def process_work_items(self, limit: int | None = None) -> dict[str, int]:
        """Takes each ready work item of the bot as far as it can go (extract,
        validate, approvals, post to the ERP); returns counts by final state."""
        return self._drain(self._pipeline(), limit)

    @keyword("Process Work Items With Handler")
    def process_work_items_with_handler(self, handler: str, limit: int | None = None) -> dict[str, int]:
        """Like `Process Work Items`, with a Python handler ``module:function``
        called as ``handler(queue, lease)`` for each item (Python-only bots)."""
        return self._drain(load_handler(handler), limit)

    def _drain(self, handler: Any, limit: int | None) -> dict[str, int]:
        outcomes = drain(self.run, handler, limit=limit)
        logger.info(summary_line(outcomes))
        return dict(outcomes)

    @keyword("For Each Work Item", tags=["robot:flatten"])
    def for_each_work_item(self, name: KeywordName, *args: KeywordArgument,
                           limit: int | None = None) -> dict[str, int]:
        """Runs keyword ``name`` once per ready work item, with the item as first
        argument. The keyword uses `Extract Record`, `Validate Record`,
        `Post To ERP` and `Send To Review`; if it fails, the item is retried
        later. Per-item log lines are kept to warnings (unless the run logs
        at DEBUG or TRACE): each item's story is in ``clerk queue show``."""
        builtin = BuiltIn()

        def run_item(queue: Any, lease: Any) -> Any:
            item = WorkItem(lease)
            previous = builtin.set_log_level(QUIET_LEVEL)
            if previous in ("DEBUG", "TRACE"):
                builtin.set_log_level(previous)
            try:
                builtin.run_keyword(name, item, *args)
            except Exception as exc:
                if not item.settled:
                    from clerk.errors import SystemException
                    raise SystemException(f"{name} failed: {exc}") from None
            finally:
                builtin.set_log_level(previous)
            return item.lease

        return self._drain(run_item, limit)

    @keyword("Extract Record")
    def extract_record(self, item: WorkItem) -> str:
        """Reads the item's document into a typed record; returns the item's state."""
        return take_step(self.run.project.queue, item, self._pipeline().extract, "Extract Record")

    @keyword("Validate Record")
    def validate_record(self, item: WorkItem) -> str:
        """Runs the validation rules (built-in and keywords/*.py); a record with
        errors goes to review with their reason codes. Returns the item's state."""
        return take_step(self.run.project.queue, item, self._pipeline().validate, "Validate Record")

    @keyword("Post To ERP")
    def post_to_erp(self, item: WorkItem) -> str:
        """Takes a validated record the rest of the way: approvals the bot's
        policy asks for, then posting, exactly once. Returns the item's state
        (``posted``, ``awaiting_approval``, ``needs_review``...)."""
        return take_step(self.run.project.queue, item, self._pipeline().process, "Post To ERP")

    @keyword("Send To Review")
    def send_to_review(self, item: WorkItem, code: str, message: str, field: str | None = None) -> str:
        """Sends the item to a person with reason ``code`` and ``message``;
        later steps on the item are skipped."""
        from clerk.errors import BusinessException

        def refuse(queue: Any, lease: Any) -> Any:
            raise BusinessException(code, message, field)

        return take_step(self.run.project.queue, item, refuse, "Send To Review")

    @keyword("Get Record")
    def get_record(self, item: WorkItem) -> dict[str, Any] | None:
        """The item's extracted record as a dictionary (``None`` before `Extract Record`)."""
        return self.run.project.queue.get(item.id)["record"]

    # -- secrets and summaries ----------------------------------------------------
    @keyword("Get Secret")
    def get_secret(self, reference: str) -> Secret:
        """Resolves ``env:NAME`` or ``file:PATH``; the value is masked in every
        log and output file, and is a ``Secret`` that prints as ``<secret>``."""
        return Secret(self.run.project.secrets.resolve(reference))

    @keyword("Log Run Summary")
    def log_run_summary(self) -> dict[str, Any]:
        """Logs what this bot's items look like now: collected, posted with
        ERP numbers, and what waits for review and why. Returns the summary."""
        from clerk.summary import bot_summary

        summary = bot_summary(self.run.project, self.run.bot.name)
        summary["this_run"] = dict(self.run.counts)     # the counts `clerk run` prints
        logger.info(str(summary))
        return summary

    @keyword("Work Items Should Be")
    def work_items_should_be(self, state: str, expected: int) -> None:
        """Fails unless exactly ``expected`` of the bot's live items are in ``state``."""
        actual = self.run.project.queue.count(bot=self.run.bot.name, state=state)
        if actual != int(expected):
            raise AssertionError(f"{actual} work item(s) in state {state}, expected {expected}")

    @keyword("Run Counts")
    def run_counts(self) -> dict[str, int]:
        """The item counts this run has recorded so far (collected, posted, ...)."""
        return dict(Counter(self.run.counts))


def embed_screenshot(path: Path | None) -> None:
    """Puts a PNG into log.html itself, so the log is complete on its own."""
    if path is None or not Path(path).is_file():
        return
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    logger.info(f'<img src="data:image/png;base64,{data}" width="800" alt="page at failure">',
                html=True)
