"""The workflows Takt ships: one per entity type that runs on the engine, and a generic one otherwise.

An organization gets the default as its version 1 the first time an entity of that type starts a
workflow; admins change it from /admin/workflows (a new version each time).
Field names in conditions are the ones each entity's service exposes to the engine
(`services.config.workflow_hooks.register_entity`); custom fields are `custom.<key>`.
Their names and messages are marked for the catalogs (`default_name`, `default_name_as`) and read translated
by services/config/workflow_names.shipped_text.
"""
from __future__ import annotations

from services.config.workflow_specs import ConditionSpec as C
from services.config.workflow_specs import StateSpec as S
from services.config.workflow_specs import TransitionSpec as T
from services.config.workflow_specs import WorkflowSpec
from services.core.messages import t

CONTEXT = "workflow"      # the catalogs' context of a shipped name whose plain id means something else
SHIPPED_CONTEXTS: dict[str, str] = {}   # shipped name -> its catalog context (`default_name_as`), known at import


def default_name(text: str) -> str:
    """A default workflow's name or message, as written (a marker: extracted into the catalogs, keyword
    `default_name`, and translated when read by services/config/workflow_names.shipped_text)."""
    return text


def default_name_as(context: str, text: str) -> str:
    """`default_name()` for a name whose catalog id is taken by another meaning ("Reported" the column, "Reported"
    the state): extracted with the context `CONTEXT` (keyword `default_name_as:1c,2`) and read in that context."""
    SHIPPED_CONTEXTS[text] = context
    return text


PO_FINANCE_ROUTE = default_name("Approval by finance (up to {limit} {currency})")
PO_OTHER_CURRENCY = default_name("Not an order in {currency}.")
PO_ABOVE_LIMIT = default_name("Above {limit} {currency}: a manager approves.")

QUALITY_ROLES = ["quality", "admin"]
DAY = 24 * 60

