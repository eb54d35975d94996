"""NCR detail page state (/quality/ncr?id=N): the NCR, its workflow state with the transitions out
of it (and why one is not possible yet), the details form in the organization's layout of the NCR form
(title, severity, description, lot, quantity, containment and custom fields, as the raise form lays them out;
services/config/form_layouts.py), the investigation form (root cause), CAPA actions (add, mark done),
approvals, and the history. Every change is one service call; a refusal shows the service's message and
field errors."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.config.custom_field_inputs import CustomInput, submitted_custom
from rxapp.state.config.form_sections import FormSection, entity_form
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import type_lists
from services.core import formats
from services.core.errors import DomainError
from services.quality import capa, ncr_links
from services.quality import ncr as ncr_service
from services.quality.capa import CapaCreate
from services.quality.ncr import NcrDetail, NcrUpdate


@dataclass
class NcrView:
    id: int = 0
    number: str = ""
    plant: str = ""
    title: str = ""
    description: str = ""
    severity: str = ""
    status: str = ""
    status_name: str = ""
    is_closed: bool = False
    can_edit: bool = False
    product: str = ""
    lot: str = ""
    quantity: str = ""
    detected: str = ""
    containment: str = ""
    root_cause_category_id: str = ""
    root_cause_category: str = ""
    root_cause: str = ""
    due: str = ""
    escalated: bool = False
    pending: str = ""
    pending_missing: str = ""


@dataclass
class TransitionButton:
    key: str = ""
    name: str = ""
    to_state_name: str = ""
    allowed: bool = True
    reasons: str = ""
    needs_comment: bool = False
    needs_approval: bool = False


@dataclass
class ActionRow:
    id: int = 0
    kind: str = ""
    description: str = ""
    owner: str = ""
    due: str = ""
    is_done: bool = False
    is_overdue: bool = False
    note: str = ""
    can_complete: bool = False


@dataclass
class HistoryRow:
    at: str = ""
    who: str = ""
    what: str = ""
    comment: str = ""


STEP_WORDS = {"started": _("Raised"), "transition": _("Moved"), "requested": _("Asked for approval"),
              "approved": _("Approved"), "declined": _("Declined"), "escalated": _("Escalated (overdue)")}


LINK_WORDS = {"lot": _("Lot"), "internal_reject": _("Internal reject"), "customer_return": _("Customer return")}


def _view(d: NcrDetail, zone: str, plant: str) -> NcrView:
    n, w = d.ncr, d.workflow
    return NcrView(id=n.id, number=n.number, plant=plant, title=n.title, description=n.description, severity=n.severity,
                   status=n.status, status_name=n.status_name, is_closed=n.is_closed, can_edit=n.can_edit,
                   product=n.product_code or "",
                   lot=n.lot_reference, quantity="" if n.quantity is None else str(n.quantity),
                   detected=formats.moment(n.detected_at, zone, fmt="short"), containment=n.containment,
                   root_cause_category_id=str(n.root_cause_category_id or ""),
                   root_cause_category=n.root_cause_category or "", root_cause=n.root_cause,
                   due=formats.moment(w.due_at, zone, fmt="short"), escalated=w.escalated_at is not None,
                   pending=w.pending_transition_name or "", pending_missing=", ".join(w.approvals_missing))


def _history(d: NcrDetail, zone: str) -> list[HistoryRow]:
    rows = []
    for h in reversed(d.history):
        what = STEP_WORDS.get(h.kind, h.kind)
        if h.kind == "transition":
            what = f"{what}: {h.from_state} → {h.to_state}"
        elif h.transition:
            what = f"{what}: {h.transition}"
        rows.append(HistoryRow(at=formats.moment(h.at, zone, fmt="short"), who=h.username or _("system"), what=what,
                               comment=h.comment))
    return rows


class NcrDetailState(AuthState):
    ncr_id: int = 0
    ncr: NcrView = NcrView()
    transitions: list[TransitionButton] = []
    actions: list[ActionRow] = []
    links: list[str] = []
    history: list[HistoryRow] = []
    link_errors: dict[str, str] = {}
    can_approve: bool = False
    cause_options: list[Option] = []
    people: list[Option] = []
    comment: str = ""
    refusal: str = ""
    errors: dict[str, str] = {}
    action_errors: dict[str, str] = {}
    form_sections: list[FormSection] = []     # the details form as the organization laid out the NCR form
    custom_inputs: list[CustomInput] = []
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.ncr_id, self.loading, self.refusal, self.errors, self.comment = as_id(query.get("id", "")), True, "", {}, ""
        return NcrDetailState.load

    @rx.event
    def load(self):
        try:
            detail, causes, people = self._use_case(lambda s, a: (
                ncr_service.ncr_detail(s, a, self.ncr_id, today=utcnow().date()),
                type_lists.values(s, a, type_lists.ROOT_CAUSE_CATEGORIES), ncr_service.people(s, a)))
            self.custom_inputs, self.form_sections = entity_form(self._use_case, "ncr", detail.ncr.custom)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self._show(detail)
        self.cause_options = [Option(value=str(v.id), label=v.label) for v in causes]
        self.people = [Option(value=str(uid), label=name) for uid, name in people]
        self.loading, self.load_error = False, ""

    def _show(self, d: NcrDetail) -> None:
        zone = self._zone(d.ncr.plant_id)
        plant = next((f"{p.code} · {p.name}" for p in self.plants if p.id == d.ncr.plant_id), "")
        self.ncr, self.history, self.can_approve = _view(d, zone, plant), _history(d, zone), d.can_approve
        self.transitions = [TransitionButton(key=t.key, name=t.name, to_state_name=t.to_state_name, allowed=t.allowed,
                                             reasons=" ".join(t.reasons), needs_comment=t.require_comment,
                                             needs_approval=t.approval != "none") for t in d.transitions]
        self.links = [f"{LINK_WORDS.get(link.kind, link.kind)}: {link.reference}" for link in d.links]
        self.actions = [ActionRow(id=a.id, kind=a.kind, description=a.description, owner=a.owner_name or "",
                                  due=formats.day(a.due_date, fmt="short"), is_done=a.is_done, is_overdue=a.is_overdue,
                                  note=a.done_note, can_complete=a.can_complete) for a in d.actions]

    @rx.event
    def set_comment(self, value: str):
        self.comment = str(value or "")[:2000]

    @rx.event
    def save_details(self, form: dict):
        """The details form: the NCR's laid-out fields and its custom values, as the raise form has them."""
        quantity = str(form.get("quantity", "")).strip()
        if quantity and not quantity.isdigit():
            self.errors = {"quantity": _("A whole number above 0.")}
            return None
        data = NcrUpdate(title=str(form.get("title", "")), severity=str(form.get("severity", "")) or None,
                         description=str(form.get("description", "")), lot_reference=str(form.get("lot_reference", "")),
                         quantity=int(quantity) if quantity else None, containment=str(form.get("containment", "")),
                         custom=submitted_custom(form, self.custom_inputs))
        try:
            self._use_case(ncr_service.update_ncr, self.ncr_id, data, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors, self.refusal = {}, ""
        return [rx.toast.success(_("Saved")), NcrDetailState.load]

    @rx.event
    def save_investigation(self, form: dict):
        data = NcrUpdate(root_cause=str(form.get("root_cause", "")),
                         root_cause_category_id=as_id(form.get("root_cause_category_id", "")) or None)
        if "containment" in form:
            data.containment = str(form["containment"])
        try:
            self._use_case(ncr_service.update_ncr, self.ncr_id, data, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors, self.refusal = {}, ""
        return [rx.toast.success(_("Saved")), NcrDetailState.load]

    @rx.event
    def move(self, key: str):
        try:
            self._use_case(ncr_service.transition_ncr, self.ncr_id, str(key), comment=self.comment, now=utcnow())
        except DomainError as error:
            self.refusal = _(error.message)
            self.errors = translated_fields(error)
            return self._refused(error)
        self.refusal, self.errors, self.comment = "", {}, ""
        return [rx.toast.success(_("Done")), NcrDetailState.load]

    @rx.event
    def answer(self, approve: bool):
        try:
            self._use_case(ncr_service.approve_ncr, self.ncr_id, comment=self.comment, approve=bool(approve), now=utcnow())
        except DomainError as error:
            self.refusal = _(error.message)
            return self._refused(error)
        self.refusal, self.comment = "", ""
        return [rx.toast.success(_("Approved") if approve else _("Declined")), NcrDetailState.load]

    @rx.event
    def add_action(self, form: dict):
        due = str(form.get("due_date", "")).strip()
        try:
            from datetime import date
            due_date = date.fromisoformat(due) if due else None
        except ValueError:
            self.action_errors = {"due_date": _("Pick a date.")}
            return
        data = CapaCreate(description=str(form.get("description", "")), kind=str(form.get("kind", "corrective")),
                          owner_user_id=as_id(form.get("owner_user_id", "")) or None, due_date=due_date)
        try:
            self._use_case(capa.add_action, self.ncr_id, data, now=utcnow())
        except DomainError as error:
            self.action_errors = translated_fields(error)
            return self._refused(error)
        self.action_errors = {}
        return [rx.toast.success(_("Action added")), NcrDetailState.load]

    @rx.event
    def complete(self, action_id: int):
        try:
            self._use_case(capa.complete_action, as_id(action_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Action done")), NcrDetailState.load]

    @rx.event
    def add_link(self, form: dict):
        try:
            self._use_case(ncr_links.add_link, self.ncr_id, str(form.get("link_kind", "")),
                           reference=str(form.get("reference", "")), now=utcnow())
        except DomainError as error:
            self.link_errors = translated_fields(error)
            return self._refused(error)
        self.link_errors = {}
        return [rx.toast.success(_("Linked")), NcrDetailState.load]
