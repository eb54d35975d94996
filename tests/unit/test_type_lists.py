"""Type lists: shipped defaults per organization, ordering, retire versus delete, reason codes as
the scrap/downtime lists, usage registry, permissions and tenancy."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.config import TypeList
from models.resources import MachineStatus
from services.config import type_lists
from services.config.type_lists import TypeListCreate, ValueCreate, ValueUpdate
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.master import reason_codes
from services.master.reason_codes import ReasonCodeCreate
from tests.factories.org import make_org
from tests.factories.production import make_line


def test_every_new_organization_has_the_shipped_lists(session, world):
    admin = world.actor(world.admin_a)
    keys = {t.key for t in type_lists.lists(session, admin)}
    assert {"defect_codes", "root_cause_categories", "dispositions", "scrap_reasons", "downtime_reasons"} <= keys
    six_m = [v.code for v in type_lists.values(session, admin, "root_cause_categories")]
    assert six_m == ["MAN", "MACHINE", "METHOD", "MATERIAL", "MEASUREMENT", "ENVIRONMENT"]
    org_c = make_org(session, "org-c")
    assert session.exec(select(TypeList).where(TypeList.organization_id == org_c)).all()


def test_values_are_ordered_and_can_be_moved(session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        added = type_lists.create_value(session, admin, "defect_codes", ValueCreate(code="warp", label="Warped"), now=now)
    assert added.code == "WARP" and type_lists.values(session, admin, "defect_codes")[-1].id == added.id
    with transaction(session):
        type_lists.move_value(session, admin, "defect_codes", added.id, -1, now=now)
    codes = [v.code for v in type_lists.values(session, admin, "defect_codes")]
    assert codes[-2:] == ["WARP", "MAT"]


def test_a_value_in_use_cannot_be_deleted_only_retired(session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        value = type_lists.create_value(session, admin, "defect_codes", ValueCreate(code="PORE", label="Porosity"), now=now)
    used = {value.id}
    counter = lambda s, org, value_id: 1 if value_id in used else 0  # noqa: E731  (stands for a table column)
    type_lists.register_usage("defect_codes", counter)
    try:
        with pytest.raises(Conflict, match="retire it instead"), transaction(session):
            type_lists.delete_value(session, admin, "defect_codes", value.id, now=now)
        with transaction(session):
            retired = type_lists.set_value_active(session, admin, "defect_codes", value.id, False, now=now)
        assert not retired.is_active
        assert value.id not in {v.id for v in type_lists.values(session, admin, "defect_codes")}
        assert value.id in {v.id for v in type_lists.values(session, admin, "defect_codes", include_retired=True)}
        with pytest.raises(Invalid) as refused:
            type_lists.require_value(session, admin, "defect_codes", value.id, field="defect_code_id")
        assert refused.value.fields == {"defect_code_id": "Porosity is retired: pick another value."}
        used.clear()
        with transaction(session):
            type_lists.delete_value(session, admin, "defect_codes", value.id, now=now)
        assert value.id not in {v.id for v in type_lists.values(session, admin, "defect_codes", include_retired=True)}
    finally:
        type_lists._usages["defect_codes"].remove(counter)


def test_value_codes_are_checked_and_unique_per_list(session, world, now):
    admin = world.actor(world.admin_a)
    with pytest.raises(Invalid) as bad:
        type_lists.create_value(session, admin, "defect_codes", ValueCreate(code="no spaces", label=""), now=now)
    assert set(bad.value.fields) == {"code", "label"}
    with pytest.raises(Conflict):
        type_lists.create_value(session, admin, "defect_codes", ValueCreate(code="dim", label="Again"), now=now)
    dim = type_lists.values(session, admin, "defect_codes")[0]
    with transaction(session):
        renamed = type_lists.update_value(session, admin, "defect_codes", dim.id, ValueUpdate(label="Dimension"), now=now)
    assert (renamed.code, renamed.label) == ("DIM", "Dimension")


def test_reason_codes_are_the_scrap_and_downtime_lists(session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        scrap = reason_codes.create_reason_code(session, admin, ReasonCodeCreate(
            kind="scrap", code="BURN", name="Burn marks", loss_category="production_reject"), now=now)
        via_list = type_lists.create_value(session, admin, "downtime_reasons", ValueCreate(code="JAM", label="Jam"), now=now)
    assert [v.id for v in type_lists.values(session, admin, "scrap_reasons")] == [scrap.id]
    assert type_lists.require_value(session, admin, "scrap_reasons", scrap.id).label == "Burn marks"
    assert reason_codes.get_reason_code(session, admin, via_list.id).kind == "downtime"
    with pytest.raises(Invalid):          # a downtime reason is not a scrap reason
        type_lists.require_value(session, admin, "scrap_reasons", via_list.id)
    with transaction(session):
        type_lists.set_value_active(session, admin, "scrap_reasons", scrap.id, False, now=now)
    assert not reason_codes.get_reason_code(session, admin, scrap.id).is_active
    assert type_lists.value_problem(session, admin, "scrap_reasons", scrap.id) == "Burn marks is retired: pick another value."


def test_a_used_reason_code_is_not_deleted_through_its_list(session, world, now):
    admin = world.actor(world.admin_a)
    machine = make_line(session, world.org_a, world.plant1, world.dept1, machines=1).machine_ids[0]
    with transaction(session):
        reason = type_lists.create_value(session, admin, "downtime_reasons", ValueCreate(code="TOOL", label="Tool"), now=now)
        session.add(MachineStatus(machine_id=machine, organization_id=world.org_a, plant_id=world.plant1,
                                  reason_code_id=reason.id))
    with pytest.raises(Conflict), transaction(session):
        type_lists.delete_value(session, admin, "downtime_reasons", reason.id, now=now)


def test_custom_lists_are_created_and_deleted_shipped_lists_are_kept(session, world, now):
    admin = world.actor(world.admin_a)
    with transaction(session):
        created = type_lists.create_list(session, admin, TypeListCreate(key="suppliers", name="Suppliers"), now=now)
        type_lists.create_value(session, admin, "suppliers", ValueCreate(code="ACME", label="Acme"), now=now)
    assert created.key == "suppliers" and not created.is_system
    with pytest.raises(Invalid):
        type_lists.create_list(session, admin, TypeListCreate(key="suppliers", name="Again"), now=now)
    with pytest.raises(Conflict):
        type_lists.delete_list(session, admin, "defect_codes", now=now)
    with transaction(session):
        type_lists.delete_list(session, admin, "suppliers", now=now)
    with pytest.raises(NotFound):
        type_lists.values(session, admin, "suppliers")


def test_writing_needs_configure_and_lists_are_per_organization(session, world, now):
    planner, admin_b = world.actor(world.planner1), world.actor(world.admin_b)
    assert type_lists.values(session, planner, "defect_codes")          # everyone reads
    with pytest.raises(Forbidden):
        type_lists.create_value(session, planner, "defect_codes", ValueCreate(code="X", label="X"), now=now)
    value_a = type_lists.values(session, world.actor(world.admin_a), "defect_codes")[0]
    with pytest.raises(NotFound):
        type_lists.update_value(session, admin_b, "defect_codes", value_a.id, ValueUpdate(label="Mine"), now=now)
    with pytest.raises(NotFound):
        type_lists.delete_value(session, admin_b, "defect_codes", value_a.id, now=now)
    assert type_lists.value_problem(session, admin_b, "defect_codes", value_a.id) == "Pick a value from the list."


def test_migration_0006_gives_existing_organizations_the_shipped_lists(tmp_path):
    import sqlalchemy as sa

    from services.core.db import make_engine
    from services.core.migrations import migrate
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0003_kpi_rollups")
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO organization (slug, name, is_active, created_at, updated_at) "
                             "VALUES ('old', 'Old Co', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    migrate(engine)
    with engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT key FROM type_list ORDER BY key")).scalars().all()
        six_m = conn.execute(sa.text("SELECT v.code FROM type_list_value v JOIN type_list t ON t.id = v.type_list_id "
                                     "WHERE t.key = 'root_cause_categories' ORDER BY v.position")).scalars().all()
    engine.dispose()
    assert keys == ["defect_codes", "dispositions", "root_cause_categories"]
    assert six_m == ["MAN", "MACHINE", "METHOD", "MATERIAL", "MEASUREMENT", "ENVIRONMENT"]
