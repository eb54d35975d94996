"""Two-factor log-in: authenticator (TOTP, RFC 6238) enrolment, single-use recovery codes, and the
organization's policy of the roles that must log in with a second factor.

Invariants:
- A person is enrolled once they confirmed a code of their new secret; until then the secret is pending
  and the log-in asks for nothing more. The secret is stored encrypted with the application key
  (services/core/secret_box.py); another key refuses with SecretKeyMismatch, never reads it as plaintext.
  Confirming makes RECOVERY_CODES new recovery codes, returned once and stored only as SHA-256 hashes;
  each is accepted once.
- A code is accepted for the current 30-second step or the one either side, and never for a step at or
  before the last one accepted (a code read over a shoulder cannot be replayed).
- Turning it off and making new recovery codes need the current password; turning it off is refused
  while the organization's policy requires it for one of the person's roles (the policy names the
  organization's role keys, built-in or its own; a role counts whether assigned or granted at a plant). Admins (MANAGE_USERS) edit
  the policy of their organization only, and reset a person's second factor (a lost phone).
- API tokens are not people and never meet a second factor. Every change is audited and nothing here
  commits; the log-in's rate limit on codes lives with the log-in (services/org/auth.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from pydantic import BaseModel
from sqlmodel import Session, col, delete, func, select

from models.auth import RecoveryCode, TwoFactorPolicy, UserTwoFactor
from models.base import pk
from models.organization import Organization
from models.roles import OrgRole, RoleGrant
from models.user import Role, RoleAssignment, User
from services.core import secret_box
from services.core.access import Actor, Permission, require
from services.core.audit import audit
from services.core.errors import Conflict, Forbidden, Invalid, NotFound
from services.core.messages import t
from services.core.scoping import get_scoped
from services.org import passwords

ISSUER = "Takt"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"      # no 0/o, 1/l/i to misread


class Enrolment(BaseModel):
    """What an authenticator app needs: the secret (to type in), its otpauth:// URI and that URI as a QR code."""
    secret: str
    uri: str
    qr_svg_data_url: str


class TwoFactorStatus(BaseModel):
    enrolled: bool
    pending: bool                       # a secret was made but not confirmed yet
    required: bool                      # the organization's policy requires it for one of the person's roles
    recovery_codes_left: int
    confirmed_at: datetime | None


class RoleChoice(BaseModel):
    key: str
    name: str


class TwoFactorPolicyRead(BaseModel):
    required_roles: list[str]
    updated_at: datetime | None
    known_roles: list[RoleChoice]           # the organization's roles (built-in and its own), by key


# ----- the policy -------------------------------------------------------------------------------

def required_roles(session: Session, organization_id: int) -> set[str]:
    policy = session.exec(select(TwoFactorPolicy).where(TwoFactorPolicy.organization_id == organization_id)).first()
    return {r for r in (policy.required_roles.split(",") if policy else []) if r}


def is_required(session: Session, user: User) -> bool:
    """True when one of the person's roles (assigned organization-wide, or granted at a plant) is in the policy."""
    wanted = required_roles(session, user.organization_id)
    if not wanted:
        return False
    assigned = {str(r) for r in session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)).all()}
    granted = set(session.exec(select(OrgRole.key).join(RoleGrant, col(RoleGrant.role_id) == OrgRole.id).where(
        RoleGrant.user_id == user.id, OrgRole.organization_id == user.organization_id)).all())
    return not wanted.isdisjoint(assigned | granted)


def get_policy(session: Session, actor: Actor) -> TwoFactorPolicyRead:
    require(actor, Permission.MANAGE_USERS)
    policy = session.exec(select(TwoFactorPolicy).where(TwoFactorPolicy.organization_id == actor.organization_id)).first()
    return TwoFactorPolicyRead(required_roles=sorted(required_roles(session, actor.organization_id)),
                               updated_at=policy.updated_at if policy else None,
                               known_roles=_known_roles(session, actor.organization_id))


def set_policy(session: Session, actor: Actor, roles: list[str], *, now: datetime) -> TwoFactorPolicyRead:
    """Which roles must log in with a second factor; their people enrol at their next log-in."""
    require(actor, Permission.MANAGE_USERS)
    wanted = {str(r).strip().lower() for r in roles or [] if str(r).strip()}
    unknown = sorted(wanted - {r.key for r in _known_roles(session, actor.organization_id)})
    if unknown:
        raise Invalid(t("Unknown role."), fields={"required_roles": t("Unknown role {unknown}.",
                                                                   unknown=', '.join(unknown))})
    policy = session.exec(select(TwoFactorPolicy).where(TwoFactorPolicy.organization_id == actor.organization_id)).first()
    before = sorted(required_roles(session, actor.organization_id))
    if policy is None:
        policy = TwoFactorPolicy(organization_id=actor.organization_id)
    if before != sorted(wanted):
        policy.required_roles, policy.updated_at, policy.updated_by = ",".join(sorted(wanted)), now, actor.user_id
        session.add(policy)
        session.flush()
        audit(session, actor, "two_factor_policy", policy.id, "update",
              {"required_roles": {"before": before, "after": sorted(wanted)}}, at=now)
    return get_policy(session, actor)


