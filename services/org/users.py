"""Users of an organization: create, edit, deactivate, reset password, roles and plant access.

Only admins (MANAGE_USERS) change users, and only in their own organization; plant access may only
name plants of that organization. Usernames are unique across Takt, lower-case. An admin cannot
deactivate themselves or remove their own admin role (an organization never locks itself out).
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.base import pk
from models.organization import Plant
from models.user import Role, RoleAssignment, User, UserPlantAccess
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.display_names import display_name, second_name, set_second_name
from services.core.errors import Conflict, Invalid
from services.core.events import record
from services.core.messages import t
from services.core.scoping import get_scoped
from services.core.search import matches
from services.core.validation import EMAIL_RE, USERNAME_RE, check
from services.org import events as org_events
from services.org import passwords
from services.org import settings as org_settings
from services.org.auth import revoke_sessions

NAME2_FIELDS = ("full_name2", "full_name2_language")


class UserCreate(BaseModel):
    username: str
    full_name: str = ""
    full_name2: str = ""                         # the name in a second language (services/core/display_names.py)
    full_name2_language: str | None = None       # en, ja or ko; None: what full_name2's script says
    email: str | None = None
    password: str
    roles: list[str] = Field(default_factory=list)
    plant_ids: list[int] = Field(default_factory=list)


class UserUpdate(BaseModel):
    full_name: str | None = None
    full_name2: str | None = None
    full_name2_language: str | None = None
    email: str | None = None
    roles: list[str] | None = None
    plant_ids: list[int] | None = None


class UserRead(BaseModel):
    id: int
    organization_id: int
    username: str
    full_name: str
    full_name2: str = ""
    full_name2_language: str | None = None
    display_name: str = ""                       # the full name in the viewer's language
    email: str | None
    is_active: bool
    roles: list[str]
    plant_ids: list[int]
    last_login_at: datetime | None
    created_at: datetime


def create_user(session: Session, actor: Actor, data: UserCreate, *, now: datetime) -> UserRead:
    require(actor, Permission.MANAGE_USERS)
    username = (data.username or "").strip().lower()
    problems: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        problems["username"] = t("Use 3 to 64 characters: lower-case letters, digits, dot, dash or underscore.")
    problems.update(_profile_problems(data.full_name, data.email))
    name2 = second_name(data.full_name2, data.full_name2_language, problems, fields=NAME2_FIELDS)
    pw_problem = org_settings.new_password_problem(session, actor.organization_id, data.password or "",
                                                   username=username, full_name=data.full_name,
                                                   full_name2=data.full_name2, email=data.email)
    if pw_problem:
        problems["password"] = pw_problem
    roles = _parse_roles(data.roles, problems)
    plant_ids = _check_plants(session, actor, data.plant_ids, problems)
    check(problems)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(t("The username '{username}' is taken.",
                         username=username), fields={"username": t("Already taken.")})
    user = User(organization_id=actor.organization_id, username=username, full_name=(data.full_name or "").strip(),
                full_name2=name2[0], full_name2_language=name2[1],
                email=(data.email or "").strip() or None, password_hash=passwords.hash_password(data.password),
                password_changed_at=now, created_at=now, updated_at=now, created_by=actor.user_id, updated_by=actor.user_id)
    try:
        with session.begin_nested():   # under row-level security other organizations' usernames are not visible
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(t("The username '{username}' is taken.",
                         username=username), fields={"username": t("Already taken.")}) from exc
    _replace_roles(session, pk(user), roles)
    _replace_plants(session, pk(user), plant_ids)
    audit(session, actor, "user", user.id, "create", {"username": username, "full_name": user.full_name,
          **({"full_name2": user.full_name2, "full_name2_language": user.full_name2_language} if user.full_name2 else {}),
          "email": user.email, "roles": sorted(roles), "plant_ids": sorted(plant_ids)}, at=now)
    record(session, org_events.UserCreated(organization_id=actor.organization_id, user_id=pk(user),
                                           actor_user_id=actor.user_id, at=now))
    return user_read(session, user)


def update_user(session: Session, actor: Actor, user_id: int, data: UserUpdate, *, now: datetime) -> UserRead:
    require(actor, Permission.MANAGE_USERS)
    user = get_scoped(session, actor, User, user_id, t("User"))
    before = user_read(session, user).model_dump(include={"full_name", "full_name2", "full_name2_language", "email",
                                                          "roles", "plant_ids"})
    problems = _profile_problems(data.full_name, data.email)
    name2 = second_name(data.full_name2, data.full_name2_language, problems, fields=NAME2_FIELDS,
                        current=(user.full_name2, user.full_name2_language))
    roles = _parse_roles(data.roles, problems) if data.roles is not None else None
    plant_ids = _check_plants(session, actor, data.plant_ids, problems) if data.plant_ids is not None else None
    if roles is not None and user.id == actor.user_id and Role.ADMIN not in roles:
        problems["roles"] = t("You cannot remove your own admin role.")
    check(problems)
    if data.full_name is not None:
        user.full_name = data.full_name.strip()
    set_second_name(user, *name2)
    if data.email is not None:
        user.email = data.email.strip() or None
    if roles is not None:
        _replace_roles(session, pk(user), roles)
    if plant_ids is not None:
        _replace_plants(session, pk(user), plant_ids)
    after = user_read(session, user)
    changes = {k: {"before": before[k], "after": v} for k, v in
               after.model_dump(include=set(before)).items() if before[k] != v}
    if not changes:
        return after
    user.updated_at, user.updated_by = now, actor.user_id
    session.add(user)
    audit(session, actor, "user", user.id, "update", changes, at=now)
    record(session, org_events.UserUpdated(organization_id=actor.organization_id, user_id=pk(user),
                                           fields=sorted(changes), actor_user_id=actor.user_id, at=now))
    return after


def set_active(session: Session, actor: Actor, user_id: int, active: bool, *, now: datetime) -> UserRead:
    """Deactivate (ending every session) or reactivate a user. Users are never deleted."""
    require(actor, Permission.MANAGE_USERS)
    user = get_scoped(session, actor, User, user_id, t("User"))
    if not active and user.id == actor.user_id:
        raise Invalid(t("You cannot deactivate yourself."), fields={"is_active": t("This is your own account.")})
    if user.is_active == active:
        return user_read(session, user)
    user.is_active = active
    user.updated_at, user.updated_by = now, actor.user_id
    session.add(user)
    if not active:
        revoke_sessions(session, pk(user), now=now)
    action = "activate" if active else "deactivate"
    audit(session, actor, "user", user.id, action, {"is_active": {"before": not active, "after": active}}, at=now)
    record(session, (org_events.UserActivated if active else org_events.UserDeactivated)(
        organization_id=actor.organization_id, user_id=pk(user), actor_user_id=actor.user_id, at=now))
    return user_read(session, user)


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str, *, now: datetime) -> UserRead:
    """An admin sets a new password for a user; the user's sessions end."""
    require(actor, Permission.MANAGE_USERS)
    user = get_scoped(session, actor, User, user_id, t("User"))
    org_settings.check_new_password(session, user, new_password or "")
    user.password_hash = passwords.hash_password(new_password)
    user.demo_password = False
    user.password_changed_at = now
    user.updated_at, user.updated_by = now, actor.user_id
    session.add(user)
    revoke_sessions(session, pk(user), now=now)
    audit(session, actor, "user", user.id, "reset_password", at=now)
    record(session, org_events.UserPasswordReset(organization_id=actor.organization_id, user_id=pk(user),
                                                 actor_user_id=actor.user_id, at=now))
    return user_read(session, user)


