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

ICONS = {"machines_down": "octagon-x", "late_work": "clock-alert", "sla_breaches": "siren",
         "open_ncrs": "file-warning", "spc_alerts": "activity"}
COLORS = {"machines_down": "red", "late_work": "orange", "sla_breaches": "red", "open_ncrs": "amber",
          "spc_alerts": "amber"}


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
        "late_work": ngettext("{n} work order past its due date", "{n} work orders past their due date", n),
        "sla_breaches": ngettext("{n} maintenance ticket past its SLA", "{n} maintenance tickets past their SLA", n),
        "open_ncrs": ngettext("{n} open NCR", "{n} open NCRs", n),
        "spc_alerts": ngettext("{n} SPC alert to acknowledge", "{n} SPC alerts to acknowledge", n),
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
    return {"open_ncrs": routes.NCRS, "spc_alerts": routes.QUALITY_SPC}.get(kind, routes.HOME)


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
