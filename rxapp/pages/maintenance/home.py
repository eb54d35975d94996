"""/maintenance/home: the most urgent open tickets, the person's own, counts that call for action and links
to every maintenance page they may open. One column on a phone."""
from __future__ import annotations

import reflex as rx

from rxapp.components.shell import shell
from rxapp.components.ui import TOUCH, list_states, page_header
from rxapp.i18n import _
from rxapp.pages.maintenance.common import sla_badge
from rxapp.state.maintenance.home import HomeLink
from rxapp.state.maintenance.home import MaintenanceHomeState as H
from rxapp.state.maintenance.tickets import TicketRow


def _ticket(t: TicketRow) -> rx.Component:
    return rx.link(rx.card(
        rx.flex(rx.text.strong(t.number), rx.badge(t.priority, variant="soft"), rx.badge(t.status),
                spacing="2", align="center", wrap="wrap"),
        rx.text(t.machine, " · ", t.title),
        rx.flex(sla_badge(t.sla_state, t.sla_color, t.due_iso, t.remaining),
                rx.cond(t.assignee != "", rx.text(t.assignee, size="2", color_scheme="gray")),
                spacing="3", align="center", wrap="wrap"),
        width="100%"), href=t.href, underline="none", width="100%", data_testid="home-ticket")


def _link(link: HomeLink) -> rx.Component:
    return rx.link(rx.button(rx.icon(link.icon, size=18), link.label, variant="soft", size="3", min_height=TOUCH),
                   href=link.href, data_testid="home-link")


def _count(value, label: str) -> rx.Component:
    return rx.card(rx.heading(value, size="7"), rx.text(label, color_scheme="gray"), min_width="140px")


def maintenance_home_page() -> rx.Component:
    return shell(
        page_header(_("Maintenance"), _("What needs doing now, and where to do it.")),
        rx.flex(rx.foreach(H.links, _link), spacing="2", wrap="wrap", margin_bottom="12px"),
        list_states(H.loading, H.error, False, "", H.load, rx.flex(
            rx.flex(_count(H.open_count, _("open tickets")), _count(H.breached_count, _("SLA breached")),
                    _count(H.reorder_count, _("parts to reorder")), spacing="3", wrap="wrap"),
            rx.cond(H.mine.length() > 0, rx.fragment(
                rx.heading(_("My tickets"), size="5"),
                rx.foreach(H.mine, _ticket))),
            rx.heading(_("Most urgent"), size="5"),
            rx.cond(H.urgent.length() > 0, rx.foreach(H.urgent, _ticket),
                    rx.text(_("No open tickets."), color_scheme="gray")),
            direction="column", spacing="3", max_width="720px", width="100%")),
    )
