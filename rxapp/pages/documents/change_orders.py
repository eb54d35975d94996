"""/documents/change-orders and /documents/change-order?id=N: change orders, their revisions and products, and
the buttons of their workflow (submit, approve and release, reject, cancel)."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, error_state, list_states, page_header, text_input
from rxapp.i18n import _
from rxapp.state.documents.change_orders import ChangeOrdersState as L
from rxapp.state.documents.change_orders import ChangeOrderState as C
from rxapp.state.documents.change_orders import ItemLine, OrderRow


def _row(o: OrderRow) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.link(o.number, href=o.href)), rx.table.cell(o.title),
                        rx.table.cell(rx.badge(o.status, color_scheme=o.color, variant="soft")),
                        rx.table.cell(o.count), data_testid="change-order-row")


def change_orders_page() -> rx.Component:
    return shell(
        page_header(_("Change orders"), _("Change orders that release new document revisions together.")),
        rx.form(rx.flex(
            rx.box(form_field(_("Title"), text_input("title"), L.form_errors, "title"), flex="1", min_width="220px"),
            rx.box(form_field(_("Reason"), text_input("reason"), L.form_errors, "reason"), flex="2", min_width="220px"),
            rx.button(rx.icon("plus"), _("New change order"), type="submit", min_height=TOUCH, align_self="end"),
            spacing="2", wrap="wrap", margin_bottom="12px"), on_submit=L.create, reset_on_submit=False),
        list_states(L.loading, L.load_error, L.rows.length() == 0, _("No change orders yet."), L.load,
                    table([_("Number"), _("Title"), _("Status"), _("Items")], rx.foreach(L.rows, _row))),
    )


def _item(i: ItemLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.cond(i.href != "", rx.link(i.what, href=i.href), rx.text(i.what))),
        rx.table.cell(rx.badge(i.revision, color_scheme=i.color, variant="soft")), rx.table.cell(i.note),
        rx.table.cell(rx.cond(C.can_write & (C.status == "draft"),
                              rx.icon_button(rx.icon("x"), variant="ghost", on_click=C.remove(i.id),
                                             aria_label=_("Remove")))),
        data_testid="change-order-item")


def _actions() -> rx.Component:
    def button(label: str, action: str, icon: str, show, **props) -> rx.Component:
        return rx.cond(show, rx.button(rx.icon(icon), label, on_click=C.act(action), min_height=TOUCH,
                                       data_testid=f"change-order-{action}", **props))
    open_ = (C.status == "draft") | (C.status == "review")
    return rx.flex(
        rx.cond(open_, rx.text_area(value=C.comment, on_change=C.set_comment, rows="2", width="100%",
                                    placeholder=_("Comment (required to reject or cancel)"))),
        rx.flex(button(_("Submit for review"), "submit", "send", C.can_write & (C.status == "draft")),
                button(_("Approve and release"), "approve", "check", C.status == "review", color_scheme="green"),
                button(_("Reject"), "reject", "undo-2", C.status == "review", color_scheme="red", variant="soft"),
                button(_("Cancel change order"), "cancel", "ban", C.can_write & open_, color_scheme="gray",
                       variant="soft"),
                spacing="2", wrap="wrap"),
        direction="column", spacing="2", width="100%")


def _add_product() -> rx.Component:
    return rx.cond(C.can_write & (C.status == "draft"), rx.form(rx.flex(
        rx.box(select_control("product_id", C.products, placeholder=_("A product it changes"),
                              aria_label=_("Product")), min_width="220px"),
        rx.box(text_input("note", placeholder=_("What changes")), flex="1", min_width="160px"),
        rx.button(rx.icon("plus"), _("Add product"), type="submit", variant="soft", min_height=TOUCH),
        spacing="2", wrap="wrap", align="center"), on_submit=C.add_product, reset_on_submit=True))


def change_order_page() -> rx.Component:
    return shell(rx.cond(
        C.load_error != "", error_state(C.load_error, C.load),
        rx.flex(
            page_header(C.number + " · " + C.title, ""),
            rx.flex(rx.badge(C.status_label, color_scheme=C.color, variant="solid", data_testid="change-order-status"),
                    rx.cond(C.approved != "", rx.text(_("Approved"), ": ", C.approved, size="2")),
                    spacing="2", align="center"),
            rx.cond(C.reason != "", rx.text(C.reason, size="2", color_scheme="gray")),
            rx.cond(C.document_href != "", rx.link(_("Its document: revision and files"), href=C.document_href,
                                                   size="2", data_testid="change-order-document")),
            rx.text(_("Add draft revisions from their document's page."), size="2", color_scheme="gray"),
            table([_("Document or product"), _("Revision"), _("Note"), ""], rx.foreach(C.items, _item)),
            _add_product(), _actions(),
            direction="column", spacing="3", width="100%")))
