"""People's work on items: review decisions, approvals before posting, SLA
escalation, lineage for auditors. The web app and the API call these."""

from clerk.review.approvals import ApprovalRefused, Capacity, approve, reject, route_to_approval
from clerk.review.policy import ApprovalPlan, ErpFacts, approval_plan
from clerk.review.settings import ApprovalPolicy, ReviewSettings, WebSettings
from clerk.review.users import User, UserDirectory

__all__ = ["ApprovalPlan", "ApprovalPolicy", "ApprovalRefused", "Capacity", "ErpFacts",
           "ReviewSettings", "User", "UserDirectory", "WebSettings", "approval_plan", "approve",
           "reject", "route_to_approval"]
