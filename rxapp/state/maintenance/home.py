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
from services.core.errors import DomainError
from services.maintenance import home

# The home's links in its own order: NAV's items (icon, permission), under a shorter label where one is given.
LINKS = [(routes.MAINTENANCE_TICKETS, _("Tickets")), (routes.MAINTENANCE_MY, ""), (routes.MAINTENANCE_REPORT, ""),
         (routes.MAINTENANCE_PLANS, ""), (routes.MAINTENANCE_PARTS, ""), (routes.MAINTENANCE, _("Dashboard")),
         (routes.MAINTENANCE_SETTINGS, _("Settings"))]


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
            allowed = {item.path: item for item in routes.nav_for(a.permissions)}
            return home.home(s, a, now=utcnow()), [HomeLink(href=path, icon=allowed[path].icon,
                                                            label=label or allowed[path].label)
                                                   for path, label in LINKS if path in allowed]
        try:
            found, self.links = self._use_case(read)
        except DomainError as error:
            self.urgent, self.mine, self.loading, self.error = [], [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.urgent, self.mine = [ticket_row(t) for t in found.urgent], [ticket_row(t) for t in found.mine]
        self.open_count, self.breached_count, self.reorder_count = found.open_count, found.breached_count, found.reorder_count
        self.loading, self.error = False, ""
        return None
