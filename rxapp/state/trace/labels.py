"""Words people read for roles, permissions and token kinds (translated once, here)."""
from __future__ import annotations

from rxapp.i18n import _

ROLE_LABELS: dict[str, str] = {
    "admin": _("Admin"),
    "manager": _("Manager"),
    "planner": _("Planner"),
    "supervisor": _("Supervisor"),
    "operator": _("Operator"),
    "quality": _("Quality"),
    "maintenance": _("Maintenance"),
    "finance": _("Finance"),
    "viewer": _("Viewer"),
}

PERMISSION_LABELS: dict[str, str] = {
    "view": _("use Takt"),
    "manage_users": _("manage users"),
    "manage_plants": _("manage plants"),
    "manage_branding": _("change the branding"),
    "manage_api_tokens": _("manage API tokens"),
    "view_audit": _("read the audit log"),
    "view_dashboards": _("see dashboards"),
    "plan": _("plan production"),
    "supervise": _("supervise the floor"),
    "run_jobs": _("run jobs"),
    "quality": _("work on quality"),
    "inspect": _("record inspections"),
    "maintain": _("work on maintenance"),
    "finance": _("work on finance"),
    "ingest": _("send machine data"),
    "scan": _("scan"),
    "display": _("show a wall display"),
}

TOKEN_KIND_LABELS: dict[str, str] = {
    "machine": _("Machine gateway"),
    "station": _("Scanning station"),
    "display": _("Wall display"),
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def permission_label(permission: str) -> str:
    return PERMISSION_LABELS.get(permission, permission)
