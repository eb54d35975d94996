"""Invitations: an admin invites a person by email with roles and plants; the person opens the one-time link,
chooses a username, name and password (and sets up two-factor log-in when their role requires it) and is
logged in.

Invariants:
- MANAGE_USERS invites, lists, resends and revokes, in the actor's organization only (another
  organization's invitation is NotFound); plants must be the organization's, roles known ones: built-in
  roles (given organization-wide) or the organization's own roles (granted at each invited plant, so an
  invitation with one of them names at least one plant).
- The link carries a random token of which only the SHA-256 is stored; it works once, until `expires_at`
  (`valid_days`, 1 to MAX_VALID_DAYS, default DEFAULT_VALID_DAYS), and not after a revocation. A resend
  makes a new token (the old link stops working) and a new expiry.
- The email goes through the outbox (the mail sender delivers it), written in the language the admin chose
  for the person (`language`), else in the organization's default language of the time it is sent (the
  invitee has no account, so no language of their own yet); the account made on accepting gets the chosen
  language as its own. One pending invitation per address, and no invitation to the address of an active
  user of the organization.
- Accepting creates the user with the invitation's built-in roles and plants (users.create_user's checks),
  grants its own roles at its plants (services/org/role_grants.py; a role deleted since is skipped) and then
  logs them in through services/org/auth.py, which asks for the two-factor set-up when the policy requires
  it. Everything is audited; nothing here commits.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, col, func, select

from models.base import pk
from models.config import EmailOutbox
from models.organization import Organization
from models.roles import OrgRole
from models.user import Invitation, Role, User
from services.config.events import EmailQueued
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Invalid, Unauthorized
from services.core.events import record
from services.core.languages import normalize
from services.core.messages import render, t
from services.core.scoping import get_scoped
from services.core.validation import EMAIL_RE, check
from services.org import auth, organizations, role_grants, users
from services.org.languages import organization_language, organization_setting
from services.org.tokens import hash_token, new_token

DEFAULT_VALID_DAYS = 7
MAX_VALID_DAYS = 30
ACCEPT_PATH = "/invitation"
GONE = t("This invitation link is not valid any more: it was used, revoked, replaced or has expired. Ask your "
         "administrator for a new one.")


class InvitationCreate(BaseModel):
    email: str = Field(max_length=254)
    full_name: str = Field(default="", max_length=200)
    roles: list[str] = Field(default_factory=list)
    plant_ids: list[int] = Field(default_factory=list)
    valid_days: int = DEFAULT_VALID_DAYS
    language: str | None = None         # en, ja or ko: the email's and the account's; None: the organization's


class InvitationRead(BaseModel):
    id: int
    email: str
    full_name: str
    roles: list[str]
    plant_ids: list[int]
    language: str | None                # None: the organization's default
    status: str                         # pending | accepted | revoked | expired
    expires_at: datetime
    sent_at: datetime
    send_count: int
    accepted_at: datetime | None
    accepted_user_id: int | None
    created_at: datetime


class InvitationSent(BaseModel):
    invitation: InvitationRead
    link: str                           # the one-time link, as mailed (shown to the admin once, too)


class InvitationPreview(BaseModel):
    """What the invitee sees before accepting."""
    organization_name: str
    email: str
    full_name: str
    roles: list[str]
    suggested_username: str
    expires_at: datetime
    language: str | None = None         # the language to greet them in: the one chosen for them, else the
    #                                     organization's settings'; None: the browser's


class InvitationAccept(BaseModel):
    username: str = Field(max_length=64)
    full_name: str = Field(default="", max_length=200)
    password: str = Field(max_length=256)


def invite(session: Session, actor: Actor, data: InvitationCreate, *, now: datetime) -> InvitationSent:
    require(actor, Permission.MANAGE_USERS)
    email = (data.email or "").strip().lower()
    problems: dict[str, str] = {}
    if not EMAIL_RE.match(email):
        problems["email"] = t("This is not an email address.")
    if not 1 <= data.valid_days <= MAX_VALID_DAYS:
        problems["valid_days"] = t("Use 1 to {max_days} days.", max_days=MAX_VALID_DAYS)
    plant_ids = _plants(session, actor, data.plant_ids, problems)
    roles = _roles(session, actor.organization_id, data.roles, plant_ids, problems)
    language = _language(data.language, problems)
    check(problems)
    _refuse_duplicates(session, actor, email, now)
    token = new_token("tki")
    row = Invitation(organization_id=actor.organization_id, email=email, full_name=(data.full_name or "").strip(),
                     roles=",".join(roles), plant_ids=",".join(str(p) for p in plant_ids), language=language,
                     token_hash=hash_token(token),
                     expires_at=now + timedelta(days=data.valid_days), sent_at=now, created_at=now, updated_at=now,
                     created_by=actor.user_id, updated_by=actor.user_id)
    session.add(row)
    session.flush()
    link = _mail(session, actor, row, token, now)
    audit(session, actor, "invitation", row.id, "create", {"email": email, "roles": roles, "plant_ids": plant_ids,
                                                            "language": language,
                                                            "expires_at": row.expires_at.isoformat()}, at=now)
    return InvitationSent(invitation=_read(row, now), link=link)


def resend(session: Session, actor: Actor, invitation_id: int, *, now: datetime,
           valid_days: int = DEFAULT_VALID_DAYS) -> InvitationSent:
    """A new link (the old one stops working) with a new expiry, mailed again."""
    require(actor, Permission.MANAGE_USERS)
    row = get_scoped(session, actor, Invitation, invitation_id, t("Invitation"))
    if row.accepted_at is not None or row.revoked_at is not None:
        raise Conflict(t("This invitation was accepted or revoked: invite the person again instead."))
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise Invalid(fields={"valid_days": t("Use 1 to {max_days} days.", max_days=MAX_VALID_DAYS)})
    token = new_token("tki")
    row.token_hash, row.expires_at, row.sent_at = hash_token(token), now + timedelta(days=valid_days), now
    row.send_count += 1
    row.updated_at, row.updated_by = now, actor.user_id
    session.add(row)
    link = _mail(session, actor, row, token, now)
    audit(session, actor, "invitation", row.id, "resend", {"expires_at": row.expires_at.isoformat()}, at=now)
    return InvitationSent(invitation=_read(row, now), link=link)


def revoke(session: Session, actor: Actor, invitation_id: int, *, now: datetime) -> InvitationRead:
    require(actor, Permission.MANAGE_USERS)
    row = get_scoped(session, actor, Invitation, invitation_id, t("Invitation"))
    if row.accepted_at is not None:
        raise Conflict(t("This invitation was accepted already: deactivate the user instead."))
    if row.revoked_at is None:
        row.revoked_at, row.updated_at, row.updated_by = now, now, actor.user_id
        session.add(row)
        audit(session, actor, "invitation", row.id, "revoke", {"email": row.email}, at=now)
    return _read(row, now)


def list_invitations(session: Session, actor: Actor, *, now: datetime, pending_only: bool = False,
                     limit: int = 200) -> list[InvitationRead]:
    """The organization's invitations, newest first; `pending_only` keeps the ones whose link still works."""
    require(actor, Permission.MANAGE_USERS)
    query = select(Invitation).where(Invitation.organization_id == actor.organization_id)
    if pending_only:
        query = query.where(col(Invitation.accepted_at).is_(None), col(Invitation.revoked_at).is_(None),
                            Invitation.expires_at > now)
    rows = session.exec(query.order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
                        .limit(min(max(limit, 1), 500))).all()
    return [_read(r, now) for r in rows]


