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
__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "approvals": ("ApprovalRefused", "Capacity", "approve", "reject", "route_to_approval"),
    "policy": ("ApprovalPlan", "ErpFacts", "approval_plan"),
    "settings": ("ApprovalPolicy", "ReviewSettings", "WebSettings"),
    "users": ("User", "UserDirectory"),
})
