"""/quality/ncr?id=N: one NCR. Its state and what can happen next (each transition with the reason
it is not possible yet), its details in the organization's layout of the NCR form (as the raise form:
rxapp/components/form_sections.laid_out_form), the investigation (root-cause category and text), CAPA
actions with owners and due dates, a pending approval to answer, and the history."""
from __future__ import annotations

import reflex as rx

from rxapp import routes
from rxapp.components.form_sections import laid_out_form
from rxapp.components.master import form_field, select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, date_cell, error_state, field, loading, text_input
from rxapp.i18n import _
from rxapp.pages.quality.ncrs import severity_badge, state_badge
from rxapp.state.quality.ncr_detail import (
    LINK_WORDS,
    ActionRow,
    HistoryRow,
    TransitionButton,
)
from rxapp.state.quality.ncr_detail import NcrDetailState as S
from rxapp.state.quality.ncrs import SEVERITIES

N = S.ncr


def _header() -> rx.Component:
    return rx.box(
        rx.link(rx.flex(rx.icon("arrow-left", size=18), _("All NCRs"), align="center", spacing="1",
                        min_height=TOUCH), href=routes.NCRS, underline="none"),
        rx.flex(rx.heading(N.number, size="7", as_="h1"), severity_badge(N.severity),
                rx.box(state_badge(N.status_name, N.is_closed), data_testid="ncr-status"),
                rx.cond(N.escalated, rx.badge(_("Overdue, escalated"), color_scheme="red")),
                align="center", spacing="3", wrap="wrap"),
        rx.text(N.title, size="4", weight="medium"),
        rx.text(N.description, color_scheme="gray", white_space="pre-wrap"),
        rx.cond(~N.can_edit & (N.containment != ""),
                rx.text(_("Containment"), ": ", N.containment, color_scheme="gray", white_space="pre-wrap")),
        rx.flex(rx.cond(N.product != "", rx.text(_("Product"), ": ", N.product)),
                rx.cond(N.lot != "", rx.text(_("Lot"), ": ", N.lot)),
                rx.cond(N.quantity != "", rx.text(_("Quantity"), ": ", N.quantity)),
                rx.text(_("Detected"), ": ", N.detected),
                rx.cond(N.due != "", rx.text(_("Due in this state by"), ": ", N.due)),
                spacing="4", wrap="wrap", color_scheme="gray", size="2"),
        margin_bottom="16px",
    )


def _transition_button(t: TransitionButton, move) -> rx.Component:
    """A transition's button (outlined while a guard still stops it) with the reasons under it."""
    return rx.box(
        rx.button(t.name, rx.cond(t.needs_approval, rx.icon("user-check", size=16)),
                  on_click=move(t.key), size="3", min_height=TOUCH,
                  variant=rx.cond(t.allowed, "solid", "outline"), data_testid="transition-" + t.key),
        rx.cond(t.reasons != "", rx.text(t.reasons, size="1", color_scheme="gray", max_width="260px")),
    )


def _workflow_card() -> rx.Component:
    return rx.card(
        rx.heading(_("Next step"), size="4", margin_bottom="8px"),
        rx.cond(S.refusal != "", rx.callout.root(rx.callout.icon(rx.icon("ban")), rx.callout.text(S.refusal),
                                                  color_scheme="red", role="alert", margin_bottom="8px",
                                                  data_testid="refusal")),
        rx.cond(N.pending != "", rx.callout.root(
            rx.callout.text(_("Waiting for approval"), ": ", N.pending, " (", N.pending_missing, ")"),
            color_scheme="amber", margin_bottom="8px")),
        rx.input(placeholder=_("Comment (some steps need one)"), value=S.comment, on_change=S.set_comment, size="3",
                 width="100%", margin_bottom="8px", aria_label=_("Comment"), data_testid="comment"),
        rx.flex(rx.foreach(S.transitions, lambda t: _transition_button(t, S.move)), spacing="3", wrap="wrap"),
        rx.cond(S.can_approve, rx.flex(
            rx.button(_("Approve"), on_click=S.answer(True), color_scheme="green", size="3", min_height=TOUCH),
            rx.button(_("Decline"), on_click=S.answer(False), color_scheme="red", variant="soft", size="3",
                      min_height=TOUCH),
            spacing="3", margin_top="8px")),
        width="100%",
    )


def _details() -> rx.Component:
    """The NCR's own fields and custom values, laid out as the organization laid out the NCR form."""
    return rx.card(
        rx.heading(_("Details"), size="4", margin_bottom="8px"),
        rx.form(
            rx.flex(
                laid_out_form(S.form_sections, {
                    "plant_id": rx.text(N.plant, size="2", color_scheme="gray"),
                    "title": text_input("title", default_value=N.title),
                    "severity": select_control("severity", SEVERITIES, default_value=N.severity),
                    "description": rx.text_area(name="description", id="description", default_value=N.description,
                                                width="100%"),
                    "lot_reference": text_input("lot_reference", default_value=N.lot),
                    "quantity": text_input("quantity", default_value=N.quantity, input_mode="numeric"),
                    "containment": rx.text_area(name="containment", id="containment", default_value=N.containment,
                                                width="100%"),
                }, S.errors),
                rx.button(_("Save details"), type="submit", size="3", min_height=TOUCH, align_self="end",
                          data_testid="save-ncr-details"),
                direction="column", spacing="3",
            ),
            on_submit=S.save_details, reset_on_submit=False, key=N.id.to_string() + N.status + N.title,
        ),
        width="100%", data_testid="ncr-details",
    )


