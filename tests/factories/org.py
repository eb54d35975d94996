"""Test data with explicit overrides. Every factory commits its own unit of work."""
from __future__ import annotations

import itertools

from sqlmodel import Session

from models.base import utcnow
from models.user import User
from services.core.access import Actor
from services.core.db import transaction
from services.org import organizations, plants, users
from services.org.auth import actor_for_user
from services.org.plants import DepartmentCreate, PlantCreate
from services.org.users import UserCreate

PASSWORD = "Correct-horse-42"
_n = itertools.count(1)


def make_org(session: Session, slug: str | None = None, name: str | None = None) -> int:
    slug = slug or f"org-{next(_n)}"
    with transaction(session):
        return organizations.create_organization(session, slug=slug, name=name or slug.title(), now=utcnow()).id


def make_plant(session: Session, org_id: int, code: str | None = None, *, timezone: str = "UTC") -> int:
    with transaction(session):
        actor = organizations.system_actor(session, org_id)
        return plants.create_plant(session, actor, PlantCreate(code=code or f"P{next(_n)}", name="Plant", timezone=timezone),
                                   now=utcnow()).id


def make_department(session: Session, org_id: int, plant_id: int, code: str | None = None) -> int:
    with transaction(session):
        actor = organizations.system_actor(session, org_id)
        return plants.create_department(session, actor, DepartmentCreate(plant_id=plant_id, code=code or f"D{next(_n)}", name="Dept"),
                                        now=utcnow()).id


def make_user(session: Session, org_id: int, *, roles=("viewer",), plant_ids=(), username: str | None = None,
              password: str = PASSWORD) -> int:
    with transaction(session):
        actor = organizations.system_actor(session, org_id)
        return users.create_user(session, actor, UserCreate(
            username=username or f"user{next(_n)}", password=password, roles=list(roles), plant_ids=list(plant_ids)), now=utcnow()).id


def actor_of(session: Session, user_id: int) -> Actor:
    return actor_for_user(session, session.get(User, user_id))


class World:
    """Two organizations: A with plants 1 and 2, B with one plant; users with varied access."""

    def __init__(self, session: Session):
        self.org_a = make_org(session, "org-a", "Org A")
        self.org_b = make_org(session, "org-b", "Org B")
        self.plant1 = make_plant(session, self.org_a, "P1")
        self.plant2 = make_plant(session, self.org_a, "P2")
        self.plant_b = make_plant(session, self.org_b, "PB")
        self.dept1 = make_department(session, self.org_a, self.plant1, "MACH")
        self.dept2 = make_department(session, self.org_a, self.plant2, "ASSY")
        self.dept_b = make_department(session, self.org_b, self.plant_b, "PRESS")
        self.admin_a = make_user(session, self.org_a, roles=["admin"], username="admin.a")
        self.admin_b = make_user(session, self.org_b, roles=["admin"], username="admin.b")
        self.operator1 = make_user(session, self.org_a, roles=["operator"], plant_ids=[self.plant1], username="op.one")
        self.planner1 = make_user(session, self.org_a, roles=["planner"], plant_ids=[self.plant1], username="planner.one")
        self.session = session

    def actor(self, user_id: int) -> Actor:
        return actor_of(self.session, user_id)
