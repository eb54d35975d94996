"""/admin/workflows: shape the workflow of NCRs, SOP tickets, rejects, returns ... without code.
States (initial / done / rejected, due minutes, escalate to a role or the head of department),
transitions with their guards (roles, conditions, approvals, comment), a picture of the state
machine, the versions so far, and Save (a new version; entities in flight keep theirs)."""
from __future__ import annotations

import reflex as rx

from models.user import Role
from rxapp.components.master import select_control, table
from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, field_error, list_states, page_header
from rxapp.i18n import _
from rxapp.state.config.workflows import StateEdit, TransitionEdit, VersionRow
from rxapp.state.config.workflows import WorkflowsAdminState as S

ROLE_CHOICES = [(r.value, r.value) for r in Role]
APPROVALS = [("none", _("No approval")), ("any", _("Any one of")), ("all", _("All of"))]


def _err(prefix: str, i, key: str) -> rx.Component:
    return field_error(S.errors.get(prefix + i.to_string() + "." + key, ""))


def _text(value, on_blur, label: str, width: str = "100%", **props) -> rx.Component:
    return rx.input(default_value=value, on_blur=on_blur, aria_label=label, placeholder=label, size="2", width=width,
                    **props)


def _state(s: StateEdit, i) -> rx.Component:
    set_ = lambda f: (lambda v: S.set_state_field(i, f, v))  # noqa: E731
    return rx.table.row(
        rx.table.cell(_text(s.key, set_("key"), _("Key"), "110px"), _err("states.", i, "key")),
        rx.table.cell(_text(s.name, set_("name"), _("Name"), "160px"), _err("states.", i, "name")),
        rx.table.cell(rx.flex(
            rx.checkbox(_("Initial"), checked=s.is_initial, on_change=set_("is_initial")),
            rx.checkbox(_("Done"), checked=s.is_done, on_change=set_("is_done")),
            rx.checkbox(_("Rejected"), checked=s.is_rejected, on_change=set_("is_rejected")),
            direction="column", spacing="1"), _err("states.", i, "is_done")),
        rx.table.cell(_text(s.due_minutes, set_("due_minutes"), _("Minutes"), "90px", input_mode="numeric"),
                      _err("states.", i, "due_minutes")),
        rx.table.cell(rx.flex(
            select_control("escalate_to_role", ROLE_CHOICES, value=s.escalate_to_role, on_change=set_("escalate_to_role"),
                           placeholder=_("no role"), aria_label=_("Escalate to role")),
            rx.checkbox(_("Head of department"), checked=s.escalate_to_head, on_change=set_("escalate_to_head")),
            direction="column", spacing="1", min_width="150px")),
        rx.table.cell(rx.icon_button(rx.icon("trash-2", size=16), on_click=S.remove_state(i), variant="ghost",
                                     color_scheme="red", aria_label=_("Remove state"))),
        key=S.revision.to_string() + "-s-" + i.to_string(), data_testid="state-row",
    )


