"""Takt's Reflex app: the pages, the theme, and the REST API mounted on the same backend.

Every signed-in page runs `AuthState.require(<permission>)` on load (log-in page when signed out,
not-allowed page without the permission) and then its own loader. The guards are a convenience:
each handler re-resolves the actor through the services on every event.
"""
from __future__ import annotations

import os

import reflex as rx

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from rxapp import activity_purge, escalation, i18n_client, live, reflex_adapter, routes
from rxapp.api.app import api
from rxapp.i18n import _, language
from rxapp.mail_sender import mail_sender_task
from rxapp.pages.config.custom_fields import custom_fields_page
from rxapp.pages.config.form_layouts import form_layouts_page
from rxapp.pages.config.invitation_accept import invitation_accept_page
from rxapp.pages.config.invitations import invitations_page
from rxapp.pages.config.notifications import notifications_page
from rxapp.pages.config.type_lists import type_lists_page
from rxapp.pages.config.workflows import workflows_page
from rxapp.pages.documents.change_orders import change_order_page, change_orders_page
from rxapp.pages.documents.document import document_page
from rxapp.pages.documents.documents import documents_page
from rxapp.pages.finance.budgets import budgets_page
from rxapp.pages.finance.invoices import invoices_page
from rxapp.pages.finance.overview import finance_page
from rxapp.pages.finance.purchase_orders import purchase_orders_page
from rxapp.pages.home import home_page
from rxapp.pages.kpi.andon import andon_page
from rxapp.pages.kpi.dashboard import dashboard_page
from rxapp.pages.maintenance.dashboard import maintenance_dashboard_page
from rxapp.pages.maintenance.floor import my_tickets_page, report_page
from rxapp.pages.maintenance.home import maintenance_home_page
from rxapp.pages.maintenance.parts import maintenance_parts_page
from rxapp.pages.maintenance.plans import maintenance_plans_page
from rxapp.pages.maintenance.settings import maintenance_settings_page
from rxapp.pages.maintenance.tickets import machine_history_page, maintenance_ticket_page, maintenance_tickets_page
from rxapp.pages.master.calendars import calendars_page
from rxapp.pages.master.customers import customers_page
from rxapp.pages.master.products import products_page
from rxapp.pages.master.reason_codes import reason_codes_page
from rxapp.pages.master.routings import routings_page
from rxapp.pages.master.work_centers import machines_page
from rxapp.pages.not_allowed import not_allowed_page
from rxapp.pages.org.account import account_page
from rxapp.pages.org.api_tokens import api_tokens_page
from rxapp.pages.org.audit import audit_page
from rxapp.pages.org.branding import branding_page
from rxapp.pages.org.lockouts import lockouts_page
from rxapp.pages.org.login import login_page
from rxapp.pages.org.plants import plants_page
from rxapp.pages.org.roles import roles_page
from rxapp.pages.org.settings import settings_page
from rxapp.pages.org.two_factor_policy import two_factor_policy_page
from rxapp.pages.org.users import users_page
from rxapp.pages.production.order_import import order_import_page
from rxapp.pages.production.orders import orders_page
from rxapp.pages.production.schedule_board import schedule_page
from rxapp.pages.production.work_orders import work_orders_page
from rxapp.pages.quality.dashboard import quality_dashboard_page
from rxapp.pages.quality.inspect import inspect_page
from rxapp.pages.quality.inspection_plans import inspection_plans_page
from rxapp.pages.quality.ncr_detail import ncr_detail_page
from rxapp.pages.quality.ncrs import ncrs_page
from rxapp.pages.quality.rejects import reject_detail_page, rejects_page
from rxapp.pages.quality.sop_tickets import sop_ticket_page, sop_tickets_page
from rxapp.pages.quality.spc import spc_page
from rxapp.pages.shopfloor.operator import operator_page
from rxapp.pages.shopfloor.operator_machine import operator_machine_page
from rxapp.pages.studio.asset import asset_page
from rxapp.pages.studio.cut import cut_page
from rxapp.pages.studio.kanban import studio_kanban_page
from rxapp.pages.studio.partners import studio_partners_page
from rxapp.pages.studio.people import project_people_page
from rxapp.pages.studio.project import studio_project_page
from rxapp.pages.studio.projects import studio_projects_page
from rxapp.pages.studio.review_queue import review_queue_page
from rxapp.pages.studio.tasks import my_tasks_page, task_page
from rxapp.pages.studio.timesheets import timesheet_page
from rxapp.pages.trace.labels import labels_page
from rxapp.pages.trace.lots import lots_page
from rxapp.pages.trace.scan import scan_page
from rxapp.pages.trace.shipments import shipments_page
from rxapp.pages.trace.trace import trace_page
from rxapp.state.config.custom_fields import CustomFieldsState
from rxapp.state.config.form_layouts import FormLayoutsState
from rxapp.state.config.invitation_accept import InvitationAcceptState
from rxapp.state.config.invitations import InvitationsState
from rxapp.state.config.notifications import NotificationsState
from rxapp.state.config.type_lists import TypeListsState
from rxapp.state.config.workflows import WorkflowsAdminState
from rxapp.state.documents.change_orders import ChangeOrdersState, ChangeOrderState
from rxapp.state.documents.document import DocumentState
from rxapp.state.documents.documents import DocumentsState
from rxapp.state.finance.budgets import BudgetsState
from rxapp.state.finance.invoices import InvoicesState
from rxapp.state.finance.overview import FinanceState
from rxapp.state.finance.purchase_orders import PurchaseOrdersState
from rxapp.state.follow import remember_app
from rxapp.state.home.attention import HomeState
from rxapp.state.kpi.andon import AndonState
from rxapp.state.kpi.dashboard import DashboardState
from rxapp.state.maintenance.dashboard import MaintenanceDashboardState
from rxapp.state.maintenance.floor import MyTicketsState, ReportState
from rxapp.state.maintenance.home import MaintenanceHomeState
from rxapp.state.maintenance.parts import MaintenancePartsState
from rxapp.state.maintenance.plans import MaintenancePlansState
from rxapp.state.maintenance.settings import MaintenanceSettingsState
from rxapp.state.maintenance.ticket_work import TicketWorkState
from rxapp.state.maintenance.tickets import MachineHistoryState, MaintenanceTicketsState, MaintenanceTicketState
from rxapp.state.master.boms import BomState
from rxapp.state.master.calendars import CalendarsState
from rxapp.state.master.customers import CustomersState
from rxapp.state.master.machine_rates import RatesState
from rxapp.state.master.products import ProductsState
from rxapp.state.master.reason_codes import ReasonCodesState
from rxapp.state.master.routings import RoutingsState
from rxapp.state.master.work_centers import ResourcesState
from rxapp.state.org.account import AccountState
from rxapp.state.org.api_tokens import ApiTokensState
from rxapp.state.org.audit import AuditState
from rxapp.state.org.auth import AuthState
from rxapp.state.org.branding import BrandingState
from rxapp.state.org.lockouts import LockoutsState
from rxapp.state.org.organization_names import OrganizationNamesState
from rxapp.state.org.plants import PlantsState
from rxapp.state.org.roles import RolesState
from rxapp.state.org.settings import OrgSettingsState
from rxapp.state.org.two_factor import TwoFactorState
from rxapp.state.org.two_factor_policy import TwoFactorPolicyState
from rxapp.state.org.users import UsersState
from rxapp.state.production.order_form import OrderFormState
from rxapp.state.production.order_import import OrderImportState
from rxapp.state.production.orders import OrderDetailState, OrdersState
from rxapp.state.production.schedule import ScheduleState
from rxapp.state.production.work_orders import WorkOrderDetailState, WorkOrdersState
from rxapp.state.quality.dashboard import QualityDashboardState
from rxapp.state.quality.inspect import InspectState
from rxapp.state.quality.inspection_plans import PlansState
from rxapp.state.quality.ncr_detail import NcrDetailState
from rxapp.state.quality.ncrs import NcrsState
from rxapp.state.quality.rejects import RejectDetailState, RejectsState
from rxapp.state.quality.sop_tickets import SopTicketsState, SopTicketState
from rxapp.state.quality.spc import SpcState
from rxapp.state.shopfloor.operator import OperatorMachineState, OperatorState
from rxapp.state.studio.asset import AssetState
from rxapp.state.studio.assign import TaskAssignState
from rxapp.state.studio.breakdown_forms import BreakdownFormsState
from rxapp.state.studio.cut import CutState
from rxapp.state.studio.kanban import StudioKanbanState
from rxapp.state.studio.milestones import MilestonesState
from rxapp.state.studio.partners import StudioPartnersState
from rxapp.state.studio.people import ProjectPeopleState
from rxapp.state.studio.project import StudioProjectState
from rxapp.state.studio.projects import StudioProjectsState
from rxapp.state.studio.review_queue import ReviewQueueState
from rxapp.state.studio.tasks import MyTasksState, TaskState
from rxapp.state.studio.timesheets import TimesheetState
from rxapp.state.trace.labels_page import LabelsState
from rxapp.state.trace.lots import LotsState
from rxapp.state.trace.scan import ScanState
from rxapp.state.trace.shipments import ShipmentsState
from rxapp.state.trace.trace import TraceState
from services.core import metrics
from services.core.access import Permission
from services.core.workers import freeze_startup_heap