class PersonTwoFactor(BaseModel):
    user_id: int
    username: str
    full_name: str
    enrolled: bool
    required: bool


def list_people(session: Session, actor: Actor) -> list[PersonTwoFactor]:
    """The organization's active people with whether they use a second factor and whether the policy requires it
    (four queries, whatever the number of people)."""
    require(actor, Permission.MANAGE_USERS)
    people = session.exec(select(User).where(User.organization_id == actor.organization_id, User.is_active == True)  # noqa: E712
                          .order_by(col(User.username))).all()
    ids = [pk(p) for p in people]
    enrolled = set(session.exec(select(UserTwoFactor.user_id).where(
        col(UserTwoFactor.user_id).in_(ids), col(UserTwoFactor.confirmed_at).is_not(None))).all())
    wanted = required_roles(session, actor.organization_id)
    holding: set[int] = set()
    if wanted:
        holding |= set(session.exec(select(RoleAssignment.user_id).where(
            col(RoleAssignment.user_id).in_(ids),
            col(RoleAssignment.role).in_([r for r in Role if r.value in wanted]))).all())
        holding |= set(session.exec(select(RoleGrant.user_id).join(OrgRole, col(RoleGrant.role_id) == OrgRole.id).where(
            col(RoleGrant.user_id).in_(ids), col(OrgRole.key).in_(sorted(wanted)),
            OrgRole.organization_id == actor.organization_id)).all())
    return [PersonTwoFactor(user_id=pk(p), username=p.username, full_name=p.full_name, enrolled=p.id in enrolled,
                            required=p.id in holding) for p in people]


# ----- a person's own second factor -----------------------------------------------------------

def status(session: Session, actor: Actor) -> TwoFactorStatus:
    return status_of(session, _person(session, actor))


def status_of(session: Session, user: User) -> TwoFactorStatus:
    row = _row(session, pk(user))
    left = session.exec(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None))).one()
    return TwoFactorStatus(enrolled=is_enrolled(row), pending=row is not None and row.confirmed_at is None,
                           required=is_required(session, user), recovery_codes_left=left,
                           confirmed_at=row.confirmed_at if row else None)


def begin_enrolment(session: Session, actor: Actor, *, now: datetime) -> Enrolment:
    """A new pending secret for the signed-in person (replacing an unconfirmed one)."""
    return start_enrolment(session, _person(session, actor), now=now)


def confirm_enrolment(session: Session, actor: Actor, code: str, *, now: datetime) -> list[str]:
    """Turn it on with a code of the pending secret; the new recovery codes, shown this once."""
    user = _person(session, actor)
    codes = confirm(session, user, code, now=now)
    audit(session, actor, "user", user.id, "two_factor_enrol", at=now)
    return codes


def disable(session: Session, actor: Actor, password: str, *, now: datetime) -> None:
    user = _person(session, actor)
    _check_password(user, password)
    if is_required(session, user):
        raise Forbidden(t("Your organization requires two-factor log-in for your role: it cannot be turned off."))
    if _row(session, pk(user)) is None:
        return
    _remove(session, pk(user))
    audit(session, actor, "user", user.id, "two_factor_disable", at=now)


def regenerate_recovery_codes(session: Session, actor: Actor, password: str, *, now: datetime) -> list[str]:
    user = _person(session, actor)
    _check_password(user, password)
    if not is_enrolled(_row(session, pk(user))):
        raise Conflict(t("Two-factor log-in is off: there are no recovery codes to renew."))
    codes = _new_recovery_codes(session, pk(user), now)
    audit(session, actor, "user", user.id, "two_factor_recovery_codes", at=now)
    return codes


def reset_for_user(session: Session, actor: Actor, user_id: int, *, now: datetime) -> None:
    """An admin clears a person's second factor (a lost phone); a required one is set up again at log-in."""
    require(actor, Permission.MANAGE_USERS)
    user = get_scoped(session, actor, User, user_id, t("User"))
    _remove(session, pk(user))
    audit(session, actor, "user", user.id, "two_factor_reset", at=now)


# ----- used by the log-in (services/org/auth.py) -------------------------------------------------

