"""Small pieces shared by the master-data services (products, BOMs, customers, work centers,
routings, reason codes, calendars): who may write master data. How a change is stamped, audited and
announced (services/core/changes.py) and checked (services/core/validation.py) is re-exported here.

Invariants: organization-wide master data (products, BOMs, routings, customers, reason codes)
is written by PLAN holders; plant master data (work centers, machines, calendars) by
MANAGE_PLANTS or PLAN holders with access to that plant. Reading needs VIEW. Every write stamps
`updated_at/updated_by`, writes one audit entry and records one domain event.
"""
from __future__ import annotations

from services.core.access import Actor, Permission, require
from services.core.changes import announce, apply_changes, stamp, stamp_new
from services.core.errors import Forbidden
from services.core.messages import t
from services.core.scoping import visible_plant
from services.core.validation import decimal_problem, like_pattern, text_problem, to_decimal

# The generic write and check helpers live in services/core (changes, scoping, validation); master
# modules keep importing them from here, with the permission rules of master data below.
__all__ = ["announce", "apply_changes", "decimal_problem", "like_pattern", "require_plan", "require_plant_master",
           "require_view", "stamp", "stamp_new", "text_problem", "to_decimal", "visible_plant"]


def require_plan(actor: Actor) -> None:
    require(actor, Permission.PLAN)


def require_plant_master(actor: Actor, plant_id: int) -> None:
    """Work centers, machines and calendars: MANAGE_PLANTS or PLAN, at a plant the actor can see."""
    if not (Permission.MANAGE_PLANTS in actor.permissions or Permission.PLAN in actor.permissions):
        raise Forbidden(t("You are not allowed to do this: it needs the 'manage_plants' or 'plan' permission."))
    require(actor, Permission.VIEW, plant_id=plant_id)


def require_view(actor: Actor) -> None:
    require(actor, Permission.VIEW)
