"""The workflow engine: guards (role, condition, comment, approval any/all), history and events,
due times and escalation with an injected clock, versions and in-flight instances, tenancy."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.base import utcnow
from models.config import Notification
from models.workflow import WorkflowStep
from services.config import notifications, workflow, workflow_admin, workflow_hooks
from services.config.events import (
    WorkflowApprovalRequested,
    WorkflowApproved,
    WorkflowEscalated,
    WorkflowTransitioned,
)
from services.config.workflow_defaults import default_spec
from services.config.workflow_guards import condition_holds
from services.config.workflow_specs import (
    ConditionSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
)
from services.core.db import transaction
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.languages import use_language
from services.core.messages import render, render_fields
from services.org.settings import SettingsUpdate, update_settings
from tests.conftest import T0
from tests.factories.org import make_user

THING = "test_thing"
FIELDS: dict[int, dict] = {}
STATES: dict[int, tuple[str, bool]] = {}
workflow_hooks.register_entity(THING, fields=lambda s, i: FIELDS.get(i, {}),
                               on_state=lambda s, i, entered: STATES.__setitem__(i, (entered.state, entered.closed)))


def spec(**transition_overrides) -> WorkflowSpec:
    close = dict(key="close", name="Close", from_state="open", to_state="closed", roles=["quality"],
                 conditions=[ConditionSpec(field="root_cause", message="Describe the root cause first.")])
    close.update(transition_overrides)
    return WorkflowSpec(name="Thing", states=[
        StateSpec(key="open", name="Open", is_initial=True, due_minutes=60, escalate_to_role="quality"),
        StateSpec(key="closed", name="Closed", is_done=True),
        StateSpec(key="dropped", name="Dropped", is_rejected=True),
    ], transitions=[TransitionSpec(**close),
                    TransitionSpec(key="drop", name="Drop", from_state="*", to_state="dropped", require_comment=True)])


@pytest.fixture
def wf(session, world):
    FIELDS.clear()
    STATES.clear()
    admin = world.actor(world.admin_a)
    with transaction(session):
        workflow_admin.save_workflow(session, admin, THING, spec(), now=utcnow())
    q = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant1], username="q.one"))
    return admin, q


def _start(session, actor, entity_id=1, plant_id=None, now=T0):
    with transaction(session):
        return workflow.start(session, actor, THING, entity_id, plant_id=plant_id, now=now)


def _go(session, actor, key, entity_id=1, **kw):
    with transaction(session):
        return workflow.transition(session, actor, THING, entity_id, key, **{"now": utcnow(), **kw})


def test_start_puts_the_entity_in_the_initial_state_with_its_due_time(session, world, wf, captured_events):
    _, q = wf
    inst = _start(session, q, plant_id=world.plant1)
    assert (inst.state, inst.state_name, inst.is_closed, inst.version) == ("open", "Open", False, 1)
    assert inst.due_at == T0 + timedelta(minutes=60)
    assert STATES[1] == ("open", False)
    assert [e.name for e in captured_events if e.name.startswith("workflow.")] == ["workflow.started"]
    with pytest.raises(Conflict):
        _start(session, q, plant_id=world.plant1)


def test_role_guard_refuses_with_the_roles_named(session, world, wf):
    planner = world.actor(world.planner1)
    _start(session, planner, plant_id=world.plant1)
    FIELDS[1] = {"root_cause": "worn tool"}
    with pytest.raises(Forbidden, match="Only quality may 'Close'"):
        _go(session, planner, "close")
    option = next(o for o in workflow.available_transitions(session, planner, THING, 1) if o.key == "close")
    assert not option.allowed and option.reasons == ["Only quality may 'Close'."]


def test_condition_guard_names_the_missing_field_then_passes(session, world, wf, captured_events):
    _, q = wf
    _start(session, q, plant_id=world.plant1)
    with pytest.raises(Invalid) as refused:
        _go(session, q, "close")
    assert refused.value.message == "Describe the root cause first."
    assert refused.value.fields == {"root_cause": "Describe the root cause first."}
    assert workflow.instance(session, q, THING, 1).state == "open"
    FIELDS[1] = {"root_cause": "worn tool"}
    inst = _go(session, q, "close", comment="fixed", now=T0 + timedelta(minutes=5))
    assert (inst.state, inst.is_closed, inst.is_done, inst.due_at) == ("closed", True, True, None)
    assert STATES[1] == ("closed", True)
    steps = workflow.history(session, q, THING, 1)
    assert [(s.kind, s.from_state, s.to_state, s.username, s.comment) for s in steps] == [
        ("started", None, "open", "q.one", ""), ("transition", "open", "closed", "q.one", "fixed")]
    moved = [e for e in captured_events if e.name == "workflow.transitioned"]
    assert moved[0].payload["transition"] == "close" and moved[0].actor_user_id == q.user_id


def test_data_passed_with_the_transition_counts_for_conditions(session, world, wf):
    _, q = wf
    _start(session, q, plant_id=world.plant1)
    assert _go(session, q, "close", data={"root_cause": "bad batch"}).state == "closed"


def test_comment_required_and_unknown_or_closed_transitions_refused(session, world, wf):
    _, q = wf
    _start(session, q, plant_id=world.plant1)
    with pytest.raises(Invalid, match="'Drop' needs a comment") as refused:
        _go(session, q, "drop")
    assert refused.value.fields == {"comment": "Required."}
    with pytest.raises(Invalid, match="'reopen' is not possible in the state 'Open'"):
        _go(session, q, "reopen")
    _go(session, q, "drop", comment="duplicate")
    with pytest.raises(Conflict, match="dropped"):
        _go(session, q, "drop", comment="again")


def _with_approval(session, admin, mode, roles=(), users=()):
    with transaction(session):
        workflow_admin.save_workflow(session, admin, THING, spec(
            roles=[], conditions=[], approval=mode, approver_roles=list(roles), approver_user_ids=list(users)), now=utcnow())


def test_approval_any_waits_for_one_approver_and_not_the_requester(session, world, wf, captured_events):
    admin, q = wf
    _with_approval(session, admin, "any", roles=["manager", "quality"])
    manager = world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1]))
    _start(session, q, plant_id=world.plant1)
    inst = _go(session, q, "close", comment="please")
    assert (inst.state, inst.pending_transition, inst.approvals_missing) == ("open", "close", ["one of: role manager, role quality"])
    with pytest.raises(Conflict, match="approval is pending"):
        _go(session, q, "drop", comment="x")
    with transaction(session), pytest.raises(Forbidden, match="You asked for this approval"):
        workflow.approve(session, q, THING, 1, now=utcnow())
    with transaction(session), pytest.raises(Forbidden, match="Only role manager, role quality may approve 'Close'"):
        workflow.approve(session, world.actor(world.planner1), THING, 1, now=utcnow())
    with transaction(session):
        inst = workflow.approve(session, manager, THING, 1, comment="ok", now=utcnow())
    assert (inst.state, inst.pending_transition) == ("closed", None)
    kinds = [(s.kind, s.username) for s in workflow.history(session, q, THING, 1)]
    assert kinds[1:] == [("requested", "q.one"), ("approved", manager.username), ("transition", "q.one")]
    assert {"workflow.approval_requested", "workflow.approved", "workflow.transitioned"} <= {e.name for e in captured_events}
    typed = {type(e) for e in captured_events if e.name.startswith("workflow.")}
    assert {WorkflowApprovalRequested, WorkflowApproved, WorkflowTransitioned} <= typed


def test_approval_all_needs_every_role_and_user(session, world, wf):
    admin, q = wf
    boss = make_user(session, world.org_a, roles=["viewer"], plant_ids=[world.plant1], username="boss")
    _with_approval(session, admin, "all", roles=["manager", "quality"], users=[boss])
    requester = world.actor(world.planner1)
    manager = world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1]))
    _start(session, requester, plant_id=world.plant1)
    _go(session, requester, "close")
    with transaction(session):
        inst = workflow.approve(session, manager, THING, 1, now=utcnow())
    assert inst.state == "open" and inst.approvals_missing == ["role quality", f"user #{boss}"]
    with transaction(session), pytest.raises(Forbidden, match="already approved"):
        workflow.approve(session, manager, THING, 1, now=utcnow())
    with transaction(session), pytest.raises(Forbidden, match=r"still missing: role quality, user #\d+"):
        workflow.approve(session, world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1])), THING, 1,
                         now=utcnow())
    with transaction(session):
        assert workflow.approve(session, q, THING, 1, now=utcnow()).approvals_missing == [f"user #{boss}"]
    with transaction(session):
        assert workflow.approve(session, world.actor(boss), THING, 1, now=utcnow()).state == "closed"


def test_decline_needs_a_reason_and_clears_the_request(session, world, wf):
    admin, q = wf
    _with_approval(session, admin, "any", roles=["manager"])
    manager = world.actor(make_user(session, world.org_a, roles=["manager"], plant_ids=[world.plant1]))
    _start(session, q, plant_id=world.plant1)
    _go(session, q, "close")
    with transaction(session), pytest.raises(Invalid, match="Say why"):
        workflow.decline(session, manager, THING, 1, now=utcnow())
    with transaction(session):
        inst = workflow.decline(session, manager, THING, 1, comment="not yet", now=utcnow())
    assert (inst.state, inst.pending_transition) == ("open", None)
    _go(session, q, "close")   # a new request: earlier approvals of another round would not count
    assert workflow.instance(session, q, THING, 1).approvals_missing == ["one of: role manager"]


def test_escalation_fires_after_the_due_time_and_only_once(session, world, wf, captured_events):
    _, q = wf
    _start(session, q, plant_id=world.plant1, now=T0)
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(minutes=59, seconds=59)) == 0
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(minutes=60)) == 1
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(hours=5)) == 0
    inst = workflow.instance(session, q, THING, 1)
    assert inst.escalated_at == T0 + timedelta(minutes=60)
    last = workflow.history(session, q, THING, 1)[-1]
    assert last.kind == "escalated" and "role quality" in last.comment
    escalated = [e for e in captured_events if e.name == "workflow.escalated"]
    assert len(escalated) == 1 and escalated[0].payload["to"] == "role quality"
    assert isinstance(escalated[0], WorkflowEscalated) and escalated[0].due_at == T0 + timedelta(minutes=60)
    notes = session.exec(select(Notification).where(Notification.user_id == q.user_id)).all()
    assert [(n.kind, n.title) for n in notes] == [("escalation", "Overdue: test_thing #1 is 'Open' past its due time")]
    for lang, title, body in (("ja", "期限超過: test_thing #1 は期限を過ぎても「オープン」のままです", "期限は 2026-"),
                              ("ko", "기한 초과: test_thing #1이(가) 기한이 지났는데도 '오픈' 상태입니다", "기한: 2026-")):
        with use_language(lang):                        # the job wrote it; each reader reads it in their language
            [note] = notifications.list_notifications(session, q)[0]
        assert note.title == title and note.body.startswith(body)


def test_the_escalation_history_is_written_in_the_organizations_language(session, world, wf):
    admin, q = wf
    with transaction(session):
        update_settings(session, admin, SettingsUpdate(language="ja"), now=T0)
    _start(session, q, plant_id=world.plant1, now=T0)
    with transaction(session):
        assert workflow.escalate_due(session, now=T0 + timedelta(minutes=60)) == 1
    last = workflow.history(session, q, THING, 1)[-1]
    due = f"{T0 + timedelta(minutes=60):%Y-%m-%d %H:%M}"
    assert last.comment == f"{due} UTC から期限超過のため、role quality にエスカレーションしました。"


def test_escalation_goes_to_the_head_of_the_department(session, world, wf):
    from models.organization import Department
    admin, q = wf
    head = make_user(session, world.org_a, roles=["supervisor"], plant_ids=[world.plant1], username="head.mach")
    with transaction(session):
        dept = session.get(Department, world.dept1)
        dept.head_user_id = head
        session.add(dept)
        s = spec()
        s.states[0].escalate_to_head = True
        workflow_admin.save_workflow(session, admin, THING, s, now=utcnow())
    with transaction(session):
        workflow.start(session, q, THING, 7, plant_id=world.plant1, department_id=world.dept1, now=T0)
    with transaction(session):
        workflow.escalate_due(session, now=T0 + timedelta(hours=1))
    assert "the head of Dept" in workflow.history(session, q, THING, 7)[-1].comment
    assert [n.kind for n in session.exec(select(Notification).where(Notification.user_id == head)).all()] == ["escalation"]
    assert session.exec(select(Notification).where(Notification.user_id == q.user_id)).all() == []


def test_a_new_version_leaves_instances_in_flight_on_theirs(session, world, wf):
    admin, q = wf
    _start(session, q, entity_id=1, plant_id=world.plant1)
    changed = spec(conditions=[])
    changed.states[1] = StateSpec(key="verified", name="Verified", is_done=True)
    changed.transitions[0].to_state = "verified"
    with transaction(session):
        saved = workflow_admin.save_workflow(session, admin, THING, changed, now=utcnow())
    assert saved.version == 2
    _start(session, q, entity_id=2, plant_id=world.plant1)
    FIELDS[1] = {"root_cause": "x"}
    old = _go(session, q, "close", entity_id=1)
    new = _go(session, q, "close", entity_id=2)
    assert (old.version, old.state) == (1, "closed")
    assert (new.version, new.state) == (2, "verified")


def test_invalid_specs_are_refused_with_every_problem(session, world, wf):
    admin, _ = wf
    bad = spec(to_state="nowhere", roles=["wizard"])
    bad.states[1].is_initial = True
    with transaction(session), pytest.raises(Invalid) as refused:
        workflow_admin.save_workflow(session, admin, THING, bad, now=utcnow())
    assert refused.value.fields == {"states": "Mark exactly one state as the initial state.",
                                    "transitions.0.to_state": "Choose one of the states.",
                                    "transitions.0.roles": "Unknown role: wizard."}


def test_only_admins_change_workflows(session, world, wf):
    _, q = wf
    with transaction(session), pytest.raises(Forbidden):
        workflow_admin.save_workflow(session, q, THING, spec(), now=utcnow())


def test_the_default_is_seeded_on_first_use(session, world):
    admin = world.actor(world.admin_a)
    with transaction(session):
        inst = workflow.start(session, admin, "maintenance_ticket", 99, plant_id=world.plant1, now=T0)
    assert inst.state == "open" and inst.version == 1
    flows = workflow_admin.list_workflows(session, admin)
    assert [(f.entity_type, f.version, f.is_active) for f in flows] == [("maintenance_ticket", 1, True)]
    assert workflow_admin.get_spec(session, admin, "maintenance_ticket") == default_spec("maintenance_ticket")


def test_other_organizations_and_plants_see_nothing(session, world, wf):
    _, q = wf
    _start(session, q, plant_id=world.plant1)
    other_org = world.actor(world.admin_b)
    for call in (lambda a: workflow.instance(session, a, THING, 1), lambda a: workflow.history(session, a, THING, 1),
                 lambda a: workflow.available_transitions(session, a, THING, 1)):
        with pytest.raises(NotFound):
            call(other_org)
    with transaction(session), pytest.raises(NotFound):
        workflow.transition(session, other_org, THING, 1, "drop", comment="x", now=utcnow())
    plant2_user = world.actor(make_user(session, world.org_a, roles=["quality"], plant_ids=[world.plant2]))
    with pytest.raises(NotFound):
        workflow.instance(session, plant2_user, THING, 1)
    assert session.exec(select(WorkflowStep).where(WorkflowStep.organization_id == world.org_b)).all() == []
    assert workflow_admin.list_workflows(session, other_org) == []


@pytest.mark.parametrize(("value", "limit", "holds"), [
    (Decimal("5000000"), "5000000", True),
    (Decimal("5000000.0000000001"), "5000000", False),     # floats would call it equal and let it through
    ("4999999.99", 5000000, True),
    (None, "5000000", False),
    ("not a number", "5000000", False),
])
def test_a_max_condition_compares_amounts_exactly(value, limit, holds):
    assert condition_holds({"field": "amount", "op": "max", "value": limit}, {"amount": value}) is holds


def test_refusals_read_in_the_persons_language_with_the_transition_named(session, world, wf):
    # "Close" is a name Takt ships (the NCR's): read in the person's language (services/config/workflow_names)
    admin, q = wf
    with transaction(session):
        workflow_admin.save_workflow(session, admin, THING, spec(require_comment=True,
                                                                 conditions=[ConditionSpec(field="root_cause")]),
                                     now=utcnow())
    _start(session, q, plant_id=world.plant1)
    with pytest.raises(Invalid) as refused:
        _go(session, q, "close")
    message = refused.value.message
    assert message == "'Close' needs a comment. Root cause must be filled in before 'Close'."
    assert render(message, "ja") == "「閉じる」にはコメントが必要です。「閉じる」の前に Root cause を入力してください。"
    assert render(message, "ko") == "'닫기'에는 코멘트가 필요합니다. '닫기' 전에 Root cause을(를) 입력해야 합니다."
    assert render_fields(refused.value.fields, "ja") == {"comment": "必須です。",
                                                         "root_cause": "「閉じる」の前に Root cause を入力してください。"}
    with use_language("ko"), pytest.raises(Forbidden) as forbidden:       # a Korean planner's request
        _go(session, world.actor(world.planner1), "close", comment="done")
    assert forbidden.value.message == "'닫기'은(는) quality만 할 수 있습니다."
    with use_language("ja"), pytest.raises(Conflict) as nothing, transaction(session):
        workflow.decline(session, q, THING, 1, comment="no", now=utcnow())
    assert nothing.value.message == "この項目に承認待ちのものはありません。"
