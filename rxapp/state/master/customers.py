"""Customers page state: list, search, create/edit dialog with field errors, deactivate, export."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import reflex as rx

from models.base import utcnow
from rxapp.i18n import _
from rxapp.state.master.common import MasterList, active_flag
from rxapp.state.org.auth import AuthState, as_id
from services.core.errors import DomainError
from services.master import customers as customer_service
from services.master.customers import (
    CUSTOMER_COLUMNS,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
)

FIELDS = ("code", "name", "email", "phone", "address", "name2", "name2_language")


@dataclass
class CustomerRow:
    id: int = 0
    code: str = ""
    name: str = ""                      # the main name (the form's)
    shown: str = ""                     # the name in the viewer's language
    other_name: str = ""                # the main name when the viewer sees the second one
    name2: str = ""
    name2_language: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    is_active: bool = True


def customer_row(c: CustomerRead) -> CustomerRow:
    shown = c.display_name or c.name
    return CustomerRow(id=c.id, code=c.code, name=c.name, shown=shown, other_name=c.name if shown != c.name else "",
                       name2=c.name2, name2_language=c.name2_language or "", email=c.email or "", phone=c.phone or "", address=c.address,
                       is_active=c.is_active)


class CustomersState(MasterList, AuthState):
    rows: list[CustomerRow] = []
    editing: CustomerRow = CustomerRow()

    _columns: ClassVar[list] = CUSTOMER_COLUMNS
    _export_name: ClassVar[str] = "customers"

    def _fetch(self, session, actor) -> list[CustomerRead]:
        return customer_service.list_customers(session, actor, search=self.search, active=active_flag(self.status))

    def _show(self, rows: list[CustomerRead]) -> None:
        self.rows = [customer_row(c) for c in rows]

    @rx.event
    def open_new(self):
        self.form_mode, self._edit_id, self.form_errors = "create", 0, {}
        self.editing, self.form_open = CustomerRow(), True

    @rx.event
    def open_edit(self, customer_id: int):
        try:
            customer = self._use_case(customer_service.get_customer, as_id(customer_id))
        except DomainError as error:
            return self._refused(error)
        self.form_mode, self._edit_id, self.form_errors = "edit", customer.id, {}
        self.editing, self.form_open = customer_row(customer), True

    @rx.event
    def save(self, form: dict):
        values = {k: str(form.get(k, "")) for k in FIELDS}
        try:
            if self.form_mode == "create":
                customer = self._use_case(customer_service.create_customer, CustomerCreate(**values), now=utcnow())
            else:
                customer = self._use_case(customer_service.update_customer, self._edit_id, CustomerUpdate(**values), now=utcnow())
        except DomainError as error:
            return self._form_failed(error)
        return self._saved(_("Customer saved") + f": {customer.code}")

    @rx.event
    def set_active(self, customer_id: int, active: bool):
        try:
            customer = self._use_case(customer_service.set_customer_active, as_id(customer_id), bool(active), now=utcnow())
        except DomainError as error:
            return self._refused(error)
        done = _("Reactivated") if customer.is_active else _("Deactivated")
        return [rx.toast.success(f"{done}: {customer.code}"), CustomersState.load]
