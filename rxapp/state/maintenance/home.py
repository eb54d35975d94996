"""/maintenance/home, where the "Maintenance" navigation entry lands: the open tickets of the person's plants
by SLA urgency, their own tickets, and links to the other maintenance pages they may open."""
from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _
from rxapp.state.maintenance.tickets import TicketRow, ticket_row
from rxapp.state.org.auth import AuthState
from services.core.access import Permission
from services.core.errors import DomainError
from services.maintenance import home

LINKS = [(routes.MAINTENANCE_TICKETS, "clipboard-list", _("Tickets"), Permission.VIEW),
         (routes.MAINTENANCE_MY, "wrench", _("My tickets"), Permission.MAINTAIN),
         (routes.MAINTENANCE_REPORT, "siren", _("Report a breakdown"), Permission.VIEW),
         (routes.MAINTENANCE_PLANS, "calendar-clock", _("Preventive plans"), Permission.VIEW),
         (routes.MAINTENANCE_PARTS, "package", _("Spare parts"), Permission.VIEW),
         (routes.MAINTENANCE, "activity", _("Dashboard"), Permission.VIEW_DASHBOARDS),
         (routes.MAINTENANCE_SETTINGS, "settings-2", _("Settings"), Permission.MAINTAIN)]


@dataclass
class HomeLink:
    href: str = ""
    icon: str = ""
    label: str = ""


class MaintenanceHomeState(AuthState):
    urgent: list[TicketRow] = []
    mine: list[TicketRow] = []
    open_count: int = 0
    breached_count: int = 0
    reorder_count: int = 0
    links: list[HomeLink] = []
    loading: bool = True
    error: str = ""

    @rx.event
    def load(self):
        def read(s, a):
            return home.home(s, a, now=utcnow()), [HomeLink(href=h, icon=i, label=label)
                                                    for h, i, label, p in LINKS if p in a.permissions]
        try:
            found, self.links = self._use_case(read)
        except DomainError as error:
            self.urgent, self.mine, self.loading, self.error = [], [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.urgent, self.mine = [ticket_row(t) for t in found.urgent], [ticket_row(t) for t in found.mine]
        self.open_count, self.breached_count, self.reorder_count = found.open_count, found.breached_count, found.reorder_count
        self.loading, self.error = False, ""
        return None