def _transition(t: TransitionEdit, i) -> rx.Component:
    set_ = lambda f: (lambda v: S.set_transition_field(i, f, v))  # noqa: E731
    states = rx.foreach(S.state_keys, lambda k: rx.el.option(k, value=k))
    pick = lambda name, value, label: rx.el.select(states, value=value, on_change=set_(name), aria_label=label,  # noqa: E731
                                                   style={"min_height": "36px", "width": "110px"})
    return rx.table.row(
        rx.table.cell(_text(t.key, set_("key"), _("Key"), "100px"), _err("transitions.", i, "key")),
        rx.table.cell(_text(t.name, set_("name"), _("Name"), "140px"), _err("transitions.", i, "name")),
        rx.table.cell(rx.flex(pick("from_state", t.from_state, _("From")), rx.text("→"),
                              pick("to_state", t.to_state, _("To")), align="center", spacing="1"),
                      _err("transitions.", i, "from_state"), _err("transitions.", i, "to_state")),
        rx.table.cell(_text(t.roles, set_("roles"), _("Roles, comma-separated"), "140px"),
                      _err("transitions.", i, "roles")),
        rx.table.cell(rx.text_area(default_value=t.conditions, on_blur=set_("conditions"), size="1", width="220px",
                                   placeholder=_("field filled | message; field max 0"), aria_label=_("Conditions")),
                      _err("transitions.", i, "conditions")),
        rx.table.cell(rx.flex(
            select_control("approval", APPROVALS, value=t.approval, on_change=set_("approval"), aria_label=_("Approval")),
            _text(t.approver_roles, set_("approver_roles"), _("Approver roles"), "140px"),
            direction="column", spacing="1"), _err("transitions.", i, "approval")),
        rx.table.cell(rx.checkbox(_("Comment"), checked=t.require_comment, on_change=set_("require_comment"))),
        rx.table.cell(rx.icon_button(rx.icon("trash-2", size=16), on_click=S.remove_transition(i), variant="ghost",
                                     color_scheme="red", aria_label=_("Remove transition"))),
        key=S.revision.to_string() + "-t-" + i.to_string(), data_testid="transition-row",
    )


def _version(v: VersionRow) -> rx.Component:
    return rx.table.row(rx.table.cell(v.version), rx.table.cell(v.name),
                        rx.table.cell(rx.cond(v.is_active, rx.badge(_("Active"), color_scheme="green"), "")),
                        rx.table.cell(v.created), rx.table.cell(v.open_instances))


def _editor() -> rx.Component:
    return rx.flex(
        rx.flex(
            rx.input(default_value=S.name, on_blur=S.set_name, size="3", aria_label=_("Workflow name"),
                     key=S.revision.to_string() + "-name", min_width="240px"),
            rx.button(rx.icon("save"), _("Save as new version"), on_click=S.save, size="3", min_height=TOUCH,
                      data_testid="save-workflow"),
            rx.button(_("Back to the default"), on_click=S.reset_default, variant="soft", size="3", min_height=TOUCH),
            spacing="2", wrap="wrap", align="center"),
        field_error(S.errors.get("states", "")),
        rx.card(rx.plotly(data=S.figure, config={"displayModeBar": False, "responsive": True}, width="100%"),
                width="100%", data_testid="workflow-graph"),
        rx.heading(_("States"), size="4"),
        table([_("Key"), _("Name"), _("Kind"), _("Due after (minutes)"), _("Escalate to"), ""],
              rx.foreach(S.states, _state)),
        rx.button(rx.icon("plus"), _("Add state"), on_click=S.add_state, variant="soft", min_height=TOUCH,
                  align_self="start"),
        rx.heading(_("Transitions"), size="4"),
        rx.text(_("From * means from any state that is not done or rejected. Conditions: 'field op value | message', "
                  "separated by ';' (ops: filled, empty, equals, not_equals, in, max); custom fields are custom.<key>."),
                size="2", color_scheme="gray"),
        table([_("Key"), _("Name"), _("From → to"), _("Roles"), _("Conditions"), _("Approval"), _("Needs"), ""],
              rx.foreach(S.transitions, _transition)),
        rx.button(rx.icon("plus"), _("Add transition"), on_click=S.add_transition, variant="soft", min_height=TOUCH,
                  align_self="start"),
        rx.heading(_("Versions"), size="4"),
        table([_("Version"), _("Name"), "", _("Saved"), _("Open items on it")], rx.foreach(S.versions, _version)),
        direction="column", spacing="3", width="100%",
    )


def workflows_page() -> rx.Component:
    return shell(
        page_header(_("Workflows"), _("How NCRs, SOP tickets, rejects and returns move from state to state.")),
        rx.box(select_control("entity_type", S.entity_options, value=S.entity_type, on_change=S.set_entity_type,
                              aria_label=_("Entity type")), max_width="280px", margin_bottom="12px"),
        list_states(S.loading, S.load_error, S.states.length() == 0, _("This workflow has no states."), S.load,
                    _editor()),
    )
