"""The assignment form of /studio/task?id=N for studio managers: the task's slot or vendor, start and due
dates, the estimate and the task's custom fields. Through services/studio/tasks.update_task, which re-checks the actor
(STUDIO_MANAGE) and that the slot belongs to the task's project."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, custom_inputs, submitted_custom
from rxapp.state.master.common import Option, decimal_text, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import custom_field_views
from services.core.errors import DomainError, Invalid
from services.studio import members, partners, tasks
from services.studio.tasks import TaskUpdate


def _options(session, actor, task_id: int):
    task = tasks.get_task_read(session, actor, task_id)
    return (task, members.list_members(session, actor, task.project_id), partners.list_partners(session, actor),
            custom_field_views.form_inputs(session, actor, tasks.ENTITY, task.custom))


def _day(value) -> date | None:
    text = str(value or "").strip()
    return date.fromisoformat(text) if text else None


class TaskAssignState(AuthState):
    task_id: int = 0
    member_options: list[Option] = []
    vendor_options: list[Option] = []
    assignee: str = ""
    vendor: str = ""
    start_date: str = ""
    due_date: str = ""
    estimate: str = ""
    spent: str = ""
    errors: dict[str, str] = {}
    custom_inputs: list[CustomInput] = []

    @rx.var
    def can_assign(self) -> bool:
        return "studio_manage" in self.permissions and self.task_id > 0

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.task_id = as_id(query.get("id", ""))
        return self._load()

    def _load(self):
        self.errors = {}
        if "studio_manage" not in self.permissions:
            return None
        try:
            task, slots, vendors, fields = self._use_case(_options, self.task_id)
        except DomainError as error:
            self.task_id = 0
            return self._refused(error, quiet=True)
        self.member_options = [Option(value=str(m.id), label=f"{m.role_title} · {m.person_name or m.partner_name or '—'}")
                               for m in slots]
        self.vendor_options = [Option(value=str(p.id), label=p.name) for p in vendors]
        self.assignee = str(task.assignee_member_id or "")
        self.vendor = str(task.vendor_partner_id or "")
        self.start_date = task.start_date.isoformat() if task.start_date else ""
        self.due_date = task.due_date.isoformat() if task.due_date else ""
        self.estimate = decimal_text(task.estimate_hours)
        self.spent = f"{task.spent_minutes // 60}:{task.spent_minutes % 60:02d}"
        self.custom_inputs = custom_inputs(fields)
        return None

    @rx.event
    def save(self, form: dict):
        problems: dict[str, str] = {}
        try:
            estimate_text = str(form.get("estimate_hours", "")).strip().replace(",", ".")
            estimate = Decimal(estimate_text) if estimate_text else None
        except InvalidOperation:
            estimate, problems["estimate_hours"] = None, _("A number of hours, like 6 or 2.5.")
        try:
            start, due = _day(form.get("start_date")), _day(form.get("due_date"))
        except ValueError:
            start = due = None
            problems["due_date"] = _("Choose a date.")
        if problems:
            self.errors = problems
            return None
        data = TaskUpdate(assignee_member_id=as_id(form.get("assignee_member_id")) or None,
                          vendor_partner_id=as_id(form.get("vendor_partner_id")) or None,
                          start_date=start, due_date=due, estimate_hours=estimate,
                          custom=submitted_custom(form, self.custom_inputs))
        try:
            task = self._use_case(tasks.update_task, self.task_id, data, now=utcnow())
        except Invalid as error:
            self.errors = translated_fields(error)
            return None
        except DomainError as error:
            return self._refused(error)
        self._load()
        return rx.toast.success(_("{code}: assignment saved").format(code=task.entity_code))