def _investigation() -> rx.Component:
    e = S.errors
    return rx.card(
        rx.heading(_("Investigation"), size="4", margin_bottom="8px"),
        rx.form(
            rx.flex(
                form_field(_("Root-cause category"), select_control("root_cause_category_id", S.cause_options,
                                                                    default_value=N.root_cause_category_id,
                                                                    placeholder="—", id="root_cause_category"),
                           e, "root_cause_category"),
                form_field(_("Root cause"), rx.text_area(name="root_cause", id="root_cause", default_value=N.root_cause,
                                                         width="100%"), e, "root_cause"),
                rx.cond(N.can_edit, rx.button(_("Save investigation"), type="submit", size="3", min_height=TOUCH,
                                              align_self="end")),
                direction="column", spacing="3",
            ),
            on_submit=S.save_investigation, reset_on_submit=False, key=N.id.to_string() + N.status,
        ),
        width="100%",
    )


def _action(a: ActionRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(a.kind), rx.table.cell(a.description), rx.table.cell(a.owner),
        date_cell(rx.text(a.due, color_scheme=rx.cond(a.is_overdue, "red", "gray"))),
        rx.table.cell(rx.cond(a.is_done, rx.badge(_("Done"), color_scheme="green"),
                              rx.cond(a.can_complete, rx.button(_("Mark done"), size="2", variant="soft",
                                                                on_click=S.complete(a.id), min_height=TOUCH,
                                                                data_testid="capa-done")))),
        data_testid="capa-row",
    )


def _actions() -> rx.Component:
    e = S.action_errors
    return rx.card(
        rx.heading(_("Corrective and preventive actions"), size="4", margin_bottom="8px"),
        rx.cond(S.actions.length() > 0,
                table([_("Kind"), _("Action"), _("Owner"), _("Due"), ""], rx.foreach(S.actions, _action)),
                rx.text(_("No actions yet."), color_scheme="gray")),
        rx.cond(N.can_edit, rx.form(
            rx.grid(
                field(_("Action"), rx.input(name="description", id="action_description", size="3"),  # "description":
                      e.get("description", ""), html_for="action_description"),                  # the NCR's own
                form_field(_("Kind"), select_control("kind", [("corrective", _("Corrective")),
                                                              ("preventive", _("Preventive"))],
                                                     default_value="corrective"), e, "kind"),
                form_field(_("Owner"), select_control("owner_user_id", S.people, default_value="", placeholder="—"),
                           e, "owner_user_id"),
                form_field(_("Due"), rx.input(type="date", name="due_date", id="due_date", size="3"), e, "due_date"),
                rx.button(_("Add action"), type="submit", size="3", min_height=TOUCH, align_self="end"),
                columns=rx.breakpoints(initial="1", md="5"), spacing="3", width="100%", margin_top="12px",
            ),
            on_submit=S.add_action, reset_on_submit=True,
        )),
        width="100%",
    )


def _links() -> rx.Component:
    e = S.link_errors
    return rx.card(
        rx.heading(_("Linked to"), size="4", margin_bottom="8px"),
        rx.foreach(S.links, lambda text: rx.text(text, data_testid="ncr-link-row")),
        rx.cond(N.can_edit, rx.form(
            rx.grid(
                form_field(_("Kind"), select_control("link_kind", list(LINK_WORDS.items()), default_value="lot"), e, "kind"),
                form_field(_("Number"), rx.input(name="reference", id="reference", size="3",
                                                 placeholder=_("Lot, reject or return number")), e, "reference"),
                rx.button(_("Link"), type="submit", size="3", min_height=TOUCH, align_self="end"),
                columns=rx.breakpoints(initial="1", md="3"), spacing="3", width="100%", margin_top="8px"),
            on_submit=S.add_link, reset_on_submit=True)),
        width="100%",
    )


def _history_row(h: HistoryRow) -> rx.Component:
    return rx.flex(rx.text(h.at, color_scheme="gray", size="2", min_width="130px"), rx.text.strong(h.who),
                   rx.text(h.what), rx.cond(h.comment != "", rx.text("“", h.comment, "”", color_scheme="gray")),
                   spacing="2", wrap="wrap", data_testid="history-row")


def ncr_detail_page() -> rx.Component:
    return shell(
        rx.cond(S.loading, loading(), rx.cond(
            S.load_error != "", error_state(S.load_error, S.load),
            rx.flex(_header(), rx.cond((S.transitions.length() > 0) | S.can_approve, _workflow_card()),
                    rx.cond(N.can_edit, _details()), _investigation(), _actions(), _links(),
                    rx.card(rx.heading(_("History"), size="4", margin_bottom="8px"),
                            rx.flex(rx.foreach(S.history, _history_row), direction="column", spacing="2"),
                            width="100%"),
                    direction="column", spacing="4", width="100%"))),
    )