def is_enrolled(row: UserTwoFactor | None) -> bool:
    return row is not None and row.confirmed_at is not None


def enrolment_row(session: Session, user_id: int) -> UserTwoFactor | None:
    return _row(session, user_id)


def start_enrolment(session: Session, user: User, *, now: datetime) -> Enrolment:
    row = _row(session, pk(user))
    if is_enrolled(row):
        raise Conflict(t("Two-factor log-in is already on. Turn it off first to move it to a new device."))
    row = row or UserTwoFactor(user_id=pk(user), secret="")
    secret = pyotp.random_base32()
    row.secret, row.created_at, row.last_step = secret_box.encrypt(secret), now, 0
    session.add(row)
    session.flush()
    return enrolment_for(session, user, secret)


def pending_enrolment(session: Session, user: User) -> Enrolment | None:
    row = _row(session, pk(user))
    return enrolment_for(session, user, _secret(row)) if row is not None and row.confirmed_at is None else None


def enrolment_for(session: Session, user: User, secret: str) -> Enrolment:
    organization = session.get(Organization, user.organization_id)
    issuer = f"{ISSUER} ({organization.name})" if organization else ISSUER
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)
    svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).to_string()
    return Enrolment(secret=secret, uri=uri,
                     qr_svg_data_url="data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"))


def confirm(session: Session, user: User, code: str, *, now: datetime) -> list[str]:
    row = _row(session, pk(user))
    if row is None or row.confirmed_at is not None:
        raise Conflict(t("There is no two-factor set-up waiting for a code: start it again."))
    step = matching_step(_secret(row), code, now, after=0)
    if step is None:
        raise Invalid(t("The code does not match."), fields={"code": t("Enter the 6 digits your app shows now.")})
    row.confirmed_at, row.last_step = now, step
    session.add(row)
    return _new_recovery_codes(session, pk(user), now)


def verify(session: Session, user: User, code: str, *, now: datetime) -> str | None:
    """Accept an authenticator code or an unused recovery code: which one it was ("totp", "recovery"),
    or None when it is wrong (nothing changes then)."""
    row = _row(session, pk(user))
    if not is_enrolled(row) or row is None:
        return None
    cleaned = "".join((code or "").split())
    if cleaned.isdigit():
        step = matching_step(_secret(row), cleaned, now, after=row.last_step)
        if step is None:
            return None
        row.last_step = step
        session.add(row)
        return "totp"
    recovery = session.exec(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None),
        RecoveryCode.code_hash == _hash_recovery(cleaned))).first()
    if recovery is None:
        return None
    recovery.used_at = now
    session.add(recovery)
    return "recovery"


def matching_step(secret: str, code: str, now: datetime, *, after: int) -> int | None:
    """The time step (now's or one either side) whose code is `code`, if it is later than `after`."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp, current = pyotp.TOTP(secret), int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if step > after and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


# ----- private ---------------------------------------------------------------------------------

def _known_roles(session: Session, organization_id: int) -> list[RoleChoice]:
    rows = session.exec(select(OrgRole).where(OrgRole.organization_id == organization_id)
                        .order_by(col(OrgRole.builtin).desc(), col(OrgRole.id))).all()
    choices = [RoleChoice(key=r.key, name=r.name) for r in rows]
    have = {c.key for c in choices}
    return choices + [RoleChoice(key=r.value, name=r.value.title()) for r in Role if r.value not in have]


def _secret(row: UserTwoFactor) -> str:
    """The authenticator secret, decrypted with the application key (SecretKeyMismatch with another key)."""
    return secret_box.decrypt(row.secret)


def _row(session: Session, user_id: int) -> UserTwoFactor | None:
    return session.exec(select(UserTwoFactor).where(UserTwoFactor.user_id == user_id)).first()


def _person(session: Session, actor: Actor) -> User:
    if actor.user_id is None:
        raise Forbidden(t("Only a person has a two-factor log-in."))
    user = session.get(User, actor.user_id)
    if user is None or user.organization_id != actor.organization_id:
        raise NotFound(t("User not found."))
    return user


def _check_password(user: User, password: str) -> None:
    if not passwords.verify_password(password or "", user.password_hash):
        raise Invalid(t("The password is wrong."), fields={"password": t("Wrong password.")})


def _remove(session: Session, user_id: int) -> None:
    session.exec(delete(UserTwoFactor).where(col(UserTwoFactor.user_id) == user_id))
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))


def _new_recovery_codes(session: Session, user_id: int, now: datetime) -> list[str]:
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = ["-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_hash_recovery(c), created_at=now) for c in codes)
    session.flush()
    return codes


def _hash_recovery(code: str) -> str:
    normalized = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()
