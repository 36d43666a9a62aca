"""The queue side of the Robocorp adapters: one bridge per ``clerk run``.

Both adapters (``robocorp.py``, ``rpa.py``) translate their library's calls
into these; the bridge holds the run's leases and drafts, and is kept in the
run's cache, so it ends with the run."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from clerk.errors import BusinessException, ConfigError, LeaseLost
from clerk.queue import ItemState, Lease
from clerk.queue._moves import move
from clerk.runner.context import RunContext, current_run
from clerk.workitems._items import Draft, FileShelf, draft_from_queue

log = logging.getLogger("clerk.workitems")
S = ItemState
# A done input walks the rest of the lifecycle: its work is complete.
DONE_PATH = (S.COLLECTED, S.EXTRACTED, S.VALIDATED, S.POSTING, S.POSTED)
DONE, FAILED = "COMPLETED", "FAILED"


@dataclass
class _Input:
    lease: Lease | None          # None: the run's seed item (no queue item behind it)
    draft: Draft
    outputs: list[Draft]


def bridge_for(run: RunContext | None = None) -> WorkItemBridge:
    """The bridge of the run in progress (one per run, shared by both libraries)."""
    run = run or current_run()
    if "workitems" not in run.cache:
        if "workitems" not in run.bot.model_fields_set:
            # A done work item is complete without the ERP: a bot whose items the
            # pipeline validates, approves and posts must never hand them out so.
            raise ConfigError(f"bots/{run.bot.name}.toml", "workitems",
                              "this bot does not take Robocorp work items; add a [workitems] "
                              "table to let its robot complete items without the ERP")
        run.cache["workitems"] = WorkItemBridge(run)
    return run.cache["workitems"]


class WorkItemBridge:
    def __init__(self, run: RunContext):
        self.run = run
        self.queue = run.project.queue
        self.worker = f"{run.worker}:run:{run.run_id}"
        self.settings = run.bot.workitems
        self.shelf = FileShelf(run.project.settings.project_dir, run.project.settings.var_dir)
        self.inputs: dict[str, _Input] = {}
        self.outputs: dict[str, Draft] = {}
        self.reserved = 0

    # -- inputs ---------------------------------------------------------------
    def reserve(self) -> str | None:
        """Lease the bot's next item; None when none is ready (the adapter raises
        its library's EmptyQueue). A bot with ``seed = true`` starts a run whose
        queue is empty with one empty item, as Control Room does."""
        self.reserved += 1
        leases = self.queue.lease(self.worker, limit=1, bots=[self.run.bot.name])
        if not leases:
            if self.reserved == 1 and self.settings.seed:
                return self._seed()
            return None
        lease = leases[0]
        row = self.queue.get(lease.item_id)
        item_id = str(lease.item_id)
        self.inputs[item_id] = _Input(lease, draft_from_queue(lease.document_key, row["payload"]), [])
        return item_id

    def _seed(self) -> str:
        item_id = f"seed-{self.run.run_id}"
        self.inputs[item_id] = _Input(None, Draft(f"run:{self.run.run_id}", {}), [])
        return item_id

    def release(self, item_id: str, state: str, exception: dict[str, Any] | None) -> None:
        entry = self._input(item_id)
        if state == DONE:
            self._done(entry)
            outcome = ItemState.POSTED
        else:
            outcome = self._failed(entry, exception or {})
        del self.inputs[item_id]
        if entry.lease is not None:   # counted like any bot's items: by the state they reached
            self.run.count(outcome.value)

    def _done(self, entry: _Input) -> None:
        """The input's moves to done and its outputs' enqueues: one transaction."""
        target = self.settings.outputs_to
        if entry.outputs and target is None:
            raise ConfigError(f"bots/{self.run.bot.name}.toml", "workitems.outputs_to",
                              f"the robot created {len(entry.outputs)} output item(s) but the "
                              "bot names no bot to take them")
        parent = self._parent_facts(entry)
        with self.queue.store.write() as conn:
            if entry.lease is not None:
                self._walk_to_done(conn, entry)
            for draft in entry.outputs:
                self.queue.enqueue(target, draft.key, draft.as_queue_payload(parent),
                                   actor=f"workitems:{self.run.bot.name}", conn=conn)

    def _walk_to_done(self, conn, entry: _Input) -> None:  # noqa: ANN001
        lease = entry.lease
        steps = DONE_PATH[DONE_PATH.index(lease.state) + 1:] if lease.state in DONE_PATH \
            else (S.POSTING, S.POSTED)   # approved: only posting is left
        data = {"via": "workitem", "release": "done", "outputs": len(entry.outputs)}
        for step in steps:
            values = {}
            if step == S.POSTED and entry.draft.changed:
                values["payload"] = entry.draft.as_queue_payload()
            move(conn, self.queue.audit, item_id=lease.item_id, from_state=lease.state,
                 to_state=step, now=self.queue.clock(), actor=lease.worker, lease=lease,
                 values=values, data=data)
            lease = lease.moved_to(step)

    def _failed(self, entry: _Input, exception: dict[str, Any]) -> ItemState:
        """BUSINESS -> a person reviews it; APPLICATION -> retried with backoff.
        Its outputs are dropped: the retry makes them again under the same keys."""
        kind = str(exception.get("type") or "APPLICATION").upper()
        code, message = exception.get("code"), exception.get("message")
        if entry.lease is None:
            log.warning("the seed item failed (%s %s): %s", kind, code, message)
            return ItemState.FAILED
        if kind == "BUSINESS":
            self.queue.business_exception(entry.lease, BusinessException(
                code=code or "business_exception", message=message or "business exception"))
            return ItemState.NEEDS_REVIEW
        return self.queue.fail(entry.lease, message or "application exception",
                               code=code or "application_exception")

    def _parent_facts(self, entry: _Input) -> dict[str, Any]:
        return {"bot": self.run.bot.name, "document_key": entry.draft.key,
                "item_id": entry.lease.item_id if entry.lease else None,
                "run_id": self.run.run_id}

    # -- outputs --------------------------------------------------------------
    def create_output(self, parent_id: str, payload: Any = None) -> str:
        entry = self._input(parent_id)
        index = len(entry.outputs)
        # Derived, not drawn: the same input redone makes the same output keys.
        key = f"workitem:{entry.draft.key}:output:{index}"
        draft = Draft(key, payload)
        entry.outputs.append(draft)
        output_id = f"{parent_id}/output/{index}"
        self.outputs[output_id] = draft
        return output_id

    # -- payload and files ----------------------------------------------------
    def draft(self, item_id: str) -> Draft:
        if item_id in self.outputs:
            return self.outputs[item_id]
        return self._input(item_id).draft

    def save_payload(self, item_id: str, payload: Any) -> None:
        draft = self.draft(item_id)
        draft.payload, draft.changed = payload, True

    def add_file(self, item_id: str, name: str, content: bytes) -> None:
        self.shelf.put(self.draft(item_id), name, content)

    def remove_file(self, item_id: str, name: str) -> None:
        draft = self.draft(item_id)
        if draft.files.pop(name, None) is None:
            raise FileNotFoundError(f"work item {item_id} has no file {name!r}")
        draft.changed = True

    def get_file(self, item_id: str, name: str) -> bytes:
        return self.shelf.read(self.draft(item_id), name)

    def _input(self, item_id: str) -> _Input:
        entry = self.inputs.get(item_id)
        if entry is None:
            raise ValueError(f"work item {item_id} is not reserved by this run")
        if entry.lease is not None:
            entry.lease = self._keep_alive(entry.lease)
        return entry

    def _keep_alive(self, lease: Lease) -> Lease:
        """Extend a lease past its half-life, so a long item is not taken over."""
        half = timedelta(seconds=self.queue.settings.lease_seconds / 2)
        if lease.expires_at - self.queue.clock() < half:
            return self.queue.heartbeat(lease)
        return lease

    # -- end of the run -------------------------------------------------------
    def give_back(self) -> None:
        """Items the robot reserved but never released go back to the queue now."""
        for entry in self.inputs.values():
            if entry.lease is None:
                continue
            try:
                self.queue.release(entry.lease)
            except LeaseLost:
                pass  # expired and taken by another worker: theirs now
        self.inputs.clear()
