"""The one decision service every human action on a work item goes through.

    service = DecisionService(project, bots, budgets=web.budgets, directory=people)
    outcome = service.decide(Actor(username="rita", roles=frozenset({"reviewer"})),
                             item_id, Correct(fields={"totals.gross": "49.98"}))

A correction is re-validated at once with the bot's full rule set and the
ERP's look-ups; an acceptance despite findings goes through the bot's
approval policy on the full context; separation of duties (``[duties]`` in
``bots/<name>.toml``, see ``DutySettings``) adds the steps it asks for.
"""

from clerk.decisions.actions import (
    ACTION_KINDS, ACTION_ROLES, Accept, Action, Actor, ApproveStep, Comment, Correct, FindingView,
    Outcome, Reassign, RejectItem, RejectStep, Requeue, Retry,
)
from clerk.decisions.checks import ErpNeeded
from clerk.decisions.duties import DutySettings
from clerk.decisions.review import ActionForbidden, DecisionRefused, RecordInvalid
from clerk.decisions.service import ACTIONS, DecisionService

__all__ = ["ACTIONS", "ACTION_KINDS", "ACTION_ROLES", "Accept", "ActionForbidden", "Action", "Actor", "ApproveStep",
           "Comment", "Correct", "DecisionRefused", "DecisionService", "DutySettings",
           "ErpNeeded", "FindingView", "Outcome", "Reassign", "RecordInvalid", "RejectItem",
           "RejectStep", "Requeue", "Retry"]
