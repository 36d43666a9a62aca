"""What a person asks for (an action), who asks (an actor) and what came of it
(an outcome): the typed edge of the decision service. Pages, the API and the
CLI build these from their input; nothing else crosses into the engine."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from clerk.queue import ItemState

MAX_TEXT = 4000
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
StepId = Annotated[int | None, Field(ge=1, le=2**53)]


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Correct(_Action):
    """New values for the record's fields, by dotted path (``totals.gross``)."""

    kind: Literal["correct"] = "correct"
    fields: dict[Annotated[str, StringConstraints(max_length=300)], str] = Field(
        default_factory=dict, max_length=2000)
    reason: Text | None = None


class Accept(_Action):
    """Take the record as it is, findings notwithstanding."""

    kind: Literal["accept"] = "accept"
    justification: Text = ""


class RejectItem(_Action):
    """End the item: it will never be posted (a reason is required)."""

    kind: Literal["reject"] = "reject"
    reason: Text = ""


class ApproveStep(_Action):
    """Approve an open step (``step_id``; default: the one the actor may decide)."""

    kind: Literal["approve_step"] = "approve_step"
    step_id: StepId = None
    reason: Text | None = None


class RejectStep(_Action):
    """Reject at an open step: the item ends rejected (a reason is required)."""

    kind: Literal["reject_step"] = "reject_step"
    step_id: StepId = None
    reason: Text = ""


class Reassign(_Action):
    """To ``assignee`` (default: the actor themselves)."""

    kind: Literal["assign"] = "assign"
    assignee: Name | None = None
    reason: Text | None = None


class Comment(_Action):
    """A note for colleagues and auditors; the item does not move."""

    kind: Literal["comment"] = "comment"
    body: Text = ""


class Requeue(_Action):
    """Back to machine work: validation runs again on the record as it is."""

    kind: Literal["requeue"] = "requeue"
    reason: Text | None = None


class Retry(_Action):
    """A new item from the original document, superseding this one."""

    kind: Literal["retry"] = "retry"
    reason: Text | None = None


Action = Annotated[Correct | Accept | RejectItem | ApproveStep | RejectStep | Reassign | Comment
                   | Requeue | Retry, Field(discriminator="kind")]
ACTION_KINDS: tuple[str, ...] = ("correct", "accept", "reject", "approve_step", "reject_step",
                                 "assign", "comment", "requeue", "retry")

# Who may ask for what (admin may do everything). The web's route table names
# the same roles; the service checks again so no caller can skip it.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "correct": ("reviewer",), "accept": ("reviewer",), "reject": ("reviewer",),
    "assign": ("reviewer",), "comment": ("reviewer", "approver"),
    "approve_step": ("approver",), "reject_step": ("approver",),
    "requeue": ("operator",), "retry": ("operator",),
}


class Actor(BaseModel):
    """Who decides: a user's name and roles, and whom they stand in for now."""

    model_config = ConfigDict(frozen=True)

    username: str
    roles: frozenset[str] = frozenset()
    represents: frozenset[str] = frozenset()
    via: Literal["web", "api", "cli", "engine"] = "engine"

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or bool(self.roles & set(roles))


class FindingView(BaseModel):
    """A finding as the person is shown it, with expected and actual values."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: str
    message: str = ""
    field: str | None = None
    expected: Any = None
    actual: Any = None


class Outcome(BaseModel):
    """What one decision did: the item's state afterwards and why."""

    model_config = ConfigDict(frozen=True)

    item_id: int
    action: str
    state: ItemState
    findings: tuple[FindingView, ...] = ()
    changes: dict[str, list[str]] = Field(default_factory=dict)
    steps: tuple[str, ...] = ()             # approval steps opened by this decision
    needs_confirmation: tuple[str, ...] = ()  # why a second person must confirm
    new_item: int | None = None             # a retry's new item
    assigned: tuple[int, ...] = ()

    @property
    def blocking(self) -> tuple[FindingView, ...]:
        return tuple(f for f in self.findings if f.severity == "error")
