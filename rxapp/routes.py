"""Route paths and the navigation registry.

Every page path lives here. `NAV` lists the navigation items in order; each names the permission
(services.core.access.Permission) it needs, or several of which any one will do (the same tuple the service
checks, e.g. maintenance's RAISE_PERMISSIONS), and the shell shows only the items the signed-in person's
permissions allow. Later features append their items to `NAV`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rxapp.i18n import _
from services.core.access import Permission
from services.maintenance import RAISE_PERMISSIONS

LOGIN = "/login"
HOME = "/"
ACCOUNT = "/account"
NOT_ALLOWED = "/not-allowed"
ADMIN_USERS = "/admin/users"
ADMIN_ROLES = "/admin/roles"
ADMIN_SETTINGS = "/admin/settings"
ADMIN_PLANTS = "/admin/plants"
ADMIN_BRANDING = "/admin/branding"
ADMIN_AUDIT = "/admin/audit"
ADMIN_API_TOKENS = "/admin/api-tokens"
ADMIN_LOCKOUTS = "/admin/lockouts"
ADMIN_INVITATIONS = "/admin/invitations"
ADMIN_TWO_FACTOR = "/admin/two-factor"
INVITATION = "/invitation"          # the link an invitee opens (services.config.invitations.ACCEPT_PATH)
SCHEDULE = "/schedule"
ORDERS = "/orders"
WORK_ORDERS = "/work-orders"
ORDER_IMPORT = "/orders/import"
MASTER_PRODUCTS = "/master/products"
MASTER_ROUTINGS = "/master/routings"
MASTER_MACHINES = "/master/machines"
MASTER_CALENDARS = "/master/calendars"
MASTER_REASON_CODES = "/master/reason-codes"
MASTER_CUSTOMERS = "/master/customers"
OPERATOR = "/operator"
OPERATOR_MACHINE = "/operator/machine"
DASHBOARD = "/dashboard"
ANDON = "/andon"
NCRS = "/quality/ncrs"
NCR = "/quality/ncr"
SOP_TICKETS = "/quality/sop-tickets"
SOP_TICKET = "/quality/sop-ticket"
QUALITY = "/quality"
QUALITY_SPC = "/quality/spc"
QUALITY_INSPECT = "/quality/inspect"
QUALITY_PLANS = "/quality/plans"
QUALITY_REJECTS = "/quality/rejects"
QUALITY_REJECT = "/quality/reject"
ADMIN_WORKFLOWS = "/admin/workflows"
NOTIFICATIONS = "/notifications"
ADMIN_TYPE_LISTS = "/admin/type-lists"
ADMIN_CUSTOM_FIELDS = "/admin/custom-fields"
ADMIN_FORM_LAYOUTS = "/admin/form-layouts"
SCAN = "/scan"
LABELS = "/labels"
TRACE = "/trace"
LOTS = "/lots"
SHIPMENTS = "/shipments"
FINANCE = "/finance"
FINANCE_PURCHASE_ORDERS = "/finance/purchase-orders"
FINANCE_INVOICES = "/finance/invoices"
FINANCE_BUDGETS = "/finance/budgets"
STUDIO = "/studio"
STUDIO_PROJECT = "/studio/project"
STUDIO_MY_TASKS = "/studio/my-tasks"
STUDIO_PORTAL = "/studio/portal"
STUDIO_PORTAL_ORDERS = "/studio/portal/orders"
STUDIO_TASK = "/studio/task"
STUDIO_CUT = "/studio/cut"
STUDIO_ASSET = "/studio/asset"
STUDIO_KANBAN = "/studio/kanban"
STUDIO_PARTNERS = "/studio/partners"
STUDIO_PEOPLE = "/studio/people"
STUDIO_TIMESHEET = "/studio/timesheet"
DOCUMENTS = "/documents"
DOCUMENT = "/documents/document"
CHANGE_ORDERS = "/documents/change-orders"
CHANGE_ORDER = "/documents/change-order"
STUDIO_REVIEWS = "/studio/reviews"
MAINTENANCE = "/maintenance"
MAINTENANCE_TICKETS = "/maintenance/tickets"
MAINTENANCE_TICKET = "/maintenance/ticket"
MAINTENANCE_MY = "/maintenance/my"
MAINTENANCE_REPORT = "/maintenance/report"
MAINTENANCE_MACHINE = "/maintenance/machine"
MAINTENANCE_PLANS = "/maintenance/plans"
MAINTENANCE_PARTS = "/maintenance/parts"
MAINTENANCE_SETTINGS = "/maintenance/settings"
MAINTENANCE_HOME = "/maintenance/home"


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    icon: str                       # a lucide icon name
    permission: Permission | tuple[Permission, ...]      # one permission, or several: any one of them will do
    description: str = ""           # one line for the home page tile
    section: str = ""               # items with the same section are grouped in the sidebar

    @property
    def permissions(self) -> tuple[Permission, ...]:
        """The permissions any one of which shows the item."""
        return self.permission if isinstance(self.permission, tuple) else (self.permission,)

    def allowed(self, permissions: set[str] | frozenset[str] | list[str]) -> bool:
        have = {str(p) for p in permissions}
        return any(p.value in have for p in self.permissions)


NAV: list[NavItem] = [
    NavItem(_("Home"), HOME, "house", Permission.VIEW, _("Your organization, roles and plants.")),
    NavItem(_("Account"), ACCOUNT, "user-round", Permission.VIEW, _("Change your password.")),
    NavItem(_("Notifications"), NOTIFICATIONS, "bell", Permission.VIEW,
            _("What needs your attention; how you are told.")),
    NavItem(_("Dashboard"), DASHBOARD, "gauge", Permission.VIEW_DASHBOARDS,
            _("OEE, losses, yield, delivery and work in progress, live."), _("Shop floor")),
    NavItem(_("Andon board"), ANDON, "layout-grid", (Permission.VIEW_DASHBOARDS, Permission.MAINTAIN),
            _("Every machine's state now, its job and the shift's OEE, for the wall screen."), _("Shop floor")),
    NavItem(_("Operator"), OPERATOR, "hard-hat", Permission.RUN_JOBS,
            _("Your machines: start and complete jobs, report counts and downtime."), _("Shop floor")),
    NavItem(_("Scan"), SCAN, "scan-barcode", Permission.SCAN,
            _("Receive, move, consume, pack and ship by scanning labels."), _("Shop floor")),
    NavItem(_("Labels"), LABELS, "tag", Permission.VIEW,
            _("Print barcode and QR labels for lots, machines, shipments ..."), _("Shop floor")),
    NavItem(_("Trace"), TRACE, "git-fork", Permission.VIEW,
            _("Where a lot came from and where it went; recall simulation."), _("Logistics")),
    NavItem(_("Lots"), LOTS, "boxes", Permission.VIEW,
            _("Material and product lots: receive, hold, release."), _("Logistics")),
    NavItem(_("Shipments"), SHIPMENTS, "truck", Permission.VIEW,
            _("Pack lots and serials for customer orders and ship them."), _("Logistics")),
    NavItem(_("Orders"), ORDERS, "clipboard-list", Permission.PLAN,
            _("Customer orders, their lines and release."), _("Production")),
    NavItem(_("Work orders"), WORK_ORDERS, "wrench", Permission.PLAN,
            _("Work orders with progress; complete many at once."), _("Production")),
    NavItem(_("Import orders"), ORDER_IMPORT, "file-up", Permission.PLAN,
            _("Orders from an Excel or CSV file, checked row by row."), _("Production")),
    NavItem(_("Schedule"), SCHEDULE, "calendar-range", Permission.PLAN,
            _("Put operations on machines and see the plan."), _("Production")),
    NavItem(_("Products"), MASTER_PRODUCTS, "package", Permission.PLAN,
            _("Items, units, costs and bills of materials."), _("Master data")),
    NavItem(_("Routings"), MASTER_ROUTINGS, "list-ordered", Permission.PLAN,
            _("Steps, work centers, setup and cycle times."), _("Master data")),
    NavItem(_("Work centers & machines"), MASTER_MACHINES, "cog", Permission.PLAN,
            _("Work centers, machines and their cycle times."), _("Master data")),
    NavItem(_("Shift calendars"), MASTER_CALENDARS, "calendar-clock", Permission.PLAN,
            _("Shifts, breaks, working days and holidays."), _("Master data")),
    NavItem(_("Reason codes"), MASTER_REASON_CODES, "tags", Permission.PLAN,
            _("Downtime, scrap and pause reasons."), _("Master data")),
    NavItem(_("Customers"), MASTER_CUSTOMERS, "building-2", Permission.PLAN,
            _("Who orders from you."), _("Master data")),
    NavItem(_("Quality"), QUALITY, "shield-check", Permission.VIEW_DASHBOARDS,
            _("Defects Pareto, yield, NCR ages, SPC alerts, cost of poor quality."), _("Quality")),
    NavItem(_("Control charts"), QUALITY_SPC, "chart-line", Permission.VIEW,
            _("Live SPC charts with baselines, run rules and capability."), _("Quality")),
    NavItem(_("Inspect"), QUALITY_INSPECT, "ruler", Permission.INSPECT,
            _("Record a measurement at the machine."), _("Quality")),
    NavItem(_("Inspection plans"), QUALITY_PLANS, "clipboard-check", Permission.VIEW,
            _("Characteristics per product and operation, with specification and chart."), _("Quality")),
    NavItem(_("Rejects and returns"), QUALITY_REJECTS, "package-x", Permission.VIEW,
            _("Internal rejects, scrap reports to review, customer returns and dispositions."), _("Quality")),
    NavItem(_("NCRs"), NCRS, "shield-alert", Permission.VIEW,
            _("Non-conformances with root cause and CAPA actions."), _("Quality")),
    NavItem(_("SOP tickets"), SOP_TICKETS, "file-warning", Permission.VIEW,
            _("One department charges another for an SOP failure."), _("Quality")),
    NavItem(_("Finance"), FINANCE, "landmark", Permission.FINANCE,
            _("Ledger, receivables, tax rules and standard costs."), _("Finance")),
    NavItem(_("Purchase orders"), FINANCE_PURCHASE_ORDERS, "receipt", Permission.FINANCE,
            _("Orders to vendors, their taxes, settlements of approved work and payments."), _("Finance")),
    NavItem(_("Invoices"), FINANCE_INVOICES, "file-text", Permission.FINANCE,
            _("Customer invoices, credit notes, payments received and AR aging."), _("Finance")),
    NavItem(_("Budgets"), FINANCE_BUDGETS, "piggy-bank", Permission.FINANCE,
            _("Budgets per project and cost centre, and what orders and settlements spend."), _("Finance")),
    NavItem(_("Studio projects"), STUDIO, "clapperboard", Permission.VIEW,
            _("Projects, breakdown, the production grid and review, live."), _("Studio")),
    NavItem(_("My tasks"), STUDIO_MY_TASKS, "list-todo", Permission.STUDIO_WORK,
            _("Your studio tasks: submit versions, see reviews."), _("Studio")),
    NavItem(_("Review queue"), STUDIO_REVIEWS, "list-checks", (Permission.STUDIO_QC1, Permission.STUDIO_QC2),
            _("Tasks waiting for your QC1 or QC2 decision; approve a batch together."), _("Studio")),
    NavItem(_("Studio partners"), STUDIO_PARTNERS, "building-2", Permission.STUDIO_MANAGE,
            _("Clients, committee, prime and subcontractors: numbers, bank accounts, contacts."), _("Studio")),
    NavItem(_("Timesheet"), STUDIO_TIMESHEET, "timer", Permission.STUDIO_WORK,
            _("Your time per task and day; leads see the week by member."), _("Studio")),
    NavItem(_("Partner portal"), STUDIO_PORTAL, "handshake", Permission.STUDIO_PORTAL,
            _("The tasks and reviews shared with your company."), _("Studio")),
    NavItem(_("Our orders"), STUDIO_PORTAL_ORDERS, "receipt", Permission.STUDIO_PORTAL,
            _("Purchase orders the studio sent your company: read and acknowledge them."), _("Studio")),
    NavItem(_("My tickets"), MAINTENANCE_MY, "wrench", Permission.MAINTAIN,
            _("Your maintenance tickets: accept, start, wait for parts, done."), _("Maintenance")),
    NavItem(_("Maintenance"), MAINTENANCE_HOME, "hard-hat", Permission.VIEW,
            _("The most urgent tickets, yours, and every maintenance page."), _("Maintenance")),
    NavItem(_("Maintenance dashboard"), MAINTENANCE, "activity", (Permission.VIEW_DASHBOARDS, Permission.MAINTAIN),
            _("Open tickets with SLA countdown, MTBF, MTTR and costs, live."), _("Maintenance")),
    NavItem(_("Maintenance tickets"), MAINTENANCE_TICKETS, "clipboard-list", Permission.VIEW,
            _("Corrective and preventive tickets of your plants."), _("Maintenance")),
    NavItem(_("Preventive plans"), MAINTENANCE_PLANS, "calendar-clock", Permission.VIEW,
            _("Maintenance by calendar, parts counted or run hours, with a checklist."), _("Maintenance")),
    NavItem(_("Spare parts"), MAINTENANCE_PARTS, "package", Permission.VIEW,
            _("Stock per storage location, receipts, issues to tickets and what to reorder."), _("Maintenance")),
    NavItem(_("Maintenance settings"), MAINTENANCE_SETTINGS, "settings-2", Permission.MAINTAIN,
            _("SLA targets, the escalation team and automatic tickets per plant."), _("Maintenance")),
    NavItem(_("Report a breakdown"), MAINTENANCE_REPORT, "siren", RAISE_PERMISSIONS,
            _("Tell maintenance a machine is broken, with a photo."), _("Maintenance")),
    NavItem(_("Documents"), DOCUMENTS, "file-text", Permission.VIEW,
            _("Drawings, SOPs, work instructions and specifications with their approved revisions."), _("Documents")),
    NavItem(_("Change orders"), CHANGE_ORDERS, "file-diff", (Permission.DOCUMENTS, Permission.QUALITY),
            _("Change orders that release new document revisions together."), _("Documents")),
    NavItem(_("Workflows"), ADMIN_WORKFLOWS, "workflow", Permission.CONFIGURE,
            _("States, transitions, approvals and due times of NCRs, tickets and more."), _("Administration")),
    NavItem(_("Users"), ADMIN_USERS, "users", Permission.MANAGE_USERS,
            _("Create people, give them roles and plants."), _("Administration")),
    NavItem(_("Roles"), ADMIN_ROLES, "shield-check", Permission.MANAGE_USERS,
            _("Roles and what they may do; roles per plant and department."), _("Administration")),
    NavItem(_("Log-in lockouts"), ADMIN_LOCKOUTS, "lock-keyhole", Permission.MANAGE_USERS,
            _("Who is held up by failed log-ins, and clearing it."), _("Administration")),
    NavItem(_("Invitations"), ADMIN_INVITATIONS, "mail-plus", Permission.MANAGE_USERS,
            _("Invite people by email with roles and plants; resend or revoke."), _("Administration")),
    NavItem(_("Two-factor log-in"), ADMIN_TWO_FACTOR, "shield-check", Permission.MANAGE_USERS,
            _("The roles that must log in with a code from an authenticator app."), _("Administration")),
    NavItem(_("Plants"), ADMIN_PLANTS, "factory", Permission.MANAGE_PLANTS,
            _("Plants, time zones and departments."), _("Administration")),
    NavItem(_("Organization settings"), ADMIN_SETTINGS, "settings", Permission.CONFIGURE,
            _("Time zone, language, currency, document numbers, retention and KPI conventions."), _("Administration")),
    NavItem(_("Branding"), ADMIN_BRANDING, "palette", Permission.MANAGE_BRANDING,
            _("Name, colour and logo of your organization."), _("Administration")),
    NavItem(_("Audit log"), ADMIN_AUDIT, "scroll-text", Permission.VIEW_AUDIT,
            _("Who changed what, and when."), _("Administration")),
    NavItem(_("API tokens"), ADMIN_API_TOKENS, "key-round", Permission.MANAGE_API_TOKENS,
            _("Tokens for machines, scanning stations and displays."), _("Administration")),
    NavItem(_("Type lists"), ADMIN_TYPE_LISTS, "list-checks", Permission.CONFIGURE,
            _("Defect codes, root causes, dispositions and other pick lists."), _("Administration")),
    NavItem(_("Custom fields"), ADMIN_CUSTOM_FIELDS, "text-cursor-input", Permission.CONFIGURE,
            _("Extra fields on products, work orders, NCRs and more."), _("Administration")),
    NavItem(_("Form layouts"), ADMIN_FORM_LAYOUTS, "layout-list", Permission.CONFIGURE,
            _("Sections, order, required fields and help texts of forms."), _("Administration")),
]


def nav_for(permissions: set[str] | frozenset[str] | list[str]) -> list[NavItem]:
    """The navigation items these permissions allow, in menu order."""
    return [item for item in NAV if item.allowed(permissions)]


def landing(permissions: Iterable[str]) -> str:
    """Where a person starts after log-in: the home page, or the partner portal for a vendor or client
    account (STUDIO_PORTAL without VIEW), which the home page would refuse."""
    allowed = {str(p) for p in permissions}
    if Permission.VIEW.value not in allowed and Permission.STUDIO_PORTAL.value in allowed:
        return STUDIO_PORTAL
    return HOME


def nav_item(path: str) -> NavItem | None:
    return next((item for item in NAV if item.path == path), None)


def operator_machine_url(machine_id: int) -> str:
    return f"{OPERATOR_MACHINE}?id={int(machine_id)}"


def andon_url(plant_id: int) -> str:
    return f"{ANDON}?plant={int(plant_id)}"


def ncr_url(ncr_id: int) -> str:
    return f"{NCR}?id={int(ncr_id)}"


def inspect_url(machine_id: int) -> str:
    return f"{QUALITY_INSPECT}?machine={int(machine_id)}"


def document_url(document_id: int) -> str:
    return f"{DOCUMENT}?id={int(document_id)}"


def documents_of(target_type: str, target_id: int) -> str:
    """The document list of one product, routing step, machine, project or order."""
    return f"{DOCUMENTS}?target_type={target_type}&target_id={int(target_id)}"


def change_order_url(change_order_id: int) -> str:
    return f"{CHANGE_ORDER}?id={int(change_order_id)}"


def studio_project_url(project_id: int) -> str:
    return f"{STUDIO_PROJECT}?id={int(project_id)}"


def studio_task_url(task_id: int) -> str:
    return f"{STUDIO_TASK}?id={int(task_id)}"


def studio_cut_url(cut_id: int) -> str:
    return f"{STUDIO_CUT}?id={int(cut_id)}"


def studio_asset_url(asset_id: int) -> str:
    return f"{STUDIO_ASSET}?id={int(asset_id)}"


def studio_people_url(project_id: int) -> str:
    return f"{STUDIO_PEOPLE}?id={int(project_id)}"


def studio_kanban_url(project_id: int) -> str:
    return f"{STUDIO_KANBAN}?id={int(project_id)}"


def sop_ticket_url(ticket_id: int) -> str:
    return f"{SOP_TICKET}?id={int(ticket_id)}"


def maintenance_ticket_url(ticket_id: int) -> str:
    return f"{MAINTENANCE_TICKET}?id={int(ticket_id)}"


def maintenance_report_url(machine_id: int, *, from_andon: bool = False) -> str:
    return f"{MAINTENANCE_REPORT}?machine={int(machine_id)}" + ("&from=andon" if from_andon else "")


def machine_history_url(machine_id: int) -> str:
    return f"{MAINTENANCE_MACHINE}?id={int(machine_id)}"


def login_url(next_path: str | None = None) -> str:
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and next_path != LOGIN:
        return f"{LOGIN}?next={next_path}"
    return LOGIN
