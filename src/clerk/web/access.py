"""Who may use which route: one table, checked by every route's guard and
enumerated by the role-matrix test (admin may do everything)."""

from __future__ import annotations

EVERYONE = ("reviewer", "approver", "operator", "auditor")
READ_ITEM = ("reviewer", "approver", "auditor")

ACCESS: dict[str, tuple[str, ...]] = {
    "home": EVERYONE,
    "logout": EVERYONE,
    "inbox": ("reviewer",),
    "bulk_assign": ("reviewer",),
    "item": READ_ITEM,
    "item_page": READ_ITEM,
    "item_correct": ("reviewer",),
    "item_accept": ("reviewer",),
    "item_reject": ("reviewer",),
    "item_assign": ("reviewer",),
    "item_comment": ("reviewer", "approver"),
    "approvals": ("approver",),
    "approval_approve": ("approver",),
    "approval_reject": ("approver",),
    "ops_bots": ("operator",),
    "ops_pause": ("operator",),
    "ops_resume": ("operator",),
    "ops_run_now": ("operator",),
    "ops_runs": ("operator",),
    "ops_run_file": ("operator",),
    "ops_health": ("operator",),
    "audit_search": ("auditor",),
    "audit_lineage": ("auditor",),
    "audit_verify": ("auditor",),
    "audit_export": ("auditor",),
    "audit_proofs": ("auditor",),
    "audit_proof": ("auditor",),
    "audit_checkpoint": ("auditor",),
    "audit_key": ("auditor",),
    "api_openapi": EVERYONE,
    "api_items": ("reviewer", "approver", "auditor", "operator"),
    "api_item": READ_ITEM,
    "api_item_action": ("reviewer", "approver"),
    "api_runs": ("operator", "auditor"),
    "api_start_run": ("operator",),
    "api_audit": ("auditor",),
    "api_lineage": ("auditor",),
}
# Actions of the API carry their own, narrower role.
API_ACTIONS: dict[str, tuple[str, ...]] = {
    "correct": ("reviewer",), "accept": ("reviewer",), "reject": ("reviewer",),
    "assign": ("reviewer",), "comment": ("reviewer", "approver"),
    "approve_step": ("approver",), "reject_step": ("approver",),
}
