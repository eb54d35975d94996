"""/documents/change-orders (the list, a new change order) and /documents/change-order?id=N (its items: the
document revisions it releases and the products it changes; submit, approve and release, reject, cancel). Rules
and access are services.documents.change_orders'; only writers and reviewers see change orders."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.documents.documents import STATUS_COLORS, status_text
from rxapp.state.master.common import Option, translated_fields
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError, Invalid
from services.documents import change_orders, targets
from services.documents.change_orders import ChangeOrderCreate, ChangeOrderRead

ORDER_LABELS = {"draft": _("Draft"), "review": _("In review"), "approved": _("Approved"), "cancelled": _("Cancelled")}
ORDER_COLORS = {"draft": "gray", "review": "amber", "approved": "green", "cancelled": "red"}


def order_status_text(status: str) -> str:
    """A change order's status in the person's language (ORDER_LABELS holds English ids, made at import)."""
    return _(ORDER_LABELS.get(status, status))


@dataclass
class OrderRow:
    id: int = 0
    number: str = ""
    title: str = ""
    status: str = ""
    color: str = "gray"
    count: int = 0
    href: str = ""


@dataclass
class ItemLine:
    id: int = 0
    what: str = ""                   # "DOC-000001 Cut bracket" or "P-100 Bracket"
    revision: str = ""               # "B · Draft"
    color: str = "gray"
    note: str = ""
    href: str = ""


def order_row(o: ChangeOrderRead) -> OrderRow:
    return OrderRow(id=o.id, number=o.number, title=o.title, status=order_status_text(o.status),
                    color=ORDER_COLORS.get(o.status, "gray"), count=len(o.items), href=routes.change_order_url(o.id))


class ChangeOrdersState(AuthState):
    rows: list[OrderRow] = []
    loading: bool = True
    load_error: str = ""
    form_errors: dict[str, str] = {}

    @rx.event
    def load(self):
        try:
            self.rows = [order_row(o) for o in self._use_case(change_orders.list_change_orders)]
        except DomainError as error:
            self.rows, self.loading, self.load_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.loading, self.load_error = False, ""
        return None

    @rx.event
    def create(self, form: dict):
        title = str(form.get("title", "")).strip()[:200]
        try:
            if not title:
                raise Invalid("Give the change order a title.", fields={"title": "Required."})
            made = self._use_case(change_orders.create_change_order,
                                  ChangeOrderCreate(title=title, reason=str(form.get("reason", ""))[:2000]), now=utcnow())
        except DomainError as error:
            self.form_errors = translated_fields(error)
            return self._refused(error)
        self.form_errors = {}
        return rx.redirect(routes.change_order_url(made.id))


class ChangeOrderState(AuthState):
    change_order_id: int = 0
    number: str = ""
    title: str = ""
    reason: str = ""
    status: str = ""
    status_label: str = ""
    color: str = "gray"
    approved: str = ""
    document_href: str = ""          # its document (kind change_order) with its revision and files
    items: list[ItemLine] = []
    products: list[Option] = []
    comment: str = ""
    load_error: str = ""

    @rx.var
    def can_write(self) -> bool:
        return "documents" in self.permissions

    @rx.event
    def enter(self):
        query = self.router.url.query_parameters if self.router and self.router.url else {}
        self.change_order_id, self.comment = as_id(query.get("id", "")), ""
        return ChangeOrderState.load

    @rx.event
    def load(self):
        try:
            order = self._use_case(change_orders.change_order, self.change_order_id)
            products = self._use_case(targets.choices, "product") if order.status == "draft" else []
        except DomainError as error:
            self.load_error = _(error.message)
            return self._refused(error, quiet=True)
        self.load_error = ""
        self.number, self.title, self.reason, self.status = order.number, order.title, order.reason, order.status.value
        self.status_label, self.color = order_status_text(self.status), ORDER_COLORS.get(self.status, "gray")
        self.approved = f"{self._when(order.approved_at)} · {order.approved_by_name}" if order.approved_at else ""
        self.document_href = routes.document_url(order.document_id) if order.document_id else ""
        self.items = [ItemLine(id=i.id, what=f"{i.document_number} {i.document_title}" if i.kind == "revision"
                               else f"{i.product_code} {i.product_name}",
                               revision=f"{i.revision_label} · {status_text(i.revision_status)}"
                               if i.kind == "revision" else _("Product"),
                               color=STATUS_COLORS.get(i.revision_status, "gray"), note=i.note,
                               href=routes.document_url(i.document_id) if i.document_id else "")
                      for i in order.items]
        self.products = [Option(value=str(i), label=label) for i, label in products]
        return None

    @rx.event
    def set_comment(self, value: str):
        self.comment = str(value)[:2000]

    @rx.event
    def act(self, action: str):
        use_cases = {"submit": change_orders.submit_change_order, "approve": change_orders.approve_change_order,
                     "reject": change_orders.reject_change_order, "cancel": change_orders.cancel_change_order}
        if action not in use_cases:
            return rx.toast.error(_("Choose what to do with the change order."))
        try:
            self._use_case(use_cases[action], self.change_order_id, comment=self.comment, now=utcnow())
        except DomainError as error:
            return self._refused(error)
        self.comment = ""
        return [rx.toast.success(_("Change order updated")), ChangeOrderState.load]

    @rx.event
    def add_product(self, form: dict):
        try:
            self._use_case(change_orders.add_product, self.change_order_id, as_id(form.get("product_id", "")),
                           note=str(form.get("note", ""))[:500], now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return ChangeOrderState.load

    @rx.event
    def remove(self, item_id: int):
        try:
            self._use_case(change_orders.remove_item, self.change_order_id, as_id(item_id), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        return ChangeOrderState.load
