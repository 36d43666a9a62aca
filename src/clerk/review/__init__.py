"""People's work on items: review decisions, approvals before posting, SLA
escalation, lineage for auditors. The web app and the API call these."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk._lazy import lazy_exports

if TYPE_CHECKING:
    from clerk.review.approvals import ApprovalRefused, Capacity, approve, reject, route_to_approval
    from clerk.review.policy import ApprovalPlan, ErpFacts, approval_plan
    from clerk.review.settings import ApprovalPolicy, ReviewSettings, WebSettings
    from clerk.review.users import User, UserDirectory

# Loaded on first use, so that a light submodule stays light (see clerk._lazy).
_EXPORTS = {
    "ApprovalRefused": "clerk.review.approvals",
    "Capacity": "clerk.review.approvals",
    "approve": "clerk.review.approvals",
    "reject": "clerk.review.approvals",
    "route_to_approval": "clerk.review.approvals",
    "ApprovalPlan": "clerk.review.policy",
    "ErpFacts": "clerk.review.policy",
    "approval_plan": "clerk.review.policy",
    "ApprovalPolicy": "clerk.review.settings",
    "ReviewSettings": "clerk.review.settings",
    "WebSettings": "clerk.review.settings",
    "User": "clerk.review.users",
    "UserDirectory": "clerk.review.users",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
