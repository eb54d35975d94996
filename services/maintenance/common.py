"""Who may do what in maintenance, and small shared pieces (priorities, the machine of a ticket).

- raising a corrective ticket: RUN_JOBS (operators, from the phone portal), SUPERVISE (supervisors, also
  from an andon tile) or MAINTAIN at the machine's plant;
- working tickets (assign, accept, start, pause, done, labour, parts, checklist), plans, parts, SLA targets
  and the team: MAINTAIN at the plant; assigning also SUPERVISE;
- reading tickets and the machine history: VIEW at the plant; the KPIs: VIEW_DASHBOARDS or MAINTAIN.
Rows of other organizations and plants the actor cannot see are NotFound.
"""
from __future__ import annotations

from sqlmodel import Session, col, select

from models.base import pk
from models.maintenance import MaintenanceTicket
from models.resources import Machine
from models.user import Role, RoleAssignment, User, UserPlantAccess
from services.core.access import Actor, Permission, require
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.messages import as_message, t
from services.core.scoping import get_scoped

ENTITY = "maintenance_ticket"
PRIORITIES = ("critical", "high", "medium", "low")
KINDS = ("corrective", "preventive")
SOURCES = ("operator", "andon", "supervisor", "auto", "plan")
RAISE_PERMISSIONS = (Permission.RUN_JOBS, Permission.SUPERVISE, Permission.MAINTAIN)


def can_any(actor: Actor, permissions, plant_id: int) -> bool:
    return any(actor.can(p, plant_id=plant_id) for p in permissions)


def require_any(actor: Actor, permissions, plant_id: int, message: str) -> None:
    if not can_any(actor, permissions, plant_id):
        raise Forbidden(message)


def require_maintain(actor: Actor, plant_id: int) -> None:
    require_any(actor, (Permission.MAINTAIN,), plant_id, t("Only maintenance staff may do this at this plant."))


def require_kpis(actor: Actor, plant_id: int) -> None:
    require_any(actor, (Permission.VIEW_DASHBOARDS, Permission.MAINTAIN), plant_id,
                t("Maintenance KPIs need the 'view_dashboards' or 'maintain' permission at this plant."))


def machine_of(session: Session, actor: Actor, machine_id: int | None) -> Machine:
    return get_scoped(session, actor, Machine, machine_id, t("Machine"))


def check_priority(priority: str) -> str:
    if priority not in PRIORITIES:
        raise Invalid(fields={"priority": t("Choose one of {choices}.", choices=", ".join(PRIORITIES))})
    return priority


def is_technician(session: Session, organization_id: int, user_id: int, plant_id: int) -> bool:
    """An active user of the organization holding role maintenance (or admin) who may work at the plant."""
    user = session.get(User, user_id)
    if user is None or user.organization_id != organization_id or not user.is_active:
        return False
    roles = set(session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user_id)).all())
    if Role.ADMIN in roles or "admin" in roles:
        return True
    if not ({Role.MAINTENANCE, "maintenance"} & roles):
        return False
    return session.exec(select(UserPlantAccess.user_id).where(UserPlantAccess.user_id == user_id,
                                                              UserPlantAccess.plant_id == plant_id)).first() is not None


def technicians(session: Session, actor: Actor, plant_id: int) -> list[tuple[int, str]]:
    """(user id, name) of the people tickets of this plant can be assigned to."""
    rows = session.exec(select(User).join(RoleAssignment, col(RoleAssignment.user_id) == col(User.id)).join(
        UserPlantAccess, col(UserPlantAccess.user_id) == col(User.id)).where(
        User.organization_id == actor.organization_id, User.is_active == True,  # noqa: E712
        RoleAssignment.role == Role.MAINTENANCE, UserPlantAccess.plant_id == plant_id).order_by(User.username)).all()
    return list(dict.fromkeys((pk(u), u.full_name or u.username) for u in rows))


def readable_ticket(session: Session, actor: Actor, ticket_id: int | None) -> MaintenanceTicket:
    """A ticket the actor may read: VIEW, of their organization and one of their plants (else NotFound)."""
    require(actor, Permission.VIEW)
    return scoped_ticket(session, actor, ticket_id)


def scoped_ticket(session: Session, actor: Actor, ticket_id: int | None, *, what: str = t("Maintenance ticket"),
                  for_update: bool = False) -> MaintenanceTicket:
    """A ticket of the actor's organization, plants and (for a department-bound person) departments."""
    ticket = get_scoped(session, actor, MaintenanceTicket, ticket_id, what, for_update=for_update)
    if actor.department_ids is not None:
        machine = session.get(Machine, ticket.machine_id)
        if machine is None or not actor.sees_department(machine.department_id):
            raise NotFound(t("{what} not found.", what=as_message(what)))
    return ticket


def department_machines(actor: Actor):
    """A filter on a ticket's machine for a department-bound actor (None: no limit)."""
    if actor.department_ids is None:
        return None
    return col(MaintenanceTicket.machine_id).in_(
        select(Machine.id).where(col(Machine.department_id).in_(actor.department_ids or {-1})))
