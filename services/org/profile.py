"""What a signed-in person sees about themselves: who they are, their organization, roles,
permissions, plants with departments, their organization's branding, and whether demo users remain
(services/org/demo_users.py).

A read model for the app shell and the home page. It shows only the actor's own organization and
the plants the actor may work in (all of the organization's plants for admins).
"""
from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from models.base import pk
from models.organization import Organization
from models.user import User
from services.core.access import Actor
from services.core.display_names import display_name
from services.core.errors import Unauthorized
from services.core.messages import t
from services.org.branding import BrandingRead, branding_for_org
from services.org.demo_users import demo_users, must_change_password
from services.org.languages import organization_formats
from services.org.plants import DepartmentRead, PlantRead, list_departments, list_plants


class PlantWithDepartments(PlantRead):
    departments: list[DepartmentRead]


class ProfileRead(BaseModel):
    user_id: int
    username: str
    full_name: str
    email: str | None
    organization_id: int
    organization_name: str
    roles: list[str]
    custom_roles: list[str] = []              # the organization's own roles granted to the person at a plant
    permissions: list[str]
    plants: list[PlantWithDepartments]
    branding: BrandingRead
    password_change_required: bool = False    # on the demo's published password outside demo mode
    demo_users: list[str] = []                # the organization's users still on the demo password
    language: str | None = None               # the person's own language; None: the organization's
    organization_language: str | None = None  # the organization's default; None: the browser's
    number_format: str | None = None          # the organization's (services/core/formats.SEPARATORS); None: the locale's




def get_profile(session: Session, actor: Actor) -> ProfileRead:
    if actor.user_id is None:
        raise Unauthorized(t("Only a person has a profile."))
    user = session.get(User, actor.user_id)
    org = session.get(Organization, actor.organization_id)
    if user is None or org is None:
        raise Unauthorized(t("Only a person has a profile."))
    departments = list_departments(session, actor)
    plants = [PlantWithDepartments(**p.model_dump(), departments=[d for d in departments if d.plant_id == p.id])
              for p in list_plants(session, actor)]
    organization_language, number_format = organization_formats(session, pk(org))
    return ProfileRead(
        user_id=pk(user), username=user.username, full_name=user.full_name, email=user.email,
        organization_id=pk(org), organization_name=display_name(org),
        roles=sorted(r.value for r in actor.roles), custom_roles=list(actor.role_names),
        permissions=sorted(p.value for p in actor.permissions),
        plants=plants, branding=branding_for_org(session, actor.organization_id),
        password_change_required=must_change_password(session, actor.user_id),
        demo_users=demo_users(session, actor.organization_id),
        language=user.language, organization_language=organization_language, number_format=number_format,
    )