def get_user(session: Session, actor: Actor, user_id: int) -> UserRead:
    if actor.user_id != user_id:
        require(actor, Permission.MANAGE_USERS)
    return user_read(session, get_scoped(session, actor, User, user_id, t("User")))


def list_users(session: Session, actor: Actor, *, search: str = "", include_inactive: bool = True,
               active: bool | None = None, limit: int = 500, offset: int = 0) -> list[UserRead]:
    """Users of the actor's organization; `active` (when given) keeps only active or only inactive ones."""
    require(actor, Permission.MANAGE_USERS)
    query = select(User).where(User.organization_id == actor.organization_id)
    if search.strip():
        query = query.where(matches(search, User.username, User.full_name, User.full_name2, User.email))
    if active is not None:
        query = query.where(User.is_active == active)
    elif not include_inactive:
        query = query.where(User.is_active == True)  # noqa: E712
    users = session.exec(query.order_by(User.username).offset(offset).limit(limit)).all()
    return [user_read(session, u) for u in users]


def user_read(session: Session, user: User) -> UserRead:
    roles = sorted(session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)).all())
    plants = sorted(session.exec(select(UserPlantAccess.plant_id).where(UserPlantAccess.user_id == user.id)).all())
    return UserRead(id=user.id, organization_id=user.organization_id, username=user.username, full_name=user.full_name,
                    full_name2=user.full_name2, full_name2_language=user.full_name2_language,
                    display_name=display_name(user), email=user.email, is_active=user.is_active,
                    roles=[str(r) for r in roles], plant_ids=plants,
                    last_login_at=user.last_login_at, created_at=user.created_at)