metrics.configure_logging(os.environ.get("TAKT_LOG_FORMAT", "json"), os.environ.get("TAKT_LOG_LEVEL", "INFO"))
app = rx.App(
    api_transformer=api,
    html_lang=language(),
    head_components=[rx.el.meta(name="theme-color", content="#ffffff"),
                     rx.script(src="/takt_input.js")],     # an IME's Enter never submits (assets/takt_input.js)
    stylesheets=["/a11y.css"],                    # contrast fixes over Radix Themes (assets/a11y.css)
)
reflex_adapter.before_every_event(app, i18n_client.serve_in_tab_language)  # `_()` in handlers: the tab's language
app.register_lifespan_task(live.live_task)      # event fan-out + live views of this worker (rxapp/live.py)
app.register_lifespan_task(escalation.escalation_task)  # overdue workflow items, every minute (rxapp/escalation.py)
app.register_lifespan_task(activity_purge.activity_purge_task)  # studio activity retention, hourly
app.register_lifespan_task(mail_sender_task)     # email outbox over SMTP (rxapp/mail_sender.py)
app.register_lifespan_task(remember_app)         # per-tab followers end with their tab (rxapp/state/follow.py)
app.register_lifespan_task(freeze_startup_heap)  # the built app out of the GC's full collections (workers.py)