NCR = WorkflowSpec(name="NCR", states=[
    S(key="open", name=default_name("Open"), is_initial=True, due_minutes=3 * DAY, escalate_to_role="quality"),
    S(key="investigating", name=default_name("Investigating"), due_minutes=14 * DAY, escalate_to_head=True),
    S(key="closed", name=default_name("Closed"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    T(key="investigate", name=default_name("Start investigation"), from_state="open", to_state="investigating",
      roles=QUALITY_ROLES, conditions=[C(field="containment", message=t("Describe the containment first."))]),
    T(key="close", name=default_name("Close"), from_state="*", to_state="closed", roles=QUALITY_ROLES, conditions=[
        C(field="root_cause_category", message=t("Choose a root-cause category before closing.")),
        C(field="root_cause", message=t("Describe the root cause before closing.")),
        C(field="open_actions", op="max", value=0, message=t("Finish every CAPA action before closing.")),
    ]),
    T(key="cancel", name=default_name("Cancel"), from_state="*", to_state="cancelled", roles=QUALITY_ROLES,
      approval="any", approver_roles=["manager", "admin"], require_comment=True),
    T(key="reopen", name=default_name("Reopen"), from_state="closed", to_state="investigating", roles=QUALITY_ROLES,
      require_comment=True),
])

SOP_TICKET = WorkflowSpec(name="SOP ticket", states=[
    S(key="open", name=default_name("Waiting for response"), is_initial=True, due_minutes=2 * DAY, escalate_to_head=True),
    S(key="accepted", name=default_name("Accepted"), due_minutes=7 * DAY, escalate_to_head=True),
    S(key="disputed", name=default_name("Disputed"), due_minutes=2 * DAY, escalate_to_head=True),
    S(key="resolved", name=default_name("Resolved"), is_done=True),
    S(key="withdrawn", name=default_name("Withdrawn"), is_rejected=True),
], transitions=[
    T(key="accept", name=default_name("Accept"), from_state="open", to_state="accepted",
      conditions=[C(field="response", message=t("Write the charged department's response first."))]),
    T(key="dispute", name=default_name("Dispute"), from_state="open", to_state="disputed", require_comment=True),
    T(key="uphold", name=default_name("Uphold the charge"), from_state="disputed", to_state="accepted",
      roles=["manager", "admin"], require_comment=True),
    T(key="resolve", name=default_name("Resolve"), from_state="accepted", to_state="resolved",
      conditions=[C(field="response", message=t("Write the charged department's response first."))]),
    T(key="withdraw", name=default_name("Withdraw"), from_state="*", to_state="withdrawn", require_comment=True),
])

INTERNAL_REJECT = WorkflowSpec(name="Internal reject", states=[
    S(key="reported", name=default_name_as("workflow", "Reported"), is_initial=True, due_minutes=DAY, escalate_to_role="quality"),
    S(key="closed", name=default_name("Dispositioned"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    T(key="dispose", name=default_name_as("workflow", "Disposition"), from_state="reported", to_state="closed",
      conditions=[C(field="disposition", message=t("Choose a disposition first."))],
      approval="any", approver_roles=["quality", "manager"]),
    T(key="cancel", name=default_name("Cancel"), from_state="reported", to_state="cancelled", roles=QUALITY_ROLES,
      require_comment=True),
])

CUSTOMER_RETURN = WorkflowSpec(name="Customer return", states=[
    S(key="received", name=default_name_as("workflow", "Received"), is_initial=True, due_minutes=2 * DAY, escalate_to_role="quality"),
    S(key="closed", name=default_name("Dispositioned"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    T(key="dispose", name=default_name_as("workflow", "Disposition"), from_state="received", to_state="closed",
      conditions=[C(field="disposition", message=t("Choose a disposition first."))],
      approval="any", approver_roles=["quality", "manager"]),
    T(key="cancel", name=default_name("Cancel"), from_state="received", to_state="cancelled", roles=QUALITY_ROLES,
      require_comment=True),
])

QC1_ROLES = ["supervisor", "manager", "admin"]       # team leads (Permission.STUDIO_QC1)
QC2_ROLES = ["manager", "admin"]                     # production managers (Permission.STUDIO_QC2)
STUDIO_TASK = WorkflowSpec(name="Studio task", states=[
    S(key="todo", name=default_name("To do"), is_initial=True),
    S(key="in_progress", name=default_name("In progress")),
    S(key="waiting_review", name=default_name("Waiting for review")),
    S(key="qc1", name=default_name("In QC1")),
    S(key="qc2", name=default_name("In QC2"), due_minutes=3 * DAY, escalate_to_role="manager"),
    S(key="rework", name=default_name("Rework")),
    S(key="approved", name=default_name("Approved"), is_done=True),
], transitions=[
    T(key="start", name=default_name("Start"), from_state="todo", to_state="in_progress"),
    T(key="submit", name=default_name("Submit for review"), from_state="in_progress", to_state="waiting_review"),
    T(key="qc1_take", name=default_name("Start QC1"), from_state="waiting_review", to_state="qc1", roles=QC1_ROLES),
    T(key="qc1_approve", name=default_name("QC1 approve"), from_state="qc1", to_state="qc2", roles=QC1_ROLES),
    T(key="qc1_reject", name=default_name("QC1 reject"), from_state="qc1", to_state="rework", roles=QC1_ROLES, require_comment=True),
    T(key="qc2_approve", name=default_name("QC2 approve"), from_state="qc2", to_state="approved", roles=QC2_ROLES),
    T(key="qc2_reject", name=default_name("QC2 reject"), from_state="qc2", to_state="rework", roles=QC2_ROLES, require_comment=True),
    T(key="resubmit", name=default_name("Submit the rework"), from_state="rework", to_state="waiting_review"),
])

MAINTENANCE_ROLES = ["maintenance", "admin"]

# services/maintenance reads these state keys: "open" until the first response, "in_progress" starts the
# repair, "waiting_parts" pauses the SLA clock (when the plant's target says so). Admins may add states.
MAINTENANCE_TICKET = WorkflowSpec(name="Maintenance ticket", states=[
    S(key="open", name=default_name("Open"), is_initial=True),
    S(key="accepted", name=default_name("Accepted")),
    S(key="in_progress", name=default_name("In progress")),
    S(key="waiting_parts", name=default_name("Waiting for parts")),
    S(key="done", name=default_name("Done"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    T(key="accept", name=default_name("Accept"), from_state="open", to_state="accepted", roles=MAINTENANCE_ROLES),
    T(key="start_now", name=default_name("Start"), from_state="open", to_state="in_progress", roles=MAINTENANCE_ROLES),
    T(key="start", name=default_name("Start"), from_state="accepted", to_state="in_progress", roles=MAINTENANCE_ROLES),
    T(key="wait_parts", name=default_name("Wait for parts"), from_state="in_progress", to_state="waiting_parts",
      roles=MAINTENANCE_ROLES),
    T(key="resume", name=default_name("Resume"), from_state="waiting_parts", to_state="in_progress", roles=MAINTENANCE_ROLES),
    T(key="done", name=default_name("Done"), from_state="in_progress", to_state="done", roles=MAINTENANCE_ROLES),
    T(key="cancel", name=default_name("Cancel"), from_state="*", to_state="cancelled",
      roles=["maintenance", "supervisor", "manager", "admin"], require_comment=True),
])

# Purchase orders to vendors (services/finance/po_approval.py): finance approves up to a limit per currency (the
# conditions on `currency` and `amount`, the adjusted total before taxes), a manager or an admin above it. The writer
# asks for the first route whose conditions hold; admins change the limits (a new version). The writer never approves.
PO_ROLES = ["finance", "admin"]
PO_FINANCE_LIMITS = {"KRW": 5_000_000, "JPY": 500_000, "BDT": 500_000, "EUR": 5_000, "USD": 5_000}


def po_finance_route(currency: str, limit: object) -> T:
    """The route on which a finance person approves orders in `currency` up to `limit` (of the adjusted total)."""
    return T(key=f"approve_{currency.lower()}", name=PO_FINANCE_ROUTE.format(limit=limit, currency=currency),
             from_state="draft", to_state="approved", roles=PO_ROLES, approval="any", approver_roles=["finance", "admin"],
             conditions=[C(field="currency", op="equals", value=currency, message=PO_OTHER_CURRENCY.format(currency=currency)),
                         C(field="amount", op="max", value=str(limit),
                           message=PO_ABOVE_LIMIT.format(limit=limit, currency=currency))])


PURCHASE_ORDER = WorkflowSpec(name="Purchase order", states=[
    S(key="draft", name=default_name("Draft"), is_initial=True),
    S(key="approved", name=default_name("Approved"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    *(po_finance_route(currency, limit) for currency, limit in PO_FINANCE_LIMITS.items()),
    T(key="approve_manager", name=default_name("Approval by a manager"), from_state="draft", to_state="approved", roles=PO_ROLES,
      approval="any", approver_roles=["manager", "admin"]),
    T(key="cancel", name=default_name("Cancel"), from_state="draft", to_state="cancelled", roles=PO_ROLES, require_comment=True),
])

# Controlled documents (services/documents): a revision is written (draft), reviewed, approved by quality, and made
# obsolete when a newer revision is approved. A change order releases all its revisions when it is approved.
DOCUMENT_APPROVER_ROLES = ["quality", "admin"]
DOCUMENT_REVISION = WorkflowSpec(name="Document revision", states=[
    S(key="draft", name=default_name("Draft"), is_initial=True),
    S(key="review", name=default_name("In review"), due_minutes=5 * DAY, escalate_to_role="quality"),
    S(key="approved", name=default_name("Approved")),
    S(key="obsolete", name=default_name("Obsolete"), is_done=True),
], transitions=[
    T(key="submit", name=default_name("Submit for review"), from_state="draft", to_state="review"),
    T(key="approve", name=default_name("Approve"), from_state="review", to_state="approved", roles=DOCUMENT_APPROVER_ROLES),
    T(key="reject", name=default_name("Reject"), from_state="review", to_state="draft", roles=DOCUMENT_APPROVER_ROLES,
      require_comment=True),
    T(key="obsolete", name=default_name("Make obsolete"), from_state="approved", to_state="obsolete", roles=DOCUMENT_APPROVER_ROLES),
])

CHANGE_ORDER = WorkflowSpec(name="Change order", states=[
    S(key="draft", name=default_name("Draft"), is_initial=True),
    S(key="review", name=default_name("In review"), due_minutes=5 * DAY, escalate_to_role="quality"),
    S(key="approved", name=default_name("Approved"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    T(key="submit", name=default_name("Submit for review"), from_state="draft", to_state="review"),
    T(key="approve", name=default_name("Approve and release"), from_state="review", to_state="approved",
      roles=DOCUMENT_APPROVER_ROLES),
    T(key="reject", name=default_name("Reject"), from_state="review", to_state="draft", roles=DOCUMENT_APPROVER_ROLES,
      require_comment=True),
    T(key="cancel", name=default_name("Cancel"), from_state="*", to_state="cancelled", require_comment=True),
])

GENERIC = WorkflowSpec(name="Simple", states=[
    S(key="open", name=default_name("Open"), is_initial=True),
    S(key="done", name=default_name("Done"), is_done=True),
    S(key="cancelled", name=default_name("Cancelled"), is_rejected=True),
], transitions=[
    T(key="complete", name=default_name("Complete"), from_state="open", to_state="done"),
    T(key="cancel", name=default_name("Cancel"), from_state="open", to_state="cancelled", require_comment=True),
])

DEFAULTS: dict[str, WorkflowSpec] = {
    "ncr": NCR, "sop_ticket": SOP_TICKET, "internal_reject": INTERNAL_REJECT, "customer_return": CUSTOMER_RETURN,
    "studio_task": STUDIO_TASK,
    "maintenance_ticket": MAINTENANCE_TICKET, "purchase_order": PURCHASE_ORDER,
    "document_revision": DOCUMENT_REVISION, "change_order": CHANGE_ORDER,
}

# Entity types an admin can shape a workflow for (the page's choice list), with their display names.
ENTITY_TYPES: dict[str, str] = {
    "ncr": "NCR", "sop_ticket": "SOP ticket", "internal_reject": "Internal reject",
    "customer_return": "Customer return", "maintenance_ticket": "Maintenance ticket", "studio_task": "Studio task",
    "purchase_order": "Purchase order", "document_revision": "Document revision", "change_order": "Change order",
}


def default_spec(entity_type: str) -> WorkflowSpec:
    return DEFAULTS.get(entity_type, GENERIC).model_copy(deep=True)
