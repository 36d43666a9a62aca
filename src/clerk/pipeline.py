"""One bot's work: collect -> extract -> validate -> approval -> post.

``BotPipeline.process`` takes one leased item as far as it can go; each step
is one queue transition with its audit event. Posting is exactly-once: the
item is durably ``posting`` before the ERP is called, the ERP is asked
``find(key)`` before ``create``, and the key travels inside the ERP record.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from clerk.bots import BotDefinition
from clerk.erp import ErpWarning
from clerk.erp.base import ErpConnector, ErpRef, PostingState
from clerk.erp.connect import ErpSettings, connect, with_bot_overrides
from clerk.errors import BusinessException, ErpUnavailable, ExtractionError
from clerk.models.invoice import Invoice
from clerk.models.order import OrderConfirmation
from clerk.project import Project
from clerk.queue import ItemState, Lease, WorkQueue

log = logging.getLogger("clerk.pipeline")
RECORD_TYPES: dict[str, type] = {"invoice": Invoice, "order_confirmation": OrderConfirmation}


def idempotency_key(bot: str, document_key: str) -> str:
    """Stable per document and bot: a re-run of the same document finds its ERP record."""
    return "clerk-" + hashlib.sha256(f"{bot}\x00{document_key}".encode()).hexdigest()[:32]


class BotPipeline:
    """The default handler of a bot; one instance per worker process and bot."""

    def __init__(self, project: Project, bot: BotDefinition,
                 connector_factory: Callable[[], ErpConnector] | None = None):
        self.project = project
        self.bot = bot
        self.connector_factory = connector_factory

    # -- shared, built on first use ------------------------------------------------
    @cached_property
    def erp_settings(self) -> ErpSettings:
        return with_bot_overrides(self.project.settings.erp, self.bot.erp, self.bot_file)

    @cached_property
    def connector(self) -> ErpConnector:
        if self.connector_factory is not None:
            return self.connector_factory()
        return connect(self.erp_settings, self.project.secrets)

    @property
    def needs_erp(self) -> bool:
        """Every standard pipeline looks records up in the ERP and posts there."""
        return True

    @cached_property
    def extract_settings(self):  # noqa: ANN201 - ExtractSettings
        from clerk.extract import ExtractSettings

        templates = self.project.settings.project_dir / "config" / "templates"
        return ExtractSettings(templates_dir=templates if templates.is_dir() else None,
                               en16931=self.validation_settings.en16931)

    @cached_property
    def validation_settings(self):  # noqa: ANN201 - ValidationSettings
        """The bot's [validation] table, typed (a bad key names the bot file)."""
        from clerk.validation.settings import bot_validation_settings

        return bot_validation_settings(self.bot.validation, str(self.bot_file))

    @property
    def bot_file(self) -> Path:
        return self.project.settings.project_dir / "bots" / f"{self.bot.name}.toml"

    @cached_property
    def extraction(self):  # noqa: ANN201 - ExtractionSession, imported lazily (child process)
        from clerk.extract import ExtractionSession

        return ExtractionSession(self.extract_settings)

    @cached_property
    def validation(self):  # noqa: ANN201 - (engine, context)
        from clerk.pipeline_validation import build_validation

        return build_validation(self)

    def close(self) -> None:
        if "extraction" in self.__dict__:
            self.extraction.close()
        if "connector" in self.__dict__ and hasattr(self.connector, "close"):
            self.connector.close()

    # -- the handler -------------------------------------------------------------
    def __call__(self, queue: WorkQueue, lease: Lease) -> Lease:
        return self.process(queue, lease)

    def process(self, queue: WorkQueue, lease: Lease) -> Lease:
        """Run the item's steps until it waits for people, the ERP, or is done."""
        steps = {**self.steps_before_posting(), ItemState.POSTING: self.post}
        while lease.state in steps:
            lease = steps[lease.state](queue, lease)
        return lease

    def steps_before_posting(self) -> dict[ItemState, Callable[[WorkQueue, Lease], Lease]]:
        """The step each state takes next, up to ``posting`` (which the batch path
        does for many items at once)."""
        return {ItemState.COLLECTED: self.extract, ItemState.EXTRACTED: self.validate,
                ItemState.VALIDATED: self.route, ItemState.APPROVED: self.start_posting}

    def process_batch(self, queue: WorkQueue, leases: list[Lease]) -> list[Lease | BaseException]:
        """Many items at once: every step before posting per item, then one ERP
        posting call for all drafts (the ERP numbers invoices one at a time)."""
        from clerk.pipeline_batch import process_batch

        return process_batch(self, queue, leases)

    def prepare_batch(self, queue: WorkQueue, leases: list[Lease]):  # noqa: ANN201 - PreparedBatch
        """The first half of ``process_batch``: items to ``posting``, drafts in the ERP."""
        from clerk.pipeline_batch import prepare_batch

        return prepare_batch(self, queue, leases)

    def finish_batch(self, queue: WorkQueue, prepared) -> list[Lease | BaseException]:  # noqa: ANN001
        """The second half: the posting call on the posting turn, items marked posted."""
        from clerk.pipeline_batch import finish_batch

        return finish_batch(self, queue, prepared)

    # -- steps ---------------------------------------------------------------------
    def extract(self, queue: WorkQueue, lease: Lease) -> Lease:
        row = queue.get(lease.item_id)
        path = Path(row["payload"]["path"])
        if not path.is_absolute():      # recorded relative to the project (intake)
            path = self.project.settings.project_dir / path
        extraction = self.extraction.extract(path)
        record_type = _record_type_name(extraction.record)
        record = {"record_type": record_type, **extraction.record.model_dump(mode="json")}
        findings = self._extraction_findings(extraction)
        return queue.advance(lease, ItemState.EXTRACTED, record=record,
                             findings=findings or None,
                             idempotency_key=idempotency_key(lease.bot, lease.document_key),
                             data={"extractor": extraction.extractor,
                                   "template": extraction.template,
                                   "record_type": record_type,
                                   "low_confidence": _low_confidence(extraction.confidence)})

    def _extraction_findings(self, extraction) -> list[dict[str, Any]]:  # noqa: ANN001
        """Fields read from a scan with low confidence, and what an e-invoice breaks of
        EN 16931: shown to the reviewer; an error sends the record to review."""
        from clerk.extract.ocr import ocr_findings

        return [finding.model_dump(mode="json")
                for finding in (*ocr_findings(extraction, self.extract_settings.ocr), *extraction.findings)]

    def validate(self, queue: WorkQueue, lease: Lease) -> Lease:
        from clerk.pipeline_validation import validate_item

        return validate_item(self, queue, lease)

    def route(self, queue: WorkQueue, lease: Lease) -> Lease:
        """Clean records: to the approvers the bot's policy names, else to posting."""
        from clerk.pipeline_validation import approval_route

        return approval_route(self, queue, lease)

    def start_posting(self, queue: WorkQueue, lease: Lease) -> Lease:
        return queue.advance(lease, ItemState.POSTING)

    def post(self, queue: WorkQueue, lease: Lease) -> Lease:
        """Exactly-once: find the key in the ERP first; create only if absent.
        The draft is made in parallel with other workers; what numbers it (Tryton
        numbers supplier invoices when they are validated or posted) takes turns."""
        row = queue.get(lease.item_id)
        key = row["idempotency_key"] or idempotency_key(lease.bot, lease.document_key)
        target = self.erp_settings.posting_state
        ref = self.connector.find(key)
        if ref is None:
            ref = self.create_once(self.invoice_of(row), key, PostingState.DRAFT)
        if _short_of(ref, target):
            with self.posting_turn([key]) as turn:
                if turn.reconcile:   # a predecessor's call may have posted it meanwhile
                    ref = self.connector.find(key) or ref
                if _short_of(ref, target):
                    ref = self._take_to(ref, target)
        return self.mark_posted(queue, lease, ref)

    def create_once(self, invoice: Invoice, key: str, state: PostingState) -> ErpRef:
        """``create``; when its answer is lost, the ERP may still be committing
        it, so the retry (which finds before it creates) waits out that window."""
        try:
            return self.connector.create(invoice, key, state)
        except ErpUnavailable as exc:
            if not exc.answer_lost:
                raise
            window = self.erp_call_window
            raise ErpUnavailable(f"{exc.message} (the invoice may still be in the making; "
                                 f"looked for again in {window:.0f} s at the earliest)",
                                 retry_after=window, answer_lost=True) from None

    @property
    def erp_call_window(self) -> float:
        """How long the ERP may still be executing a call whose answer was lost."""
        return 2 * self.erp_settings.tryton.timeout

    @cached_property
    def posting_turns(self):  # noqa: ANN201 - PostingTurns, imported with the ERP code
        from clerk.erp.posting_turn import PostingTurns

        tryton = self.erp_settings.tryton
        return PostingTurns(self.project.store, f"{tryton.url}/{tryton.database}",
                            window_seconds=self.erp_call_window)

    def posting_turn(self, keys: list[str]):  # noqa: ANN201 - a context manager giving a Turn
        """The fleet-wide turn to number (post) the drafts with ``keys``."""
        holder = f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"
        return self.posting_turns.turn(holder, keys, self._drafts_settled)

    def _drafts_settled(self, keys: list[str]) -> bool:
        """None of ``keys`` is still a draft in the ERP: a posting call over them ended."""
        found = self.connector.find_many(keys)
        return all((ref.state or "draft") != "draft" for ref in found.values())

    def _take_to(self, ref: ErpRef, target: PostingState) -> ErpRef:
        if target == PostingState.VALIDATED:
            result = self.connector.validate_many([ref])[0]
        else:
            result = self.connector.post_many([ref])[0]
        if isinstance(result, ErpWarning):
            raise BusinessException("erp_warning", f"the ERP asks for a decision: {result.message}")
        if isinstance(result, BaseException):
            raise result
        return result

    def mark_posted(self, queue: WorkQueue, lease: Lease, ref: ErpRef) -> Lease:
        return queue.advance(lease, ItemState.POSTED, erp_ref=ref.model_dump(mode="json"),
                             progress=None,
                             data={"erp": ref.erp, "model": ref.model, "erp_id": ref.id,
                                   "number": ref.number, "erp_state": ref.state,
                                   "idempotency_key": ref.idempotency_key})

    # -- helpers ---------------------------------------------------------------------
    def invoice_of(self, row: dict[str, Any]) -> Invoice:
        record = dict(row["record"] or {})
        kind = record.pop("record_type", "invoice")
        if kind != "invoice":
            raise BusinessException("not_postable", f"a {kind} record is not posted to the ERP")
        return Invoice.model_validate(record)


