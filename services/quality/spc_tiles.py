"""SPC tiles for the live channel (services/kpi/live_tiles.py): a characteristic's control limits,
capability and point count, pushed when an inspection of it is recorded (or its baseline or alerts change).

Registered as the live kind "spc" from here, above kpi (kpi imports nothing of quality). The scope is the
characteristic's plant with the characteristic as its one parameter; it is subscribed only after the chart's
own access check (VIEW, the actor's organization and plants: another organization's characteristic is
NotFound), and read with a read-only reader of that plant.

Invariants: numbers are formatted here once for every subscriber (`number_text`, the SPC page's format too);
an event changes a scope only if it names the scope's characteristic.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from models.inspection import InspectionCharacteristic
from services.core import formats
from services.core.access import Actor, Permission, require
from services.core.errors import Invalid
from services.core.events import DomainEvent
from services.core.scoping import get_scoped
from services.kpi.live import Scope
from services.kpi.live_tiles import Tiles, register_kind
from services.quality import spc_charts

EVENT_PREFIXES = ("inspection.", "spc.")


def number_text(value: Decimal | float | None) -> str:
    """An SPC figure as the page and the live tiles show it (4 significant digits in the language and number
    format served, services/core/formats.significant; "—" when there is none)."""
    return "—" if value is None else formats.significant(value)


def spc_scope(session: Session, actor: Actor, params: dict[str, Any], now: datetime) -> Scope:
    try:
        characteristic_id = int(params.get("characteristic_id"))      # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Invalid("Choose a characteristic.", fields={"characteristic_id": "A number."}) from None
    require(actor, Permission.VIEW)
    c = get_scoped(session, actor, InspectionCharacteristic, characteristic_id, "Characteristic")   # NotFound
    return Scope("spc", actor.organization_id, c.plant_id, (("characteristic", characteristic_id),))


def reader(scope: Scope) -> Actor:
    """Read-only, the scope's organization and plant (used only for scopes `spc_scope` returned)."""
    return Actor(user_id=None, organization_id=scope.organization_id, plant_ids=frozenset({scope.plant_id}),
                 username="live:spc", api_token_id=0, token_permissions=frozenset({Permission.VIEW}))


def spc_tiles(session: Session, scope: Scope, now: datetime) -> Tiles:
    view = spc_charts.chart(session, reader(scope), dict(scope.params)["characteristic"])
    cap = view.capability
    values: Tiles = {"points": len(view.points), "center": number_text(view.center), "ucl": number_text(view.ucl),
                     "lcl": number_text(view.lcl), "baseline": str(view.baseline_points),
                     "last": number_text(view.points[-1].statistic) if view.points else "—"}
    if cap is not None:
        values.update({"cp": number_text(cap.cp), "cpk": number_text(cap.cpk), "cpm": number_text(cap.cpm),
                       "pp": number_text(cap.pp), "ppk": number_text(cap.ppk), "mean": number_text(cap.mean),
                       "sigma_within": number_text(cap.sigma_within), "sigma_overall": number_text(cap.sigma_overall)})
    return values


def spc_affected(scope: Scope, event: DomainEvent) -> bool:
    return event.name.startswith(EVENT_PREFIXES) and \
        event.payload.get("characteristic_id") == dict(scope.params)["characteristic"]


register_kind("spc", spc_scope, spc_tiles, affects=spc_affected, prefixes=EVENT_PREFIXES)
