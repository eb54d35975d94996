"""The studio people pages' states without a browser: partners (add, change, contacts as lines, bank
account only with finance rights), a project's partners and member slots (add, fill, empty), and the task
page's assignment form for managers (slot, vendor, dates, estimate, with field errors)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from rxapp.state.studio.assign import TaskAssignState
from rxapp.state.studio.partners import StudioPartnersState, parse_contacts
from rxapp.state.studio.people import ProjectPeopleState
from services.studio import members, tasks
from tests.factories.studio import actor, make_studio
from tests.ui.conftest import run, signed_in, toasts


@pytest.fixture
def studio(session, world):
    return make_studio(session, world)


def test_contacts_as_people_type_them():
    found = parse_contacts("Kim, kim@v.example, 010-1234\n\nLee, 02-555\nPark")
    assert [(c.name, c.email, c.phone) for c in found] == [("Kim", "kim@v.example", "010-1234"), ("Lee", "", "02-555"),
                                                           ("Park", "", "")]


async def test_partners_page_adds_and_changes(engine, studio):
    pm = await signed_in(engine, StudioPartnersState, "prod.manager")
    await run(pm.load(), pm)
    assert pm.can_manage and not pm.can_change_bank
    vendor = next(r for r in pm.rows if r.name == "Vendor Anim")
    assert vendor.bank_account.startswith("*")
    await run(pm.open_form(vendor.id), pm)
    assert pm.form_open and pm.editing.name == "Vendor Anim"
    events = await run(pm.save({"name": "Vendor Anim", "business_number": "987", "contacts": "Kim, kim@v.example",
                                "bank_account": "SHOULD-NOT-COUNT"}), pm)
    assert toasts(events, "success") == ["Partner Vendor Anim saved"] and not pm.form_open
    vendor = next(r for r in pm.rows if r.name == "Vendor Anim")
    assert (vendor.business_number, vendor.contacts, vendor.bank_account[-4:]) == ("987", "Kim, kim@v.example", "3000")
    await run(pm.open_form(0), pm)
    await run(pm.save({"name": "Client TV"}), pm)
    assert pm.form_errors == {"name": "A partner of this name exists."} and pm.form_open
    await run(pm.save({"name": "Paint House", "contacts": ""}), pm)
    assert "Paint House" in [r.name for r in pm.rows]
    admin = await signed_in(engine, StudioPartnersState, "admin.a")
    await run(admin.load(), admin)
    admin.editing = next(r for r in admin.rows if r.name == "Paint House")
    await run(admin.save({"name": "Paint House", "bank_account": "JP-1234-5678"}), admin)
    assert next(r for r in admin.rows if r.name == "Paint House").bank_account == "JP-1234-5678"


async def test_people_page_slots_fill_and_empty(engine, session, studio):
    state = await signed_in(engine, ProjectPeopleState, "prod.manager")
    state.project_id = studio.project_id
    await run(state.load(), state)
    assert [m.role_title for m in state.member_lines] == ["Key Animator", "Animation Director"]
    assert state.member_lines[0].filled_by == "artist" and "artist" in [o.label for o in state.user_options]
    await run(state.add_partner({"partner_id": str(studio.vendor_id), "role": "subcontractor", "tier": "1"}), state)
    assert [(p.name, p.role, p.tier) for p in state.partner_lines] == [("Vendor Anim", "Subcontractor", 1)]
    await run(state.add_partner({"partner_id": str(studio.vendor_id), "role": "subcontractor", "tier": "5"}), state)
    assert state.partner_errors == {"tier": "0, 1 or 2."}
    await run(state.create_member({"role_title": "", "department": "CG"}), state)
    assert state.member_errors == {"role_title": "Required."}
    await run(state.create_member({"role_title": "Compositor", "department": "CG", "weekly_quota": "12"}), state)
    slot = next(m for m in state.member_lines if m.role_title == "Compositor")
    assert slot.quota == "12" and slot.filled_by == ""
    await run(state.open_link(slot.id), state)
    assert state.link_member_id == slot.id and state.link_role == "Compositor"
    await run(state.link({}), state)
    assert state.link_errors == {"user_id": "Choose a person or a vendor."}
    await run(state.link({"partner_id": str(studio.vendor_id)}), state)
    slot = next(m for m in state.member_lines if m.role_title == "Compositor")
    assert slot.filled_by == "Vendor Anim" and state.link_member_id == 0
    key_animator = state.member_lines[0].id
    assert toasts(await run(state.unlink(key_animator), state), "success")
    assert state.member_lines[0].filled_by == "" and state.member_lines[0].person == ""
    assert tasks.get_task_read(session, actor(session, studio.pm), studio.task_id).assignee_member_id == key_animator


async def test_people_page_read_only_for_artists_and_hidden_from_other_tenants(engine, studio):
    artist = await signed_in(engine, ProjectPeopleState, "artist")
    artist.project_id = studio.project_id
    await run(artist.load(), artist)
    assert not artist.can_manage and artist.user_options == [] and len(artist.member_lines) == 2
    assert toasts(await run(artist.unlink(artist.member_lines[0].id), artist), "error")
    other = await signed_in(engine, ProjectPeopleState, "admin.b")
    other.project_id = studio.project_id
    await run(other.load(), other)
    assert other.load_error == "Project not found."


async def test_task_assignment_form(engine, session, studio):
    pm = await signed_in(engine, TaskAssignState, "prod.manager")
    pm.task_id = studio.task_id
    await run(pm._load(), pm)
    slot = tasks.get_task_read(session, actor(session, studio.pm), studio.task_id).assignee_member_id
    assert pm.can_assign and pm.assignee == str(slot) and pm.spent == "0:00"
    await run(pm.save({"assignee_member_id": str(slot), "due_date": "2026-03-01", "start_date": "2026-03-05"}), pm)
    assert pm.errors == {"due_date": "On or after the start."}
    await run(pm.save({"assignee_member_id": "", "vendor_partner_id": str(studio.vendor_id), "estimate_hours": "lots"}), pm)
    assert set(pm.errors) == {"estimate_hours"}
    other_slot = members.list_members(session, actor(session, studio.pm), studio.project_id)[1].id
    events = await run(pm.save({"assignee_member_id": str(other_slot), "vendor_partner_id": str(studio.vendor_id),
                                "start_date": "2026-03-02", "due_date": "2026-03-06", "estimate_hours": "6,5"}), pm)
    assert toasts(events, "success") == ["EP01 C001: assignment saved"]
    task = tasks.get_task_read(session, actor(session, studio.pm), studio.task_id)
    assert (task.assignee_member_id, task.vendor_partner_id, str(task.due_date), task.estimate_hours) == (
        other_slot, studio.vendor_id, "2026-03-06", Decimal("6.5"))
    artist = await signed_in(engine, TaskAssignState, "artist")
    artist.task_id = studio.task_id
    await run(artist._load(), artist)
    assert not artist.can_assign
    assert toasts(await run(artist.save({"assignee_member_id": ""}), artist), "error")


async def test_partners_page_links_a_vendor_account(engine, session, studio, world):
    from tests.factories.org import make_user
    make_user(session, world.org_a, roles=["vendor"], username="new.vendor")
    pm = await signed_in(engine, StudioPartnersState, "prod.manager")
    await run(pm.load(), pm)
    vendor = next(r for r in pm.rows if r.name == "Vendor Anim")
    assert vendor.accounts == "vendor.user (vendor)" and [c.label for c in pm.candidates] == ["new.vendor (vendor)"]
    await run(pm.link_account({"user_id": pm.candidates[0].value}), pm)
    assert pm.account_errors == {"partner_id": "Choose one."}
    events = await run(pm.link_account({"user_id": pm.candidates[0].value, "partner_id": str(vendor.id)}), pm)
    assert toasts(events, "success") == ["Account linked"] and pm.candidates == []
    assert next(r for r in pm.rows if r.name == "Vendor Anim").accounts == "new.vendor (vendor), vendor.user (vendor)"