def _title(text: str) -> str:
    return f"{text} · Takt"


def _guarded(page, path: str, title: str, permission: Permission, *loaders) -> None:
    app.add_page(page, route=path, title=_title(title),
                 on_load=[AuthState.require(permission.value), *loaders])


app.add_page(login_page, route=routes.LOGIN, title=_title(_("Log in")), on_load=AuthState.open_login)
_guarded(home_page, routes.HOME, _("Home"), Permission.VIEW, HomeState.load_attention)
app.add_page(invitation_accept_page, route=routes.INVITATION, title=_title(_("Invitation")),
             on_load=InvitationAcceptState.open)
_guarded(account_page, routes.ACCOUNT, _("Account"), Permission.VIEW, AccountState.open, TwoFactorState.load)
_guarded(not_allowed_page, routes.NOT_ALLOWED, _("Not allowed"), Permission.VIEW)
_guarded(users_page, routes.ADMIN_USERS, _("Users"), Permission.MANAGE_USERS, UsersState.enter)
_guarded(settings_page, routes.ADMIN_SETTINGS, _("Organization settings"), Permission.CONFIGURE, OrgSettingsState.load,
         OrganizationNamesState.load_names)
_guarded(roles_page, routes.ADMIN_ROLES, _("Roles"), Permission.MANAGE_USERS, RolesState.load)
_guarded(lockouts_page, routes.ADMIN_LOCKOUTS, _("Log-in lockouts"), Permission.MANAGE_USERS, LockoutsState.load)
_guarded(invitations_page, routes.ADMIN_INVITATIONS, _("Invitations"), Permission.MANAGE_USERS, InvitationsState.load)
_guarded(two_factor_policy_page, routes.ADMIN_TWO_FACTOR, _("Two-factor log-in"), Permission.MANAGE_USERS,
         TwoFactorPolicyState.load)
_guarded(plants_page, routes.ADMIN_PLANTS, _("Plants"), Permission.MANAGE_PLANTS, PlantsState.enter)
_guarded(branding_page, routes.ADMIN_BRANDING, _("Branding"), Permission.MANAGE_BRANDING, BrandingState.load)
_guarded(audit_page, routes.ADMIN_AUDIT, _("Audit log"), Permission.VIEW_AUDIT, AuditState.load)
_guarded(api_tokens_page, routes.ADMIN_API_TOKENS, _("API tokens"), Permission.MANAGE_API_TOKENS,
         ApiTokensState.enter)
_guarded(type_lists_page, routes.ADMIN_TYPE_LISTS, _("Type lists"), Permission.CONFIGURE, TypeListsState.enter)
_guarded(custom_fields_page, routes.ADMIN_CUSTOM_FIELDS, _("Custom fields"), Permission.CONFIGURE,
         CustomFieldsState.enter)
