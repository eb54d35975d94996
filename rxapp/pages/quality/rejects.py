"""/quality/rejects: internal rejects and customer returns (CSV/Excel), operators' scrap reports
waiting for review (raise a reject from one), and "raise" for rejects found by quality or returns
from customers. /quality/reject: one case with its disposition, workflow moves, approval, history."""
from __future__ import annotations

import reflex as rx

from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import (
    TOUCH,
    dialog,
    field_error,
    form_buttons,
    list_states,
    page_header,
    text_input,
)
from rxapp.i18n import _
from rxapp.state.quality.rejects import (
    DISPOSITIONS,
    KINDS,
    CaseRow,
    MoveButton,
    ScrapRow,
    StepRow,
)
from rxapp.state.quality.rejects import RejectDetailState as D
from rxapp.state.quality.rejects import RejectsState as S


def _row(c: CaseRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(rx.text.strong(c.number), href=c.href, data_testid="case-link")),
        rx.table.cell(c.product), rx.table.cell(c.quantity), rx.table.cell(c.defect), rx.table.cell(c.lot),
        rx.table.cell(c.disposition),
        rx.table.cell(rx.badge(c.status, color_scheme=rx.cond(c.is_closed, "green", "blue"), variant="soft")),
        rx.table.cell(c.reported),
    )


def _scrap(r: ScrapRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r.when), rx.table.cell(r.work_order), rx.table.cell(r.product), rx.table.cell(r.quantity),
        rx.table.cell(r.note),
        rx.table.cell(rx.form(
            rx.flex(rx.el.input(type="hidden", name="event_id", value=r.event_id.to_string()),
                    rx.box(select_control("defect_code_id", S.defect_options, default_value="", placeholder=_("Defect"),
                                          id="defect_code_id-" + r.event_id.to_string(), aria_label=_("Defect")),
                           min_width="160px"),
                    rx.button(_("Raise reject"), type="submit", min_height=TOUCH, data_testid="raise-from-scrap"),
                    spacing="2", align="center"),
            on_submit=S.from_scrap)),
    )


def _dialog() -> rx.Component:
    e = S.form_errors
    return dialog(
        rx.cond(S.kind == "internal_reject", _("Raise an internal reject"), _("Record a customer return")),
        rx.form(
            rx.flex(
                form_field(_("Plant"), select_control("plant_id", S.plant_options, default_value="", placeholder="—"),
                           e, "plant_id"),
                form_field(_("Product"), select_control("product_id", S.product_options, default_value="",
                                                        placeholder="—"), e, "product_id"),
                form_field(_("Quantity"), text_input("quantity", input_mode="numeric"), e, "quantity"),
                form_field(_("Defect"), select_control("defect_code_id", S.defect_options, default_value="",
                                                       placeholder="—"), e, "defect_code_id"),
                form_field(_("Lot"), text_input("lot_reference"), e, "lot_reference"),
                rx.cond(S.kind == "customer_return",
                        form_field(_("Customer reference"), text_input("customer_reference"), e, "customer_reference")),
                form_field(_("Description"), rx.text_area(name="description", width="100%"), e, "description"),
                form_buttons(_("Save"), S.set_form_open(False)),
                direction="column", spacing="3",
            ),
            on_submit=S.save, reset_on_submit=False,
        ),
        open=S.form_open, on_open_change=S.set_form_open,
    )


