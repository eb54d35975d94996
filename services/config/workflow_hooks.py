"""How entities plug into the workflow engine, and who hears about their steps.

An entity type registers its hooks with `register_entity` when its module is imported; the modules
in `ENTITY_MODULES` are imported on first need, so a system job (escalation) finds the hooks of every
entity type without importing the domains above config. Partner accounts (STUDIO_PORTAL, no VIEW)
take part only in `PORTAL_ENTITY_TYPES`; their own service checks what is shared with them.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from models.workflow import WorkflowInstance
from services.config.notifications import notify_people
from services.core.access import Actor, Permission, require


@dataclass(frozen=True)
class Entered:
    """The state an instance has just entered, as the engine hands it to an entity's `on_state`."""
    state: str
    closed: bool                # done or rejected
    done: bool
    rejected: bool
    at: datetime                # the move's own time (the instance's entered_at)


@dataclass(frozen=True)
class EntityHooks:
    fields: Callable[[Session, int], dict[str, Any]] | None = None
    on_state: Callable[[Session, int, Entered], None] | None = None
    label: Callable[[Session, int], str] | None = None        # "NCR-000012" in notifications
    watchers: Callable[[Session, int], list[int]] | None = None   # told of every transition
    link: Callable[[int], str] | None = None                  # a page path for notifications


_HOOKS: dict[str, EntityHooks] = {}
# Modules that register hooks for an entity type, imported on first need (e.g. by escalate_due).
ENTITY_MODULES: dict[str, str] = {"ncr": "services.quality.ncr", "sop_ticket": "services.quality.sop_tickets",
                                  "internal_reject": "services.quality.rejects", "customer_return": "services.quality.rejects",
                                  "studio_task": "services.studio.tasks",
                                  "maintenance_ticket": "services.maintenance.tickets",
                                  "purchase_order": "services.finance.po_approval",
                                  "document_revision": "services.documents.revisions",
                                  "change_order": "services.documents.change_orders"}


# Entity types partner accounts (STUDIO_PORTAL, no VIEW) may move; their own service checks what is shared.
PORTAL_ENTITY_TYPES = {"studio_task"}


def require_participant(actor: Actor, entity_type: str, *, plant_id: int | None = None) -> None:
    if entity_type in PORTAL_ENTITY_TYPES and Permission.STUDIO_PORTAL in actor.permissions:
        require(actor, Permission.STUDIO_PORTAL, plant_id=plant_id)
        return
    require(actor, Permission.VIEW, plant_id=plant_id)


def register_entity(entity_type: str, *, fields=None, on_state=None, label=None, link=None, watchers=None) -> None:
    _HOOKS[entity_type] = EntityHooks(fields=fields, on_state=on_state, label=label, link=link, watchers=watchers)


def hooks_of(entity_type: str) -> EntityHooks:
    if entity_type not in _HOOKS and entity_type in ENTITY_MODULES:
        importlib.import_module(ENTITY_MODULES[entity_type])
    return _HOOKS.get(entity_type, EntityHooks())


def entity_fields(session: Session, entity_type: str, entity_id: int, data: dict | None) -> dict[str, Any]:
    hooks = hooks_of(entity_type)
    values = dict(hooks.fields(session, entity_id)) if hooks.fields else {}
    values.update(data or {})
    return values


def entity_label(session: Session, inst: WorkflowInstance) -> str:
    hooks = hooks_of(inst.entity_type)
    return hooks.label(session, inst.entity_id) if hooks.label else f"{inst.entity_type} #{inst.entity_id}"


def notify_about(session: Session, inst: WorkflowInstance, *, title: str, body: str = "", kind: str = "info",
                 user_ids=(), roles=(), now: datetime) -> None:
    hooks = hooks_of(inst.entity_type)
    notify_people(session, organization_id=inst.organization_id, title=title, body=body,
                  link=hooks.link(inst.entity_id) if hooks.link else "", kind=kind, user_ids=user_ids, roles=roles,
                  plant_id=inst.plant_id, entity_type=inst.entity_type, entity_id=inst.entity_id, now=now)
