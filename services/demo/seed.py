"""Demo data: a tenant with two plants, departments and a user for every role, plus a second
tenant so isolation can be seen. Demo passwords exist only here and are printed by `make run`.

Seeding is idempotent: it does nothing when any organization exists; `catch_up_demo` then brings the
demo plants' history up to now (run by `takt seed-demo`, so `make run` never shows a hole for today).
Each organization is seeded with the unit of work bound to it (services/core/tenancy.py): on PostgreSQL
row-level security holds the seeding as it holds a request, also when the CLI connects as the app's role.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models.organization import Department, Organization, Plant
from services.core import tenancy
from services.demo import DEMO_PASSWORD, history
from services.demo.config import seed_demo_config
from services.demo.documents import seed_demo_documents
from services.demo.finance import seed_demo_finance
from services.demo.maintenance import seed_demo_maintenance
from services.demo.ncr import seed_demo_ncrs
from services.demo.production import demo_actor, seed_demo_plant
from services.demo.quality import seed_demo_quality
from services.demo.studio import seed_demo_studio
from services.demo.trace import seed_demo_trace
from services.master import customers, work_centers
from services.org import organizations, plants, users
from services.org.demo_users import mark_demo_users
from services.org.organizations import OrganizationUpdate
from services.org.plants import DepartmentCreate, PlantCreate
from services.org.users import UserCreate

# username, full name, roles, plant codes (admins reach every plant anyway)
DEMO_USERS = [
    ("admin", "Ada Admin", ["admin"], ["BER", "POR"]),
    ("manager", "Max Manager", ["manager"], ["BER", "POR"]),
    ("planner", "Pia Planner", ["planner"], ["BER"]),
    ("supervisor", "Sam Supervisor", ["supervisor"], ["BER"]),
    ("operator", "Olga Operator", ["operator"], ["BER"]),
    ("operator.porto", "Oscar Operator", ["operator"], ["POR"]),
    ("quality", "Quinn Quality", ["quality"], ["BER", "POR"]),
    ("maintenance", "Mia Maintenance", ["maintenance"], ["BER"]),
    ("finance", "Finn Finance", ["finance"], ["BER", "POR"]),
    ("viewer", "Vera Viewer", ["viewer"], ["BER"]),
    ("vendor.sakura", "Saki Sakura", ["vendor"], []),       # account of the subcontractor Sakura Douga (NAMES2: 佐倉 咲)
    ("vendor.hanoi", "Hai Hanoi", ["vendor"], []),          # account of the subcontractor Hanoi Inbetween
    ("client.tv", "Cleo Client", ["client"], []),           # account of the client broadcaster
]

# Second-language names of demo people (services/core/display_names.py: a viewer of that language sees them)
NAMES2 = {"vendor.sakura": "佐倉 咲", "globex.admin": "グローベックス 岳", "globex.operator": "グローベックス 剛"}

DEMO_PLANTS = [
    ("BER", "Berlin Works", "Europe/Berlin", [("MACH", "Machining"), ("ASSY", "Assembly"), ("FIN", "Finishing")]),
    ("POR", "Porto Assembly", "Europe/Lisbon", [("ASSY", "Assembly"), ("PACK", "Packing")]),
]
# Acme's departments as its Japanese staff call them (services/core/display_names.py)
DEPARTMENT_NAMES_JA = {"MACH": "機械加工課", "ASSY": "組立課", "FIN": "仕上げ課", "PACK": "梱包課"}

# Globex's Osaka plant: a press line and a customer, named in Japanese as well
OSAKA_MACHINES = [("PRS-01", "Servo press 1", "サーボプレス 1号機"), ("PRS-02", "Servo press 2", "サーボプレス 2号機")]
OSAKA_CUSTOMER = ("KANSAI-ROBO", "Kansai Robotics Co., Ltd.", "関西ロボティクス株式会社", "order@kansai-robo.example")


def seed_demo(session: Session, *, now: datetime, production: bool = True) -> bool:
    """Create the demo tenants; with `production`, Acme's plants get master data, three weeks of
    history and open work (services/demo/production.py). Returns False (and changes nothing)
    when data exists."""
    if session.exec(select(Organization.id)).first() is not None:
        return False
    acme_id = _seed_acme(session, now)
    globex_id = _seed_globex(session, now)
    with tenancy.working_for(session, acme_id):
        seed_demo_config(session, acme_id, now=now)
        if production:
            seed_demo_plant(session, acme_id, now=now)
            seed_demo_trace(session, acme_id, demo_actor(session, "admin"), now=now)
            seed_demo_quality(session, acme_id, demo_actor(session, "quality"), now=now)
            seed_demo_finance(session, acme_id, demo_actor(session, "finance"), now=now)
            seed_demo_ncrs(session, acme_id, demo_actor(session, "quality"), demo_actor(session, "supervisor"),
                           demo_actor(session, "admin"), now=now)
            seed_demo_studio(session, acme_id, now=now)
            seed_demo_maintenance(session, acme_id, demo_actor(session, "maintenance"), demo_actor(session, "manager"),
                                  demo_actor(session, "admin"), now=now)
            seed_demo_documents(session, acme_id, demo_actor(session, "planner"), demo_actor(session, "quality"),
                                now=now)
    with tenancy.working_for(session, globex_id):
        _seed_globex_floor(session, globex_id, now)
    for organization_id in (acme_id, globex_id):        # last: the seeding above writes as demo users
        with tenancy.working_for(session, organization_id):
            mark_demo_users(session, [organization_id])
    return True


def _seed_acme(session: Session, now: datetime) -> int:
    org = organizations.create_organization(session, slug="acme", name="Acme Precision Parts", primary_color="#0f766e", now=now)
    system = organizations.system_actor(session, org.id)
    organizations.update_organization(session, system, OrganizationUpdate(name2="アクメ精密部品"), now=now)
    plant_ids = {}
    for code, name, tz, departments in DEMO_PLANTS:
        plant = plants.create_plant(session, system, PlantCreate(code=code, name=name, timezone=tz), now=now)
        plant_ids[code] = plant.id
        system = organizations.system_actor(session, org.id)   # now sees the new plant
        for dept_code, dept_name in departments:
            plants.create_department(session, system, DepartmentCreate(
                plant_id=plant.id, code=dept_code, name=dept_name, name2=DEPARTMENT_NAMES_JA.get(dept_code, "")), now=now)
    for username, full_name, roles, plant_codes in DEMO_USERS:
        users.create_user(session, system, UserCreate(
            username=username, full_name=full_name, full_name2=NAMES2.get(username, ""), email=f"{username}@acme.example",
            password=DEMO_PASSWORD,
            roles=roles, plant_ids=[plant_ids[c] for c in plant_codes]), now=now)
    return org.id


def _seed_globex(session: Session, now: datetime) -> int:
    org = organizations.create_organization(session, slug="globex", name="Globex Fabrication", primary_color="#b45309", now=now)
    system = organizations.system_actor(session, org.id)
    organizations.update_organization(session, system, OrganizationUpdate(name2="グローベックス製作所"), now=now)
    plant = plants.create_plant(session, system, PlantCreate(code="OSA", name="Osaka Plant", name2="大阪工場",
                                                             timezone="Asia/Tokyo"), now=now)
    system = organizations.system_actor(session, org.id)
    plants.create_department(session, system, DepartmentCreate(plant_id=plant.id, code="PRESS", name="Press shop",
                                                               name2="プレス課"), now=now)
    for username, full_name, roles in [("globex.admin", "Gil Globex", ["admin"]), ("globex.operator", "Gus Globex", ["operator"])]:
        users.create_user(session, system, UserCreate(
            username=username, full_name=full_name, full_name2=NAMES2.get(username, ""),
            email=f"{username}@globex.example", password=DEMO_PASSWORD,
            roles=roles, plant_ids=[plant.id]), now=now)
    return org.id


def _seed_globex_floor(session: Session, organization_id: int, now: datetime) -> None:
    """Osaka's press line and its customer, seeded after Acme's data, so that the first ids of those tables stay
    Acme's (the isolation and accessibility tests probe the demo organization's rows by their first ids)."""
    system = organizations.system_actor(session, organization_id)
    plant = session.exec(select(Plant).where(Plant.organization_id == organization_id, Plant.code == "OSA")).one()
    press = session.exec(select(Department).where(Department.plant_id == plant.id, Department.code == "PRESS")).one()
    line = work_centers.create_work_center(session, system, work_centers.WorkCenterCreate(
        plant_id=plant.id, department_id=press.id, code="PRESS", name="Stamping"), now=now)
    for code, name, name2 in OSAKA_MACHINES:
        work_centers.create_machine(session, system, work_centers.MachineCreate(
            work_center_id=line.id, code=code, name=name, name2=name2), now=now)
    code, name, name2, email = OSAKA_CUSTOMER
    customers.create_customer(session, system, customers.CustomerCreate(code=code, name=name, name2=name2, email=email),
                              now=now)


def catch_up_demo(session: Session, *, now: datetime) -> list[history.HistoryResult]:
    """The demo plants' history brought up to `now` from their last events (services/demo/history.py)."""
    acme_id = session.exec(select(Organization.id).where(Organization.slug == "acme")).first()
    if acme_id is None:
        return []
    with tenancy.working_for(session, acme_id):
        return history.catch_up(session, acme_id, now=now)


def has_demo(session: Session) -> bool:
    return session.exec(select(Organization.id).where(Organization.slug == "acme")).first() is not None


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [(u, DEMO_PASSWORD, ", ".join(r)) for u, _, r, _ in DEMO_USERS]
    rows += [("globex.admin", DEMO_PASSWORD, "admin (second organization)")]
    return rows
