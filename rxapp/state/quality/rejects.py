"""/quality/rejects and /quality/reject state: internal rejects and customer returns (a tab each),
operators' scrap reports waiting for review, the "raise" dialog, and one case's page with its
disposition, workflow moves, approval and history. Everything goes through services/quality/rejects.py."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.master.common import Option, download, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.config import type_lists
from services.core import formats
from services.core.errors import DomainError
from services.org import plants
from services.quality import rejects
from services.quality.rejects import DISPOSITION_LABELS, CaseCreate, CaseDetail

DISPOSITIONS = [(d.value, label) for d, label in DISPOSITION_LABELS.items()]
KINDS = [(rejects.REJECT, _("Internal rejects")), (rejects.RETURN, _("Customer returns"))]
COLUMNS = [("number", _("Number")), ("product", _("Product")), ("quantity", _("Quantity")), ("defect", _("Defect")),
           ("lot", _("Lot")), ("work_order", _("Work order")), ("disposition", _("Disposition")),
           ("status", _("Status")), ("reported_at", _("Reported")), ("customer", _("Customer"))]


@dataclass
class CaseRow:
    id: int = 0
    number: str = ""
    product: str = ""
    quantity: int = 0
    defect: str = ""
    lot: str = ""
    disposition: str = ""
    status: str = ""
    is_closed: bool = False
    reported: str = ""
    href: str = ""


@dataclass
class ScrapRow:
    event_id: int = 0
    when: str = ""
    work_order: str = ""
    product: str = ""
    quantity: int = 0
    note: str = ""


def case_url(kind: str, case_id: int) -> str:
    return f"{routes.QUALITY_REJECT}?kind={kind}&id={int(case_id)}"


class RejectsState(AuthState):
    kind: str = rejects.REJECT
    rows: list[CaseRow] = []
    scrap: list[ScrapRow] = []
    show_open: bool = True
    defect_options: list[Option] = []
    plant_options: list[Option] = []
    product_options: list[Option] = []
    form_open: bool = False
    form_errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""
    can_raise: bool = False          # raise a case, or one from a scrap report (quality staff)

    @rx.event
    def enter(self):
        self.loading, self.form_open = True, False
        return RejectsState.load

    @rx.event
    def load(self):
        try:
            rows, scrap, codes, self.can_raise = self._use_case(lambda s, a: (
                rejects.list_cases(s, a, self.kind, open_only=self.show_open),
                [r for p in plants.list_plants(s, a) for r in rejects.scrap_reports_to_review(s, a, plant_id=p.id, limit=20)]
                if self.kind == rejects.REJECT and rejects.may_raise(a) else [],
                type_lists.values(s, a, type_lists.DEFECT_CODES), rejects.may_raise(a)))
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self.rows = [CaseRow(id=c.id, number=c.number, product=c.product_code, quantity=c.quantity, defect=c.defect_code,
                             lot=c.lot_reference, disposition=c.disposition or "", status=c.status,
                             is_closed=c.is_closed, reported=formats.day_at(c.reported_at, self._zone(c.plant_id)),
                             href=case_url(self.kind, c.id))
                     for c in rows]
        self.scrap = [ScrapRow(event_id=r.event_id, when=self._when(r.occurred_at), work_order=r.work_order_number,
                               product=r.product_code, quantity=r.quantity, note=r.note) for r in scrap]
        self.defect_options = [Option(value=str(v.id), label=f"{v.code} · {v.label}") for v in codes]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_kind(self, value: str | list[str]):
        value = value[0] if isinstance(value, list) and value else value
        self.kind = value if value in (rejects.REJECT, rejects.RETURN) else rejects.REJECT
        return RejectsState.load

    @rx.event
    def set_show_open(self, value: bool):
        self.show_open = bool(value)
        return RejectsState.load

    @rx.event
    def export(self, fmt: str):
        try:
            rows = self._use_case(lambda s, a: rejects.list_cases(s, a, self.kind, open_only=self.show_open))
        except DomainError as error:
            return self._refused(error)
        return download(rejects.export_rows(rows), COLUMNS, self.kind, "xlsx" if fmt == "xlsx" else "csv")

    @rx.event
    def from_scrap(self, form: dict):
        try:
            case = self._use_case(lambda s, a: rejects.reject_from_scrap(
                s, a, as_id(form.get("event_id", "")), defect_code_id=as_id(form.get("defect_code_id", "")), now=utcnow()))
        except DomainError as error:
            return self._refused(error)
        return [rx.toast.success(_("Reject raised") + f": {case.number}"), rx.redirect(case_url(rejects.REJECT, case.id))]

    @rx.event
    def open_new(self):
        from services.master import products
        try:
            sites, items = self._use_case(lambda s, a: (plants.list_plants(s, a), products.list_products(s, a)))
        except DomainError as error:
            return self._refused(error)
        self.plant_options = [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in sites]
        self.product_options = [Option(value=str(p.id), label=f"{p.code} · {p.name}") for p in items]
        self.form_errors, self.form_open = {}, True

    @rx.event
    def set_form_open(self, value: bool):
        self.form_open = bool(value)

    @rx.event
    def save(self, form: dict):
        quantity = str(form.get("quantity", "")).strip()
        try:
            data = CaseCreate(plant_id=as_id(form.get("plant_id", "")), product_id=as_id(form.get("product_id", "")),
                              quantity=int(quantity) if quantity.isdigit() else 0,
                              defect_code_id=as_id(form.get("defect_code_id", "")),
                              lot_reference=str(form.get("lot_reference", "")),
                              description=str(form.get("description", "")),
                              customer_reference=str(form.get("customer_reference", "")))
            create = rejects.create_reject if self.kind == rejects.REJECT else rejects.create_return
            case = self._use_case(create, data, now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_open, self.form_errors = False, {}
        return [rx.toast.success(case.number), rx.redirect(case_url(self.kind, case.id))]


@dataclass
class MoveButton:
    key: str = ""
    name: str = ""
    allowed: bool = True
    reasons: str = ""


@dataclass
class StepRow:
    when: str = ""
    who: str = ""
    what: str = ""
    comment: str = ""


class RejectDetailState(AuthState):
    kind: str = rejects.REJECT
    case_id: int = 0
    number: str = ""
    summary: list[list[str]] = []
    disposition: str = ""
    status_name: str = ""
    is_closed: bool = False
    can_disposition: bool = False
    pending: str = ""
    can_approve: bool = False
    rework_operation: str = ""
    moves: list[MoveButton] = []
    history: list[StepRow] = []
    comment: str = ""
    errors: dict[str, str] = {}
    loading: bool = True
    load_error: str = ""

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.kind = query.get("kind", rejects.REJECT) if query.get("kind") in (rejects.REJECT, rejects.RETURN) else rejects.REJECT
        self.case_id, self.loading, self.errors, self.comment = as_id(query.get("id", "")), True, {}, ""
        return RejectDetailState.load

    @rx.event
    def load(self):
        try:
            detail = self._use_case(rejects.case_detail, self.kind, self.case_id)
        except DomainError as error:
            self.loading, self.load_error = False, _(error.message)
            return self._refused(error, quiet=True)
        self._show(detail)

    def _show(self, d: CaseDetail) -> None:
        c = d.case
        self.number, self.disposition, self.is_closed = c.number, c.disposition or "", c.is_closed
        self.can_disposition = c.can_disposition
        self.status_name, self.can_approve = d.instance.state_name, d.can_approve
        self.pending = d.instance.pending_transition_name or ""
        self.rework_operation = str(c.rework_operation_id or "")
        self.summary = [[_("Product"), f"{c.product_code} {c.product_name}"], [_("Quantity"), str(c.quantity)],
                        [_("Defect"), c.defect_code], [_("Lot"), c.lot_reference or "—"],
                        [_("Work order"), c.work_order_number or "—"], [_("Description"), c.description or "—"],
                        [_("Reported"), self._when(c.reported_at, c.plant_id)]]
        if c.customer_name or c.customer_reference:
            self.summary.append([_("Customer"), f"{c.customer_name} {c.customer_reference}".strip()])
        self.moves = [MoveButton(key=t.key, name=t.name, allowed=t.allowed, reasons="; ".join(t.reasons))
                      for t in d.transitions]
        self.history = [StepRow(when=self._when(h.at, c.plant_id), who=h.username or "", comment=h.comment,
                                what=" ".join(x for x in (h.kind, h.transition or "", h.to_state or "") if x))
                        for h in d.history]
        self.loading, self.load_error = False, ""

    @rx.event
    def set_comment(self, value: str):
        self.comment = str(value or "")[:2000]

    @rx.event
    def save_disposition(self, form: dict):
        try:
            self._use_case(rejects.set_disposition, self.kind, self.case_id, str(form.get("disposition", "")),
                           note=str(form.get("note", "")), now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors = {}
        return [rx.toast.success(_("Disposition saved")), RejectDetailState.load]

    @rx.event
    def move(self, key: str):
        try:
            detail = self._use_case(rejects.transition_case, self.kind, self.case_id, key, comment=self.comment, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors, self.comment = {}, ""
        self._show(detail)

    @rx.event
    def answer(self, approve: bool):
        try:
            detail = self._use_case(rejects.answer_approval, self.kind, self.case_id, approve=bool(approve),
                                    comment=self.comment, now=utcnow())
        except DomainError as error:
            self.errors = translated_fields(error)
            return self._refused(error)
        self.errors, self.comment = {}, ""
        self._show(detail)