def _profile_problems(full_name: str | None, email: str | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if len(full_name or "") > 200:
        problems["full_name"] = t("Use at most 200 characters.")
    if email and len(email.strip()) > 254:
        problems["email"] = t("Use at most 254 characters.")
    elif email and not EMAIL_RE.match(email.strip()):
        problems["email"] = t("This is not an email address.")
    return problems


def _parse_roles(values: list[str], problems: dict[str, str]) -> set[Role]:
    roles: set[Role] = set()
    unknown = []
    for value in values or []:
        try:
            roles.add(Role(str(value).strip().lower()))
        except ValueError:
            unknown.append(str(value))
    if unknown:
        problems["roles"] = t("Unknown role {value}. Known roles: {known}.",
                              value=", ".join(repr(u) for u in unknown), known=", ".join(r.value for r in Role))
    return roles


def organization_plants(session: Session, actor: Actor, plant_ids: list[int]) -> set[int]:
    """The ids among `plant_ids` that name plants of the actor's organization."""
    wanted = set(plant_ids or [])
    if not wanted:
        return wanted
    return {p for p in session.exec(select(Plant.id).where(col(Plant.id).in_(wanted),
                                                            Plant.organization_id == actor.organization_id)).all()
            if p is not None}


def _check_plants(session: Session, actor: Actor, plant_ids: list[int], problems: dict[str, str]) -> set[int]:
    wanted = set(plant_ids or [])
    found = organization_plants(session, actor, plant_ids)
    if wanted - found:
        problems["plant_ids"] = t("Unknown plant id(s): {value}.",
                                  value=', '.join(str(p) for p in sorted(wanted - found)))
    return found


def _replace_roles(session: Session, user_id: int, roles: set[Role]) -> None:
    existing = {r.role: r for r in session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user_id)).all()}
    for role, row in existing.items():
        if Role(role) not in roles:
            session.delete(row)
    for role in roles - {Role(r) for r in existing}:
        session.add(RoleAssignment(user_id=user_id, role=role))
    session.flush()


def _replace_plants(session: Session, user_id: int, plant_ids: set[int]) -> None:
    existing = {r.plant_id: r for r in session.exec(select(UserPlantAccess).where(UserPlantAccess.user_id == user_id)).all()}
    for plant_id, row in existing.items():
        if plant_id not in plant_ids:
            session.delete(row)
    for plant_id in plant_ids - set(existing):
        session.add(UserPlantAccess(user_id=user_id, plant_id=plant_id))
    session.flush()