def preview(session: Session, token: str, *, now: datetime) -> InvitationPreview:
    row = _open(session, token, now)
    organization = session.get(Organization, row.organization_id)
    return InvitationPreview(organization_name=organization.name if organization else "", email=row.email,
                             full_name=row.full_name, roles=_split(row.roles), expires_at=row.expires_at,
                             suggested_username=_suggest_username(row.email),
                             language=row.language or normalize(organization_setting(session, row.organization_id)))


def accept(session: Session, token: str, data: InvitationAccept, *, now: datetime, ip: str | None = None,
           client: str = "ui") -> auth.LoginResult | auth.SecondFactorChallenge:
    """Create the invited user and log them in (a challenge when their role requires two-factor log-in)."""
    row = _open(session, token, now)
    system = organizations.system_actor(session, row.organization_id)
    builtin = {r.value for r in Role}
    plant_ids = [int(p) for p in _split(row.plant_ids)]
    created = users.create_user(session, system, users.UserCreate(
        username=data.username, full_name=data.full_name or row.full_name, email=row.email, password=data.password,
        roles=[r for r in _split(row.roles) if r in builtin], plant_ids=plant_ids), now=now)
    if row.language:
        user = session.get(User, created.id)
        assert user is not None                          # just created in this transaction
        user.language = row.language
        session.add(user)
    for role_id in _own_role_ids(session, row.organization_id, [r for r in _split(row.roles) if r not in builtin]):
        for plant_id in plant_ids:
            role_grants.grant_role(session, system, role_grants.GrantCreate(user_id=created.id, role_id=role_id,
                                                                            plant_id=plant_id), now=now)
    row.accepted_at, row.accepted_user_id, row.updated_at = now, created.id, now
    session.add(row)
    audit(session, None, "invitation", row.id, "accept", {"user_id": created.id, "username": created.username},
          organization_id=row.organization_id, at=now)
    return auth.login(session, created.username, data.password, now=now, ip=ip, client=client)


def status_of(row: Invitation, now: datetime) -> str:
    if row.accepted_at is not None:
        return "accepted"
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if row.expires_at <= now else "pending"


