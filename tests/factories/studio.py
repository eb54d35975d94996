"""Studio test data: a project with the 2D TV template, a lead, an artist, a PM, a vendor and a client."""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from sqlmodel import Session

from services.core.db import transaction
from services.studio import breakdown, episodes, members, partners, projects, tasks
from services.studio.files import Upload
from tests.conftest import T0
from tests.factories.org import World, actor_of, make_user


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), color).save(out, format="PNG")
    return out.getvalue()


def png(name: str = "frame.png") -> Upload:
    return Upload(filename=name, content_type="image/png", data=png_bytes())


@dataclass
class Studio:
    world: World
    project_id: int
    episode_id: int
    cut_id: int
    task_id: int          # the cut's key-animation task, assigned to the artist's slot
    vendor_task_id: int   # the cut's in-between task, given to the vendor
    artist: int
    lead: int
    pm: int
    vendor_user: int
    client_user: int
    vendor_id: int
    other_vendor_user: int
    client_id: int


def make_studio(session: Session, world: World) -> Studio:
    org = world.org_a
    artist = make_user(session, org, roles=["operator"], username="artist")
    lead = make_user(session, org, roles=["supervisor"], username="lead")
    pm = make_user(session, org, roles=["manager"], username="prod.manager")
    vendor_user = make_user(session, org, roles=["vendor"], username="vendor.user")
    other_vendor_user = make_user(session, org, roles=["vendor"], username="other.vendor")
    client_user = make_user(session, org, roles=["client"], username="client.user")
    admin = world.actor(world.admin_a)
    with transaction(session):
        client = partners.create_partner(session, admin, partners.PartnerCreate(name="Client TV"), now=T0)
        vendor = partners.create_partner(session, admin, partners.PartnerCreate(
            name="Vendor Anim", bank_account="DE89370400440532013000"), now=T0)
        other = partners.create_partner(session, admin, partners.PartnerCreate(name="Other Vendor"), now=T0)
        partners.link_account(session, admin, vendor_user, vendor.id, now=T0)
        partners.link_account(session, admin, other_vendor_user, other.id, now=T0)
        partners.link_account(session, admin, client_user, client.id, now=T0)
        template = next(t for t in projects.list_templates(session, admin) if t.name == "TV series (2D)")
        project = projects.create_project(session, admin, projects.ProjectCreate(
            name="Star Seeds", name2="星の種", template_id=template.id, client_partner_id=client.id), now=T0)
        episode = episodes.create_episode(session, admin, project.id, 1, now=T0)
        cut = breakdown.create_cut(session, admin, project.id, breakdown.CutCreate(
            code="C001", episode_id=episode.id, frame_in=1, frame_out=48), now=T0)
        slot = members.create_member(session, admin, project.id, members.MemberCreate(
            role_title="Key Animator", department="Animation"), now=T0)
        members.create_member(session, admin, project.id, members.MemberCreate(
            role_title="Animation Director", department="Animation", is_lead=True), now=T0)
        members.link_member(session, admin, slot.id, user_id=artist, now=T0)
        lead_slot = members.list_members(session, admin, project.id)[1]
        members.link_member(session, admin, lead_slot.id, user_id=lead, now=T0)
        by_step = {t.step_key: t.id for t in tasks.list_tasks(session, admin, project_id=project.id)}
        tasks.update_task(session, admin, by_step["key_animation"], tasks.TaskUpdate(assignee_member_id=slot.id), now=T0)
        tasks.update_task(session, admin, by_step["in_between"], tasks.TaskUpdate(vendor_partner_id=vendor.id), now=T0)
    return Studio(world=world, project_id=project.id, episode_id=episode.id, cut_id=cut.id,
                  task_id=by_step["key_animation"], vendor_task_id=by_step["in_between"], artist=artist, lead=lead,
                  pm=pm, vendor_user=vendor_user, client_user=client_user, vendor_id=vendor.id,
                  other_vendor_user=other_vendor_user, client_id=client.id)


def actor(session: Session, user_id: int):
    return actor_of(session, user_id)
