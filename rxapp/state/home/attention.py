"""The home page's "needs attention now" cards: services.home.attention for the signed-in person, each kind
in words with its count, its first names and a link to the page they may open to handle it."""
from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from models.base import utcnow
from rxapp import routes
from rxapp.i18n import _, ngettext
from rxapp.state.org.auth import AuthState
from services.core.errors import DomainError
from services.home import Attention, attention

ICONS = {"machines_down": "octagon-x", "my_tickets": "wrench", "pm_due": "calendar-clock", "late_work": "clock-alert",
         "sla_breaches": "siren", "open_ncrs": "file-warning", "spc_alerts": "activity", "pos_to_approve": "stamp",
         "pos_to_receive": "package-open", "pos_to_settle": "calculator", "unpaid_settlements": "banknote",
         "overdue_invoices": "file-clock"}
COLORS = {"machines_down": "red", "my_tickets": "blue", "pm_due": "blue", "late_work": "orange", "sla_breaches": "red",
          "open_ncrs": "amber", "spc_alerts": "amber", "pos_to_approve": "blue", "pos_to_receive": "blue",
          "pos_to_settle": "blue", "unpaid_settlements": "amber", "overdue_invoices": "red"}
HREFS = {"my_tickets": routes.MAINTENANCE_MY, "pm_due": routes.MAINTENANCE_TICKETS, "open_ncrs": routes.NCRS,
         "spc_alerts": routes.QUALITY_SPC, "pos_to_approve": routes.FINANCE_PURCHASE_ORDERS,
         "pos_to_receive": routes.FINANCE_PURCHASE_ORDERS, "pos_to_settle": routes.FINANCE_PURCHASE_ORDERS,
         "unpaid_settlements": routes.FINANCE_PURCHASE_ORDERS, "overdue_invoices": routes.FINANCE_INVOICES}


@dataclass
class AttentionCard:
    kind: str = ""
    title: str = ""                  # "2 machines down"
    names: str = ""                  # "M-01, M-03"
    href: str = ""
    icon: str = "bell"
    color: str = "gray"
    more: list[str] = field(default_factory=list)


def _title(item: Attention) -> str:
    n = item.count
    return {
        "machines_down": ngettext("{n} machine down", "{n} machines down", n),
        "my_tickets": ngettext("{n} open maintenance ticket of yours", "{n} open maintenance tickets of yours", n),
        "pm_due": ngettext("{n} preventive maintenance due", "{n} preventive maintenances due", n),
        "late_work": ngettext("{n} work order past its due date", "{n} work orders past their due date", n),
        "sla_breaches": ngettext("{n} maintenance ticket past its SLA", "{n} maintenance tickets past their SLA", n),
        "open_ncrs": ngettext("{n} open NCR", "{n} open NCRs", n),
        "spc_alerts": ngettext("{n} SPC alert to acknowledge", "{n} SPC alerts to acknowledge", n),
        "pos_to_approve": ngettext("{n} purchase order to approve", "{n} purchase orders to approve", n),
        "pos_to_receive": ngettext("{n} purchase order to receive", "{n} purchase orders to receive", n),
        "pos_to_settle": ngettext("{n} purchase order with work to settle", "{n} purchase orders with work to settle",
                                  n),
        "unpaid_settlements": ngettext("{n} settlement to pay", "{n} settlements to pay", n),
        "overdue_invoices": ngettext("{n} customer invoice overdue", "{n} customer invoices overdue", n),
    }.get(item.kind, item.kind).format(n=n)


def _href(kind: str, permissions: list[str]) -> str:
    """The page where the person handles this kind (one their permissions open)."""
    if kind == "machines_down":
        return (routes.ANDON if "view_dashboards" in permissions
                else routes.MAINTENANCE if "maintain" in permissions else routes.OPERATOR)
    if kind == "late_work":          # the schedule needs PLAN; dashboard readers see delivery on the dashboard
        return routes.SCHEDULE if "plan" in permissions else routes.DASHBOARD
    if kind == "sla_breaches":
        return routes.MAINTENANCE_TICKETS if "maintain" in permissions else routes.MAINTENANCE
    return HREFS.get(kind, routes.HOME)


def card(item: Attention, permissions: list[str]) -> AttentionCard:
    return AttentionCard(kind=item.kind, title=_title(item), names=", ".join(item.names)
                         + (" …" if item.count > len(item.names) else ""), href=_href(item.kind, permissions),
                         icon=ICONS.get(item.kind, "bell"), color=COLORS.get(item.kind, "gray"))


class HomeState(AuthState):
    cards: list[AttentionCard] = []
    attention_loading: bool = True
    attention_error: str = ""

    @rx.event
    def load_attention(self):
        try:
            found = self._use_case(attention, now=utcnow())
        except DomainError as error:
            self.cards, self.attention_loading, self.attention_error = [], False, _(error.message)
            return self._refused(error, quiet=True)
        self.cards = [card(item, list(self.permissions)) for item in found]
        self.attention_loading, self.attention_error = False, ""
