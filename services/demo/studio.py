"""Demo studio work for Acme: a 12-episode TV series (episode 1 fully broken down into 300 cuts,
episodes 2-12 partly, 40 cuts each), a film with assets, two subcontractors with vendor accounts,
a client with an account, and reviews with rework loops (stored images under the studio files folder).
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from PIL import Image
from sqlmodel import Session, select

from models.base import pk
from models.user import User
from services.config import type_lists
from services.demo.production import demo_actor
from services.studio import breakdown, episodes, members, partners, projects, reviews, tasks
from services.studio.common import ASSET_KINDS
from services.studio.files import Upload
from services.studio.reviews import Decision


def _frame(color: str) -> Upload:
    out = io.BytesIO()
    Image.new("RGB", (480, 270), color).save(out, format="PNG")
    return Upload(filename=f"{color}.png", content_type="image/png", data=out.getvalue())


def seed_demo_studio(session: Session, organization_id: int, *, now: datetime) -> None:
    admin = demo_actor(session, "admin")
    client = partners.create_partner(session, admin, partners.PartnerCreate(
        name="Aurora Broadcasting", name2="オーロラ放送", business_number="DE-811-222-333"), now=now)
    sakura = partners.create_partner(session, admin, partners.PartnerCreate(
        name="Sakura Douga", name2="さくら動画", business_number="JP-7010001-000001",
        bank_account="JP-MIZUHO-1234567", contacts=[partners.Contact(name="Saki Sakura", email="saki@sakura.example")]),
        now=now)
    hanoi = partners.create_partner(session, admin, partners.PartnerCreate(
        name="Hanoi Inbetween", business_number="VN-0101234567", bank_account="VN-VCB-99887766"), now=now)
    for username, partner in (("vendor.sakura", sakura), ("vendor.hanoi", hanoi), ("client.tv", client)):
        user = session.exec(select(User).where(User.username == username)).one()
        partners.link_account(session, admin, pk(user), partner.id, now=now)
    templates = {t.name: t.id for t in projects.list_templates(session, admin)}
    start = now.date() - timedelta(days=21)
    series = projects.create_project(session, admin, projects.ProjectCreate(
        name="Star Seeds", name2="星の種", template_id=templates["TV series (2D)"], client_partner_id=client.id,
        budget="2400000.00", currency="EUR", start_date=start, deadline=start + timedelta(days=180), status="active"),
        now=now)
    for partner, role, tier in ((client, "client", 0), (sakura, "subcontractor", 1), (hanoi, "subcontractor", 2)):
        partners.add_to_project(session, admin, series.id, partner.id, role, tier=tier, now=now)
    breakdown.bulk_create(session, admin, series.id, breakdown.BulkCreate(
        episode_from=1, episode_to=1, cut_from=1, cut_to=300, frames_per_cut=96), now=now)
    breakdown.bulk_create(session, admin, series.id, breakdown.BulkCreate(
        episode_from=2, episode_to=12, cut_from=1, cut_to=40, frames_per_cut=96), now=now)
    for number, (name, name2) in enumerate((("The first sprout", "はじまりの芽"), ("Rain", "雨の日")), start=1):
        episode = next(e for e in episodes.list_episodes(session, admin, series.id) if e.number == number)
        episodes.update_episode(session, admin, episode.id, episodes.EpisodeUpdate(name=name, name2=name2), now=now)
    slots = _slots(session, admin, series.id, now)
    _assign_and_review(session, series.id, slots, sakura.id, hanoi.id, start, now)
    film = projects.create_project(session, admin, projects.ProjectCreate(
        name="The Lighthouse Keeper", name2="灯台守", template_id=templates["Film (3D)"], budget="900000.00",
        start_date=start, deadline=start + timedelta(days=365), status="active"), now=now)
    kinds = {v.code: v.id for v in _kinds(session, admin)}
    for code, name, name2, kind in (("CH_KEEPER", "The keeper", "灯台守", "CHARACTER"), ("CH_GULL", "Gull", "カモメ", "CHARACTER"),
                                    ("PR_LAMP", "Lamp", "ランプ", "PROP"), ("SET_TOWER", "Tower", "灯台", "SET"),
                                    ("FX_STORM", "Storm", "嵐", "FX")):
        breakdown.create_asset(session, admin, film.id, breakdown.AssetCreate(
            code=code, name=name, name2=name2, kind_value_id=kinds.get(kind)), now=now)
    shot = breakdown.create_cut(session, admin, film.id, breakdown.CutCreate(code="SH010", frame_in=1001,
                                                                             frame_out=1096), now=now)
    for asset in breakdown.list_assets(session, admin, film.id)[:3]:
        breakdown.cast_asset(session, admin, shot.id, asset.id, now=now)


def _kinds(session: Session, actor):
    return type_lists.values(session, actor, ASSET_KINDS)


def _slots(session: Session, admin, project_id: int, now: datetime) -> dict[str, int]:
    specs = [("Director", "監督", "Direction", "operator", False), ("Animation Director", "作画監督", "Animation",
             "supervisor", True), ("Key Animator", "原画", "Animation", "operator", False),
             ("Production Manager", "制作デスク", "Production", "manager", False)]
    slots = {}
    for title, title2, department, username, lead in specs:
        slot = members.create_member(session, admin, project_id, members.MemberCreate(
            role_title=title, role_title2=title2, department=department, is_lead=lead, weekly_quota=40), now=now)
        user_id = session.exec(select(User.id).where(User.username == username)).one()
        members.link_member(session, admin, slot.id, user_id=user_id, now=now)
        slots[title] = slot.id
    members.create_member(session, admin, project_id, members.MemberCreate(
        role_title="Background Artist", department="Art"), now=now)        # a slot nobody fills yet
    members.create_member(session, admin, project_id, members.MemberCreate(     # credited in hangul to Korean viewers
        role_title="Colour Designer", role_title2="色彩設計", department="Art", person_name="Park Ji-woo",
        person_name2="박지우"), now=now)
    return slots


def _assign_and_review(session: Session, project_id: int, slots: dict[str, int], sakura: int, hanoi: int,
                       start: date, now: datetime) -> None:
    admin = demo_actor(session, "admin")
    artist, lead, pm = demo_actor(session, "operator"), demo_actor(session, "supervisor"), demo_actor(session, "manager")
    episode1 = episodes.list_episodes(session, admin, project_id)[0].id
    rows = tasks.list_tasks(session, admin, project_id=project_id, episode_id=episode1, limit=5000)
    groups: dict[tuple, list[int]] = {}
    for task in rows:
        n = int(task.entity_code.split("C")[-1])
        who = ("member", slots["Key Animator"]) if task.step_key == "key_animation" and n <= 30 else \
            ("vendor", sakura) if task.step_key == "key_animation" else \
            ("vendor", hanoi) if task.step_key == "in_between" else (None, None)
        groups.setdefault((n // 30, task.step_key, who), []).append(task.id)
    for (bucket, _, (kind, ref)), ids in groups.items():
        update = tasks.TaskUpdate(start_date=start + timedelta(days=3 * bucket),
                                  due_date=start + timedelta(days=14 + 3 * bucket))
        if kind == "member":
            update.assignee_member_id = ref
        elif kind == "vendor":
            update.vendor_partner_id = ref
        tasks.bulk_update(session, admin, ids, update, now=now)
    key_tasks = [t for t in rows if t.step_key == "key_animation"][:12]
    for i, task in enumerate(key_tasks):
        at = now - timedelta(days=12 - i)
        reviews.submit_version(session, artist, task.id, [_frame("steelblue")], comment="first pass", now=at)
        if i % 3 == 0:     # a QC1 rework loop
            reviews.decide(session, lead, task.id, "qc1", Decision(decision="reject", reason="off model",
                                                                   comment="Face off model at frame 24", frame=24), now=at)
            reviews.submit_version(session, artist, task.id, [_frame("seagreen")], comment="fixed", now=at)
        if i < 9:
            reviews.decide(session, lead, task.id, "qc1", Decision(decision="approve"), now=at + timedelta(hours=2))
        if i < 6:
            reject = i == 1
            reviews.decide(session, pm, task.id, "qc2", Decision(
                decision="reject" if reject else "approve", comment="Timing: hold two frames longer" if reject else "",
                timecode="00:00:03:12" if reject else "", share_with_client=not reject), now=at + timedelta(hours=4))