_guarded(form_layouts_page, routes.ADMIN_FORM_LAYOUTS, _("Form layouts"), Permission.CONFIGURE, FormLayoutsState.enter)
_guarded(notifications_page, routes.NOTIFICATIONS, _("Notifications"), Permission.VIEW, NotificationsState.enter)
_guarded(schedule_page, routes.SCHEDULE, _("Schedule"), Permission.PLAN, ScheduleState.enter)
_guarded(orders_page, routes.ORDERS, _("Orders"), Permission.PLAN, OrdersState.enter,
         OrderFormState.set_form_open(False), OrderDetailState.set_detail_open(False))
_guarded(work_orders_page, routes.WORK_ORDERS, _("Work orders"), Permission.PLAN, WorkOrdersState.enter,
         WorkOrderDetailState.set_detail_open(False))
_guarded(order_import_page, routes.ORDER_IMPORT, _("Import orders"), Permission.PLAN, OrderImportState.enter)
_guarded(products_page, routes.MASTER_PRODUCTS, _("Products"), Permission.PLAN, ProductsState.enter,
         BomState.set_open(False))
_guarded(routings_page, routes.MASTER_ROUTINGS, _("Routings"), Permission.PLAN, RoutingsState.enter)
_guarded(machines_page, routes.MASTER_MACHINES, _("Work centers & machines"), Permission.PLAN, ResourcesState.enter,
         RatesState.set_open(False))
_guarded(calendars_page, routes.MASTER_CALENDARS, _("Shift calendars"), Permission.PLAN, CalendarsState.enter)
_guarded(reason_codes_page, routes.MASTER_REASON_CODES, _("Reason codes"), Permission.PLAN, ReasonCodesState.enter)
_guarded(customers_page, routes.MASTER_CUSTOMERS, _("Customers"), Permission.PLAN, CustomersState.enter)
_guarded(operator_page, routes.OPERATOR, _("Operator"), Permission.RUN_JOBS, OperatorState.enter)
_guarded(operator_machine_page, routes.OPERATOR_MACHINE, _("Machine"), Permission.RUN_JOBS, OperatorMachineState.enter)
_guarded(scan_page, routes.SCAN, _("Scan"), Permission.SCAN, ScanState.enter)
_guarded(labels_page, routes.LABELS, _("Labels"), Permission.VIEW, LabelsState.enter)
_guarded(trace_page, routes.TRACE, _("Trace"), Permission.VIEW, TraceState.enter)
_guarded(lots_page, routes.LOTS, _("Lots"), Permission.VIEW, LotsState.enter, LotsState.close_detail(False),
         LotsState.close_receive(False))
_guarded(shipments_page, routes.SHIPMENTS, _("Shipments"), Permission.VIEW, ShipmentsState.enter,
         ShipmentsState.close_detail(False), ShipmentsState.close_create(False))
_guarded(dashboard_page, routes.DASHBOARD, _("Dashboard"), Permission.VIEW_DASHBOARDS, DashboardState.enter,
         DashboardState.close_drill)
app.add_page(andon_page, route=routes.ANDON, title=_title(_("Andon board")), on_load=AndonState.open)
_guarded(ncrs_page, routes.NCRS, _("NCRs"), Permission.VIEW, NcrsState.enter)
_guarded(ncr_detail_page, routes.NCR, _("NCR"), Permission.VIEW, NcrDetailState.enter)
_guarded(finance_page, routes.FINANCE, _("Finance"), Permission.FINANCE, FinanceState.enter)
_guarded(purchase_orders_page, routes.FINANCE_PURCHASE_ORDERS, _("Purchase orders"), Permission.FINANCE,
         PurchaseOrdersState.enter)
_guarded(purchase_orders_page, routes.STUDIO_PORTAL_ORDERS, _("Our orders"), Permission.STUDIO_PORTAL,
         PurchaseOrdersState.enter)
_guarded(invoices_page, routes.FINANCE_INVOICES, _("Invoices"), Permission.FINANCE, InvoicesState.enter)
_guarded(budgets_page, routes.FINANCE_BUDGETS, _("Budgets"), Permission.FINANCE, BudgetsState.enter)
_guarded(quality_dashboard_page, routes.QUALITY, _("Quality"), Permission.VIEW_DASHBOARDS, QualityDashboardState.enter)
_guarded(spc_page, routes.QUALITY_SPC, _("Control charts"), Permission.VIEW, SpcState.enter)
_guarded(inspect_page, routes.QUALITY_INSPECT, _("Inspect"), Permission.INSPECT, InspectState.enter)
_guarded(inspection_plans_page, routes.QUALITY_PLANS, _("Inspection plans"), Permission.VIEW, PlansState.enter)
_guarded(rejects_page, routes.QUALITY_REJECTS, _("Rejects and returns"), Permission.VIEW, RejectsState.enter)
_guarded(reject_detail_page, routes.QUALITY_REJECT, _("Reject"), Permission.VIEW, RejectDetailState.enter)
_guarded(sop_tickets_page, routes.SOP_TICKETS, _("SOP tickets"), Permission.VIEW, SopTicketsState.enter)
_guarded(sop_ticket_page, routes.SOP_TICKET, _("SOP ticket"), Permission.VIEW, SopTicketState.enter)
_guarded(studio_projects_page, routes.STUDIO, _("Studio projects"), Permission.VIEW, StudioProjectsState.load)
_guarded(studio_project_page, routes.STUDIO_PROJECT, _("Studio project"), Permission.VIEW, StudioProjectState.enter,
         BreakdownFormsState.enter, MilestonesState.enter)
