"""Who may use which route: one table, checked by every route's guard and
enumerated by the role-matrix test (admin may do everything)."""

from __future__ import annotations

EVERYONE = ("reviewer", "approver", "operator", "auditor")
READ_ITEM = ("reviewer", "approver", "auditor")
# Roles that may read items' records, findings and documents (bank details
# included); the others (operators) see states, reasons and errors only.
SEE_RECORDS = READ_ITEM

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
    "api_docs": EVERYONE,
    "api_items": ("reviewer", "approver", "auditor", "operator"),
    "api_item": READ_ITEM,
    "api_item_action": ("reviewer", "approver"),
    "api_runs": ("operator", "auditor"),
    "api_start_run": ("operator",),
    "api_audit": ("auditor",),
    "api_lineage": ("auditor",),
}
# Each action of /api/v1/items/{id}/actions carries its own, narrower role:
# clerk.decisions.ACTION_ROLES, checked by the decision service itself.