def _record_type_name(record: Any) -> str:
    for name, kind in RECORD_TYPES.items():
        if isinstance(record, kind):
            return name
    raise ExtractionError("unsupported_document", f"no record type for {type(record).__name__}")


def _low_confidence(confidence: dict[str, float], threshold: float = 0.8) -> list[str]:
    return sorted(name for name, value in confidence.items() if value < threshold)


def _short_of(ref: ErpRef, target: PostingState) -> bool:
    order = {"draft": 0, "validated": 1, "posted": 2, "paid": 3}
    return order.get(ref.state or "draft", 0) < order[target.value]


__all__ = ["BotPipeline", "collect_for_bot", "idempotency_key"]


def collect_for_bot(project: Project, bot: BotDefinition, run_id: str,
                    sources: list[str] | None = None) -> dict[str, Any]:
    """Collect every source of the bot into its queue; per-source summaries.
    One failing source is reported and does not stop the others."""
    from clerk.intake import collect
    from clerk.sources.configured import build_source

    documents_dir = project.settings.output_dir / bot.name / run_id / "documents"
    results: dict[str, Any] = {}
    for name in sources or bot.sources:
        try:
            source = build_source(project, name, documents_dir, bot.collect)
            results[name] = collect(source, project.queue, bot.name,
                                    project_dir=project.settings.project_dir)
        except Exception as exc:  # noqa: BLE001 - reported per source; the run goes on
            log.error("source %s failed: %s", name, exc)
            results[name] = exc
    return results