def rejects_page() -> rx.Component:
    return shell(
        page_header(_("Rejects and returns"), _("Bad parts found in the plant or sent back by customers, and what happens to them."),
                    rx.cond(S.can_raise, rx.button(rx.icon("plus"), _("Raise"), on_click=S.open_new, min_height=TOUCH,
                                                   data_testid="raise-case"))),
        rx.flex(
            rx.segmented_control.root(*[rx.segmented_control.item(label, value=value) for value, label in KINDS],
                                      value=S.kind, on_change=S.set_kind, size="3"),
            rx.checkbox(_("Open only"), checked=S.show_open, on_change=S.set_show_open, size="3"),
            rx.button(rx.icon("download", size=16), "CSV", variant="soft", on_click=S.export("csv"), min_height=TOUCH),
            rx.button(rx.icon("sheet", size=16), "Excel", variant="soft", on_click=S.export("xlsx"), min_height=TOUCH),
            spacing="3", align="center", wrap="wrap", margin_bottom="12px",
        ),
        rx.cond(S.scrap.length() > 0, rx.box(
            rx.heading(_("Scrap reports to review"), size="4", margin_bottom="8px"),
            table([_("When"), _("Work order"), _("Product"), _("Scrap"), _("Note"), ""], rx.foreach(S.scrap, _scrap)),
            margin_bottom="16px", width="100%")),
        list_states(S.loading, S.load_error, S.rows.length() == 0, _("Nothing here. Raise one or change the filter."),
                    S.load, table([_("Number"), _("Product"), _("Quantity"), _("Defect"), _("Lot"), _("Disposition"),
                                   _("Status"), _("Reported")], rx.foreach(S.rows, _row))),
        _dialog(),
    )


def _move(m: MoveButton) -> rx.Component:
    return rx.tooltip(rx.button(m.name, on_click=D.move(m.key), disabled=~m.allowed, min_height=TOUCH,
                                data_testid="case-move"), content=rx.cond(m.reasons != "", m.reasons, m.name))


def _step(h: StepRow) -> rx.Component:
    return rx.table.row(rx.table.cell(h.when), rx.table.cell(h.who), rx.table.cell(h.what), rx.table.cell(h.comment))


def _detail() -> rx.Component:
    return rx.flex(
        rx.flex(rx.heading(D.number, size="6"), rx.badge(D.status_name, size="3",
                                                         color_scheme=rx.cond(D.is_closed, "green", "blue")),
                spacing="3", align="center"),
        rx.data_list.root(rx.foreach(D.summary, lambda kv: rx.data_list.item(rx.data_list.label(kv[0]),
                                                                             rx.data_list.value(kv[1])))),
        rx.cond(D.rework_operation != "", rx.callout(_("Rework operation created") + ": #" + D.rework_operation,
                                                     icon="wrench", color_scheme="green")),
        rx.cond(D.can_disposition, rx.card(
            rx.heading(_("Disposition"), size="3"),
            rx.form(rx.flex(
                rx.box(select_control("disposition", DISPOSITIONS, value=D.disposition, placeholder="—",
                                      aria_label=_("Disposition")), min_width="200px"),
                text_input("note", placeholder=_("Note"), aria_label=_("Note")),
                rx.button(_("Save disposition"), type="submit", min_height=TOUCH, data_testid="save-disposition"),
                spacing="2", align="center", wrap="wrap"), on_submit=D.save_disposition),
            field_error(D.errors.get("disposition", "")), field_error(D.errors.get("work_order_id", "")),
            width="100%")),
        rx.text_area(value=D.comment, on_change=D.set_comment, placeholder=_("Comment"), width="100%"),
        field_error(D.errors.get("comment", "")),
        rx.cond(D.pending != "", rx.callout(_("Waiting for approval") + ": " + D.pending, icon="hourglass")),
        rx.flex(rx.foreach(D.moves, _move),
                rx.cond(D.can_approve, rx.fragment(
                    rx.button(_("Approve"), color_scheme="green", on_click=D.answer(True), min_height=TOUCH,
                              data_testid="case-approve"),
                    rx.button(_("Decline"), color_scheme="red", variant="soft", on_click=D.answer(False),
                              min_height=TOUCH))),
                spacing="2", wrap="wrap"),
        rx.heading(_("History"), size="4"),
        table([_("When"), _("Who"), _("What"), _("Comment")], rx.foreach(D.history, _step)),
        direction="column", spacing="3", width="100%",
    )


def reject_detail_page() -> rx.Component:
    return shell(list_states(D.loading, D.load_error, D.number == "", _("Not found."), D.load, _detail()))