def _open(session: Session, token: str, now: datetime) -> Invitation:
    row = session.exec(select(Invitation).where(Invitation.token_hash == hash_token(token or ""))).first()
    if row is None or status_of(row, now) != "pending":
        raise Unauthorized(GONE)
    organization = session.get(Organization, row.organization_id)
    if organization is None or not organization.is_active:
        raise Unauthorized(GONE)
    return row


def _mail(session: Session, actor: Actor, row: Invitation, token: str, now: datetime) -> str:
    link = f"{os.environ.get('TAKT_PUBLIC_URL', '').rstrip('/')}{ACCEPT_PATH}?token={token}"
    organization = session.get(Organization, row.organization_id)
    name = organization.name if organization else "Takt"
    lang = row.language or organization_language(session, row.organization_id)
    inviter = actor.username or t("An administrator")
    subject = t("Your invitation to {organization} on Takt", organization=name)
    body = t("{inviter} invites you to {organization} on Takt.\n\n"
             "Open this link to choose your username and password:\n{link}\n\n"
             "The link works once, until {until:%Y-%m-%d %H:%M} UTC.",
             inviter=inviter, organization=name, link=link, until=row.expires_at)
    session.add(EmailOutbox(organization_id=row.organization_id, to_address=row.email,
                            subject=render(subject, lang)[:200], body=render(body, lang), next_attempt_at=now,
                            created_at=now))
    session.flush()
    record(session, EmailQueued(organization_id=row.organization_id, actor_user_id=actor.user_id, at=now))
    return link


def _refuse_duplicates(session: Session, actor: Actor, email: str, now: datetime) -> None:
    taken = session.exec(select(User.id).where(User.organization_id == actor.organization_id, User.is_active == True,  # noqa: E712
                                               func.lower(col(User.email)) == email)).first()
    if taken is not None:
        raise Conflict(t("A user of your organization has this email address already."),
                       fields={"email": t("Already a user.")})
    pending = session.exec(select(Invitation.id).where(
        Invitation.organization_id == actor.organization_id, Invitation.email == email,
        col(Invitation.accepted_at).is_(None), col(Invitation.revoked_at).is_(None), Invitation.expires_at > now)).first()
    if pending is not None:
        raise Conflict(t("This address has a pending invitation: resend or revoke it."),
                       fields={"email": t("Invited already.")})


def _roles(session: Session, organization_id: int, values: list[str], plant_ids: list[int],
           problems: dict[str, str]) -> list[str]:
    """Built-in role values and the organization's own role keys, checked."""
    roles = sorted({str(v).strip().lower() for v in values or [] if str(v).strip()})
    own = [r for r in roles if r not in {role.value for role in Role}]
    known = set(session.exec(select(OrgRole.key).where(OrgRole.organization_id == organization_id,
                                                       col(OrgRole.builtin).is_(False), col(OrgRole.key).in_(own))).all())
    unknown = [r for r in own if r not in known]
    if unknown:
        problems["roles"] = t("Unknown role {roles}.", roles=", ".join(unknown))
    elif not roles:
        problems["roles"] = t("Give at least one role.")
    elif own and not plant_ids:
        problems["plant_ids"] = t("Roles of your own are given at plants: choose at least one plant.")
    return roles


def _language(value: str | None, problems: dict[str, str]) -> str | None:
    """The chosen language (None: the organization's), or a problem when Takt does not speak it."""
    if value is None or not value.strip():
        return None
    lang = normalize(value)
    if lang is None or lang != value.strip().lower():
        problems["language"] = t("Choose one of the languages Takt speaks.")
    return lang


def _own_role_ids(session: Session, organization_id: int, keys: list[str]) -> list[int]:
    if not keys:
        return []
    return [pk(r) for r in session.exec(select(OrgRole).where(
        OrgRole.organization_id == organization_id, col(OrgRole.builtin).is_(False), col(OrgRole.key).in_(keys))
        .order_by(col(OrgRole.id))).all()]


def _plants(session: Session, actor: Actor, plant_ids: list[int], problems: dict[str, str]) -> list[int]:
    found = users.organization_plants(session, actor, plant_ids)
    if set(plant_ids or []) - found:
        problems["plant_ids"] = t("Unknown plant id(s): {ids}.", ids=", ".join(str(p) for p in sorted(set(plant_ids) - found)))
    return sorted(found)


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _suggest_username(email: str) -> str:
    local = "".join(c for c in email.split("@")[0].lower() if c.isalnum() or c in "._-")
    return local[:64] if len(local) >= 3 else ""


def _read(row: Invitation, now: datetime) -> InvitationRead:
    return InvitationRead(id=pk(row), email=row.email, full_name=row.full_name, roles=_split(row.roles),
                          plant_ids=[int(p) for p in _split(row.plant_ids)], language=row.language,
                          status=status_of(row, now),
                          expires_at=row.expires_at, sent_at=row.sent_at, send_count=row.send_count,
                          accepted_at=row.accepted_at, accepted_user_id=row.accepted_user_id, created_at=row.created_at)