_guarded(studio_partners_page, routes.STUDIO_PARTNERS, _("Studio partners"), Permission.VIEW, StudioPartnersState.load)
_guarded(project_people_page, routes.STUDIO_PEOPLE, _("Partners and members"), Permission.VIEW, ProjectPeopleState.enter)
_guarded(studio_kanban_page, routes.STUDIO_KANBAN, _("Kanban"), Permission.VIEW, StudioKanbanState.enter)
_guarded(timesheet_page, routes.STUDIO_TIMESHEET, _("Timesheet"), Permission.STUDIO_WORK, TimesheetState.enter)
_guarded(review_queue_page, routes.STUDIO_REVIEWS, _("Review queue"), Permission.VIEW, ReviewQueueState.enter)
_guarded(my_tasks_page, routes.STUDIO_MY_TASKS, _("My tasks"), Permission.STUDIO_WORK, MyTasksState.load)
_guarded(my_tasks_page, routes.STUDIO_PORTAL, _("Partner portal"), Permission.STUDIO_PORTAL, MyTasksState.load)
app.add_page(task_page, route=routes.STUDIO_TASK, title=_title(_("Studio task")),
             on_load=[TaskState.require_reader_or_partner, TaskState.enter, TaskAssignState.enter])
_guarded(cut_page, routes.STUDIO_CUT, _("Studio cut"), Permission.VIEW, CutState.enter)
_guarded(asset_page, routes.STUDIO_ASSET, _("Studio asset"), Permission.VIEW, AssetState.enter)
_guarded(maintenance_dashboard_page, routes.MAINTENANCE, _("Maintenance"), Permission.VIEW,
         MaintenanceDashboardState.enter)
_guarded(maintenance_tickets_page, routes.MAINTENANCE_TICKETS, _("Maintenance tickets"), Permission.VIEW,
         MaintenanceTicketsState.enter)
_guarded(maintenance_ticket_page, routes.MAINTENANCE_TICKET, _("Maintenance ticket"), Permission.VIEW,
         MaintenanceTicketState.enter, TicketWorkState.load)
_guarded(my_tickets_page, routes.MAINTENANCE_MY, _("My tickets"), Permission.MAINTAIN, MyTicketsState.load)
_guarded(report_page, routes.MAINTENANCE_REPORT, _("Report a breakdown"), Permission.VIEW, ReportState.enter)
_guarded(maintenance_plans_page, routes.MAINTENANCE_PLANS, _("Preventive plans"), Permission.VIEW,
         MaintenancePlansState.enter)
_guarded(maintenance_parts_page, routes.MAINTENANCE_PARTS, _("Spare parts"), Permission.VIEW,
         MaintenancePartsState.enter)
_guarded(maintenance_settings_page, routes.MAINTENANCE_SETTINGS, _("Maintenance settings"), Permission.VIEW,
         MaintenanceSettingsState.enter)
_guarded(maintenance_home_page, routes.MAINTENANCE_HOME, _("Maintenance"), Permission.VIEW, MaintenanceHomeState.load)
_guarded(machine_history_page, routes.MAINTENANCE_MACHINE, _("Machine history"), Permission.VIEW,
         MachineHistoryState.enter)
_guarded(documents_page, routes.DOCUMENTS, _("Documents"), Permission.VIEW, DocumentsState.enter)
_guarded(document_page, routes.DOCUMENT, _("Document"), Permission.VIEW, DocumentState.enter)
_guarded(change_orders_page, routes.CHANGE_ORDERS, _("Change orders"), Permission.VIEW, ChangeOrdersState.load)
_guarded(change_order_page, routes.CHANGE_ORDER, _("Change order"), Permission.VIEW, ChangeOrderState.enter)
_guarded(workflows_page, routes.ADMIN_WORKFLOWS, _("Workflows"), Permission.CONFIGURE, WorkflowsAdminState.enter)
