"""The andon board (services/kpi/andon.py): a tile per machine with its state, reason, job, progress
against plan and current-shift OEE; read with a plant's display token or VIEW_DASHBOARDS; nothing of
another organization or plant. Plant UTC; calendar of tests/factories/production.py (early shift
06:00-14:00 with breaks 09:00-09:15 and 12:00-12:30); Cut's ideal cycle time is 30 s."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from models.base import utcnow
from models.resources import MachineState
from services.core.errors import Forbidden, NotFound, Unauthorized
from services.kpi import andon
from services.org import api_tokens, auth
from services.org.api_tokens import ApiTokenCreate
from services.shopfloor import operator as shopfloor
from tests.conftest import T0
from tests.factories.db import committed
from tests.factories.shopfloor import make_floor, new_client_id

DAY = T0.replace(hour=0)             # Monday 2026-03-02


def at(hour: int, minute: int = 0):
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def floor(session, world):
    return make_floor(session, world.org_a, world.plant1, world.dept1, quantity=1000, planned_start=at(6))


def act(session, fn, actor, *args, now, **kwargs):
    return committed(session, fn, actor, *args, now=now, occurred_at=now, client_id=new_client_id(), **kwargs)


def display_token(session, world, plant_id, org_admin=None) -> str:
    admin = world.actor(org_admin or world.admin_a)
    return committed(session, api_tokens.create_api_token, admin,
                     ApiTokenCreate(plant_id=plant_id, name="Wall", kind="display"), now=at(5)).token


def actor_of_token(session, token, now):
    return committed(session, auth.actor_for_token, token, now=now)


def tile(board, machine_id):
    return next(t for t in board.tiles if t.machine_id == machine_id)


def test_the_board_shows_state_reason_job_progress_and_shift_oee(session, world, floor):
    op = world.actor(world.operator1)
    act(session, shopfloor.start_job, op, floor.machine_id, floor.cut_id, now=at(6))
    act(session, shopfloor.report_counts, op, floor.machine_id, good=100, scrap=4,
        scrap_reason_code_id=floor.line.scrap_reason_id, now=at(7))
    act(session, shopfloor.start_downtime, op, floor.machine_id, floor.line.downtime_reason_id, now=at(7, 30))
    viewer = world.actor(world.planner1)

    board = committed(session, andon.board, viewer, world.plant1, now=at(8))

    assert board.plant_id == world.plant1 and board.shift == "Early"
    assert [t.machine_id for t in board.tiles] == floor.line.machine_ids
    down = tile(board, floor.machine_id)
    assert down.state == MachineState.DOWN and down.reason == "BRK reason"
    assert down.since == at(7, 30) and down.minutes_in_state == 30
    assert down.job.endswith("· Cut") and (down.quantity, down.good, down.scrap) == (1000, 100, 4)
    # plan: 10 min setup from 06:00, then 30 s a part: by 08:00 (110 min) 220 parts expected
    assert (down.expected_good, down.progress_percent, down.plan_percent) == (220, 10, 22)
    # shift so far [06:00, 08:00): planned 120 min, down 30 min -> A = 90/120; P = 104 x 30 s / 90 min;
    # Q = 100/104; OEE = 100 x 30 s / 120 min = 5/12
    assert down.shift_oee_percent == Decimal("41.7")
    idle = tile(board, floor.other_machine_id)
    assert idle.state == MachineState.IDLE and idle.job == "" and idle.since is None


def test_outside_a_shift_there_is_no_shift_oee(session, world, floor):
    board = committed(session, andon.board, world.actor(world.planner1), world.plant1, now=at(23))
    assert board.shift == "" and all(t.shift_oee_percent is None for t in board.tiles)


def test_the_late_shift_is_named(session, world, floor):
    board = committed(session, andon.board, world.actor(world.planner1), world.plant1, now=at(15))
    assert board.shift == "Late"


def test_a_display_token_reads_its_own_plant_only(session, world, floor):
    token = display_token(session, world, world.plant1)
    actor = actor_of_token(session, token, at(8))
    scope = committed(session, andon.board_scope, actor)
    assert (scope.kind, scope.organization_id, scope.plant_id) == ("andon", world.org_a, world.plant1)
    assert committed(session, andon.board, actor, now=at(8)).plant_id == world.plant1
    with pytest.raises(NotFound):
        committed(session, andon.board_scope, actor, world.plant2)
    with pytest.raises(NotFound):
        committed(session, andon.board, actor, world.plant_b, now=at(8))


def test_another_organization_and_other_plants_do_not_exist(session, world, floor):
    foreign_token = display_token(session, world, world.plant_b, org_admin=world.admin_b)
    foreign = actor_of_token(session, foreign_token, at(8))
    with pytest.raises(NotFound):
        committed(session, andon.board_scope, foreign, world.plant1)
    with pytest.raises(NotFound):
        committed(session, andon.board, world.actor(world.admin_b), world.plant1, now=at(8))
    with pytest.raises(NotFound):           # planner.one has plant 1 only
        committed(session, andon.board, world.actor(world.planner1), world.plant2, now=at(8))


def test_a_revoked_token_and_a_person_without_dashboards_are_refused(session, world, floor):
    token = display_token(session, world, world.plant1)
    row = committed(session, api_tokens.list_api_tokens, world.actor(world.admin_a))[0]
    committed(session, api_tokens.revoke_api_token, world.actor(world.admin_a), row.id, now=at(6))
    with pytest.raises(Unauthorized):
        actor_of_token(session, token, at(8))
    with pytest.raises(Forbidden):          # an operator has no VIEW_DASHBOARDS
        committed(session, andon.board_scope, world.actor(world.operator1), world.plant1)
    machine_token = committed(session, api_tokens.create_api_token, world.actor(world.admin_a),
                              ApiTokenCreate(plant_id=world.plant1, name="Gateway", kind="machine"), now=utcnow()).token
    with pytest.raises(Forbidden):
        committed(session, andon.board_scope, actor_of_token(session, machine_token, at(8)))


def test_the_scope_token_is_made_on_the_server_and_differs_per_plant(session, world, floor):
    admin = world.actor(world.admin_a)
    one = committed(session, andon.board_scope, admin, world.plant1)
    two = committed(session, andon.board_scope, admin, world.plant2)
    assert one.token != two.token and "_" not in one.token and one.token.startswith("andon")
    assert committed(session, andon.board_scope, world.actor(world.planner1), world.plant1).token == one.token
