"""Log-in, sessions, log-out and password change.

Invariants:
- Only the SHA-256 of a session token is stored; a session expires after its organization's idle length
  unused (the log-in policy of services/org/settings.py, by default `SESSION_TTL`), sliding up to its absolute
  length (by default `SESSION_MAX_AGE`), and is revocable. The lengths in force are stored on the session as its
  expiry when it starts and slides, and the token check reads the organization's current ones in its one query,
  so a shorter policy ends longer sessions at once. Deactivating a user or changing a password ends their sessions.
- Log-in is throttled, never locked for everyone: after `MAX_FAILURES` failed attempts for one username
  from one address (since its last success, within `FAILURE_WINDOW`), or `MAX_FAILURES_PER_IP` from one
  address, that pair (or address) waits `PAIR_DELAY` (`IP_DELAY`), doubling with each further failure up
  to `FAILURE_WINDOW`, with RateLimited saying how long. The owner logging in from elsewhere is not held
  up. Admins list and clear these (services/org/lockouts.py).
- A wrong username and a wrong password get the same answer (and the same hashing time).
- A person enrolled in two-factor log-in (services/org/two_factor.py) gets a session only with a code of
  their authenticator or an unused recovery code: the right password alone yields a single-use challenge
  (SHA-256 stored, CHALLENGE_TTL). One whose role the organization's policy requires it for and who has
  none sets it up from that challenge before any session exists; the API refuses them until they did.
  `MAX_CODE_FAILURES` wrong codes hold the person up for `CODE_LOCK`; a success (password, and the
  second factor when due) is recorded only when the session starts. API tokens meet no second factor.
- A failed attempt is recorded in its own short transaction, so the refusal raised to the caller
  (whose unit of work rolls back) still counts towards the limit. When the caller's transaction
  holds SQLite's single write lock (it wrote before calling `login`), the attempt is written just
  after that transaction ends instead of waiting for the lock.
"""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, func, select

from models.auth import ApiToken, AuthSession, LoginAttempt, LoginAttemptKind, LoginChallenge, LoginChallengePurpose
from models.base import pk
from models.org_settings import OrganizationSettings
from models.organization import Organization, Plant
from models.user import Role, RoleAssignment, User, UserPlantAccess
from services.core import tenancy
from services.core.access import TOKEN_PERMISSIONS, Actor
from services.core.audit import audit
from services.core.errors import Forbidden, Invalid, RateLimited, Unauthorized
from services.core.events import record
from services.core.messages import t
from services.org import events as org_events
from services.org import passwords, two_factor
from services.org import settings as org_settings
from services.org.role_grants import RoleAccess, packed_role_rows, role_access, unpack_role_rows
from services.org.tokens import hash_token, new_token

SESSION_TTL = timedelta(minutes=org_settings.DEFAULTS.session_idle_minutes)     # the log-in policy's defaults
SESSION_MAX_AGE = timedelta(hours=org_settings.DEFAULTS.session_max_hours)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5                    # per (username, address), then waits of PAIR_DELAY x 2^n
MAX_FAILURES_PER_IP = 30            # per address, then waits of IP_DELAY x 2^n
PAIR_DELAY = timedelta(seconds=30)
MAX_CODE_FAILURES = 5               # wrong second-factor codes for a person, then held up CODE_LOCK
CODE_LOCK = timedelta(minutes=15)
CHALLENGE_TTL = timedelta(minutes=10)   # from the right password to the second factor
IP_DELAY = timedelta(seconds=60)
_NAME_MAX = 64                      # LoginAttempt.username and .ip columns
_DEFERRED_FAILURES = "takt.deferred_login_failures"
log = logging.getLogger(__name__)


class LoginResult(BaseModel):
    token: str
    expires_at: datetime
    user_id: int
    username: str


class SecondFactorRequired(Unauthorized):
    """The password was right, and the log-in of an API client needs the second factor's code with it."""
    code = "second_factor_required"


class ChallengeGone(Unauthorized):
    """The second step of a log-in came too late (or its challenge was used or is unknown): log in again from the
    username and password. The pages tell it by this class (its `code`), never by the message's words."""
    code = "login_expired"

    def __init__(self) -> None:
        super().__init__(t("This log-in has expired. Log in again with your username and password."))


class SecondFactorChallenge(BaseModel):
    """The password was right; a second factor is due (`purpose` "code") or must be set up first ("enrol")."""
    challenge: str
    purpose: str
    expires_at: datetime
    user_id: int
    username: str


def login(session: Session, username: str, password: str, *, now: datetime, ip: str | None = None,
          client: str = "ui", code: str | None = None) -> LoginResult | SecondFactorChallenge:
    """The password step; for a person with a second factor, `code` finishes it at once (the API), else the
    answer is a challenge that `finish_login` (enrolled) or `finish_enrolment` (required, not enrolled yet) takes."""
    username = (username or "").strip().lower()
    if not username or not password:
        raise Invalid(t("Enter your username and password."),
                      fields={k: "Required." for k, v in (("username", username), ("password", password)) if not v})
    ip = ip[:_NAME_MAX] if ip else None
    _check_rate_limit(session, username[:_NAME_MAX], ip, now)
    user = session.exec(select(User).where(User.username == username)).first() if len(username) <= _NAME_MAX else None
    ok = passwords.verify_password(password, user.password_hash if user else passwords.DUMMY_HASH)
    org_active = user is not None and _organization_active(session, user.organization_id)
    if not (user and ok and user.is_active and org_active):
        _record_failure(session, username, ip, now)
        raise Unauthorized(t("Wrong username or password, or the account is deactivated."))
    if two_factor.is_enrolled(two_factor.enrolment_row(session, pk(user))):
        if not (code or "").strip():
            if client != "ui":
                raise SecondFactorRequired(t("Send the 6-digit code of your authenticator app (or a recovery code) as "
                                             "'code' with your username and password."))
            return _challenge(session, user, LoginChallengePurpose.CODE, now=now, client=client)
        used = _check_code(session, user, code or "", now=now, ip=ip)
        return _start_session(session, user, now=now, ip=ip, client=client, second_factor=used)
    if two_factor.is_required(session, user):
        if client != "ui":
            raise Forbidden(t("Your organization requires two-factor log-in for your role: log in once in the browser to "
                              "set it up, then send the code of your authenticator app as 'code'."))
        return _challenge(session, user, LoginChallengePurpose.ENROL, now=now, client=client)
    return _start_session(session, user, now=now, ip=ip, client=client)


def finish_login(session: Session, challenge: str, code: str, *, now: datetime, ip: str | None = None) -> LoginResult:
    """The second step of an enrolled person's log-in: a code of their app or a recovery code."""
    row, user = _open_challenge(session, challenge, LoginChallengePurpose.CODE, now)
    used = _check_code(session, user, code, now=now, ip=ip[:_NAME_MAX] if ip else None)
    row.used_at = now
    session.add(row)
    return _start_session(session, user, now=now, ip=ip, client=row.client, second_factor=used)


def challenge_enrolment(session: Session, challenge: str, *, now: datetime) -> two_factor.Enrolment:
    """The authenticator set-up of a person whose role requires it and who has none yet (made once per challenge)."""
    _, user = _open_challenge(session, challenge, LoginChallengePurpose.ENROL, now)
    return two_factor.pending_enrolment(session, user) or two_factor.start_enrolment(session, user, now=now)


def finish_enrolment(session: Session, challenge: str, code: str, *, now: datetime,
                     ip: str | None = None) -> tuple[LoginResult, list[str]]:
    """Confirm the set-up with a first code: the session, and the recovery codes to show this once."""
    row, user = _open_challenge(session, challenge, LoginChallengePurpose.ENROL, now)
    codes = two_factor.confirm(session, user, code, now=now)
    row.used_at = now
    session.add(row)
    result = _start_session(session, user, now=now, ip=ip[:_NAME_MAX] if ip else None, client=row.client,
                            second_factor="enrolled")
    audit(session, actor_for_user(session, user), "user", user.id, "two_factor_enrol", at=now)
    return result, codes


def _challenge(session: Session, user: User, purpose: LoginChallengePurpose, *, now: datetime,
               client: str) -> SecondFactorChallenge:
    token = new_token("tkc")
    expires_at = now + CHALLENGE_TTL
    session.add(LoginChallenge(user_id=pk(user), token_hash=hash_token(token), purpose=purpose, client=client,
                               created_at=now, expires_at=expires_at))
    return SecondFactorChallenge(challenge=token, purpose=purpose.value, expires_at=expires_at, user_id=pk(user),
                                 username=user.username)


def _open_challenge(session: Session, challenge: str, purpose: LoginChallengePurpose,
                    now: datetime) -> tuple[LoginChallenge, User]:
    row = session.exec(select(LoginChallenge).where(LoginChallenge.token_hash == hash_token(challenge or ""))).first()
    user = session.get(User, row.user_id) if row is not None else None
    if (row is None or user is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now
            or not user.is_active or not _organization_active(session, user.organization_id)):
        raise ChallengeGone()
    return row, user


def _check_code(session: Session, user: User, code: str, *, now: datetime, ip: str | None) -> str:
    """Accept a second-factor code under its own limit: MAX_CODE_FAILURES wrong codes for a person (from any
    address: whoever sends them knows the password) hold them up CODE_LOCK from the latest."""
    until = code_locked_until(session, user.username, now)
    if until is not None:
        wait = int((until - now).total_seconds()) + 1
        raise RateLimited(t("Too many wrong codes. Try again in about {max} minutes; an administrator can also clear this.",
                            max=max(1, round(wait / 60))), retry_after_seconds=wait)
    used = two_factor.verify(session, user, code, now=now)
    if used is None:
        _record_failure(session, user.username, ip, now, kind=LoginAttemptKind.CODE)
        raise Unauthorized(t("The code is wrong or was used already."))
    return used


def code_locked_until(session: Session, username: str, now: datetime) -> datetime | None:
    """When a person held up by MAX_CODE_FAILURES wrong second-factor codes (since their last success) may try
    again; None when they are not held up."""
    since_success = session.exec(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.succeeded == True)).one()  # noqa: E712
    since = max(now - CODE_LOCK, since_success) if since_success else now - CODE_LOCK
    failures, latest = session.exec(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.kind == LoginAttemptKind.CODE.value,
        LoginAttempt.succeeded == False, LoginAttempt.at > since)).one()  # noqa: E712
    if failures >= MAX_CODE_FAILURES and latest is not None and latest + CODE_LOCK > now:
        return latest + CODE_LOCK
    return None


def _start_session(session: Session, user: User, *, now: datetime, ip: str | None, client: str,
                   second_factor: str | None = None) -> LoginResult:
    session.add(LoginAttempt(username=user.username, ip=ip, at=now, succeeded=True,
                             kind=(LoginAttemptKind.CODE if second_factor else LoginAttemptKind.PASSWORD).value))
    token = new_token("tks")
    expires_at = _session_expiry(now, now, *org_settings.session_lengths(session, user.organization_id))
    session.add(AuthSession(user_id=pk(user), token_hash=hash_token(token), created_at=now, expires_at=expires_at,
                            last_seen_at=now, client=client, ip=ip))
    user.last_login_at = now
    session.add(user)
    actor = actor_for_user(session, user)
    details = {"client": client, "ip": ip} | ({"second_factor": second_factor} if second_factor else {})
    audit(session, actor, "user", user.id, "login", details, at=now)
    record(session, org_events.UserLoggedIn(organization_id=user.organization_id, user_id=pk(user),
                                            actor_user_id=user.id, at=now))
    return LoginResult(token=token, expires_at=expires_at, user_id=pk(user), username=user.username)


def _record_failure(session: Session, username: str, ip: str | None, now: datetime,
                    kind: LoginAttemptKind = LoginAttemptKind.PASSWORD) -> None:
    """A failed attempt is written in its own transaction: it must survive the caller's rollback."""
    attempt = {"username": username[:_NAME_MAX], "ip": ip, "at": now, "kind": kind.value}
    if _holds_sqlite_write_lock(session):
        session.info.setdefault(_DEFERRED_FAILURES, []).append(attempt)   # written when it ends
    else:
        _write_failures(session.get_bind().engine, [attempt])


def _write_failures(engine: sa.Engine, attempts: list[dict]) -> None:
    with Session(engine) as own:
        own.add_all(LoginAttempt(**attempt, succeeded=False) for attempt in attempts)
        own.commit()


def _holds_sqlite_write_lock(session: Session) -> bool:
    """True when this session's SQLite connection has written: another connection would wait for it."""
    if session.get_bind().dialect.name != "sqlite" or not session.in_transaction():
        return False
    return bool(getattr(session.connection().connection.dbapi_connection, "in_transaction", False))


@sa.event.listens_for(OrmSession, "after_transaction_end")
def _write_deferred_failures(session: OrmSession, transaction) -> None:
    if transaction.parent is not None or _DEFERRED_FAILURES not in session.info:
        return
    attempts = session.info.pop(_DEFERRED_FAILURES)
    try:
        _write_failures(session.get_bind().engine, attempts)
    except Exception:  # never mask the caller's own outcome; the limit just counts fewer
        log.exception("could not record %d failed log-in attempt(s)", len(attempts))


def _check_rate_limit(session: Session, username: str, ip: str | None, now: datetime) -> None:
    """Growing delays per (username, address) and per address; never a lock of the account for everyone."""
    pair = pair_failures(session, username, ip, now)
    wait = _delay(pair, MAX_FAILURES, PAIR_DELAY, now)
    if wait:
        raise _rate_limited(wait, t("for this account from your address"))
    if ip:
        by_ip = session.exec(select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.ip == ip, LoginAttempt.succeeded == False, LoginAttempt.at > now - FAILURE_WINDOW)).one()  # noqa: E712
        wait = _delay((by_ip[0], by_ip[1]), MAX_FAILURES_PER_IP, IP_DELAY, now)
        if wait:
            raise _rate_limited(wait, t("from your address"))


def pair_failures(session: Session, username: str, ip: str | None, now: datetime) -> tuple[int, datetime | None]:
    """Failed attempts of `username` from `ip` in the window since its last success: (count, latest)."""
    last_success = session.exec(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.succeeded == True)).one()  # noqa: E712
    since = max(now - FAILURE_WINDOW, last_success) if last_success else now - FAILURE_WINDOW
    return session.exec(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.succeeded == False,  # noqa: E712
        LoginAttempt.ip == ip if ip is not None else col(LoginAttempt.ip).is_(None), LoginAttempt.at > since)).one()


def blocked_until(failures: tuple[int, datetime | None], limit: int, base: timedelta) -> datetime | None:
    """After `limit` failures each further one doubles the wait from the latest (at most FAILURE_WINDOW)."""
    count, latest = failures
    if count < limit or latest is None:
        return None
    return latest + min(FAILURE_WINDOW, base * 2 ** min(count - limit, 20))


def _delay(failures: tuple[int, datetime | None], limit: int, base: timedelta, now: datetime) -> int:
    until = blocked_until(failures, limit, base)
    return max(1, int((until - now).total_seconds()) + 1) if until is not None and until > now else 0


def _rate_limited(wait: int, whom: str) -> RateLimited:
    when = t("{seconds} seconds", seconds=wait) if wait < 90 else t("about {minutes} minutes", minutes=round(wait / 60))
    return RateLimited(t("Too many failed log-in attempts {whom}. Try again in {when}; an administrator can also "
                         "clear this.", whom=whom, when=when), retry_after_seconds=wait)


def actor_for_user(session: Session, user: User) -> Actor:
    access = role_access(session, user)
    if Role.ADMIN in access.roles:
        plants = session.exec(select(Plant.id).where(Plant.organization_id == user.organization_id)).all()
    else:
        plants = session.exec(select(UserPlantAccess.plant_id).join(Plant, col(Plant.id) == UserPlantAccess.plant_id).where(
            UserPlantAccess.user_id == user.id, Plant.organization_id == user.organization_id)).all()
    return _actor(pk(user), user.organization_id, user.username, access, [p for p in plants if p is not None])


def _session_expiry(created_at: datetime, seen_at: datetime, idle: timedelta, most: timedelta) -> datetime:
    """When a session started at `created_at` and last used at `seen_at` ends under the lengths `idle` (sliding)
    and `most` (absolute): its expiry when it starts, when it slides, and the bound the token check holds it to."""
    return min(created_at + most, seen_at + idle)


def actor_for_token(session: Session, token: str | None, *, now: datetime, bind: bool = False) -> Actor:
    """Resolve a bearer token: a user session (`tks_...`) or a plant-scoped API token (`tkt_...`).
    A session costs one indexed query (session, user, organization, its session lengths, roles, what the
    organization's roles hold and the roles granted at plants, and plants at once), plus one
    UPDATE at most once a minute to slide its expiry; nothing is cached, so a revocation counts at once.
    `bind`: the rest of the session's unit of work runs for the actor's organization (row-level security); for a
    person's session the one query sends that setting itself (services/core/tenancy.py, `setting_column`)."""
    if not token:
        raise Unauthorized(t("Log in first."))
    if token.startswith("tkt_"):
        actor = _actor_for_api_token(session, token, now)
        if bind:
            tenancy.bind(session, actor.organization_id)
        return actor
    sets_tenancy = bind and session.get_bind().dialect.name == "postgresql"
    found = session.execute(_session_actor_query(sets_tenancy), {"token_hash": hash_token(token)}).first()
    if found is None:
        raise Unauthorized(t("Your session has ended. Log in again."))
    (session_id, created_at, expires_at, last_seen_at, idle_minutes, max_hours, user_id, organization_id, username,
     roles, plants, packed) = found[:12]
    if bind:
        (tenancy.bound_by_query if sets_tenancy else tenancy.bind)(session, organization_id)
    idle, most = timedelta(minutes=idle_minutes), timedelta(hours=max_hours)
    if min(expires_at, _session_expiry(created_at, last_seen_at or created_at, idle, most)) <= now:
        raise Unauthorized(t("Your session has ended. Log in again."))
    if last_seen_at is None or now - last_seen_at > timedelta(minutes=1):
        slide = {"session_id": session_id, "seen": now, "until": _session_expiry(created_at, now, idle, most)}
        session.execute(_SLIDE, slide)
        session.info[_SLIDE_KEY] = slide
    access = unpack_role_rows(frozenset(Role(r) for r in _split(roles)), packed)
    return _actor(user_id, organization_id, username, access, [int(p) for p in _split(plants)])


_SLIDE = sa.update(AuthSession).where(col(AuthSession.id) == sa.bindparam("session_id")).values(
    last_seen_at=sa.bindparam("seen"), expires_at=sa.bindparam("until")).execution_options(
    synchronize_session=False)
_SLIDE_KEY = "takt.session_slide"          # a slide written in the session's transaction and not yet committed


@sa.event.listens_for(OrmSession, "after_commit")
def _slide_kept(session: OrmSession) -> None:
    session.info.pop(_SLIDE_KEY, None)


def unkept_slide(session: Session) -> dict | None:
    """The expiry slide `actor_for_token` wrote in `session` and no commit kept yet (None: none, or kept)."""
    return session.info.get(_SLIDE_KEY)


def keep_slide(session: Session, slide: dict) -> None:
    """Write again a slide whose transaction rolled back (the request it was checked for failed): using a session
    slides it, whatever the request's answer."""
    session.execute(_SLIDE, slide)


def _actor(user_id: int, organization_id: int, username: str, access: RoleAccess, plants: list[int]) -> Actor:
    """The actor of a person: the plants they may see plus those a role was granted at, and what their roles hold."""
    granted_plants = {plant_id for plant_id, _held in access.plant_permissions}
    return Actor(user_id=user_id, organization_id=organization_id, roles=access.roles, username=username,
                 plant_ids=frozenset(plants) | granted_plants, role_permissions=access.role_permissions,
                 plant_permissions=access.plant_permissions, department_ids=access.department_ids,
                 role_names=access.role_names)


@functools.cache
def _session_actor_query(sets_tenancy: bool = False) -> sa.Select:
    """One row for a live session (bound parameter `token_hash`) of an active user in an active organization,
    with the user's roles and visible plants as comma-separated lists (an admin sees every plant of the
    organization); `sets_tenancy` (PostgreSQL): one more column sets the transaction's organization to the user's.
    Built once per process: building it took about a third of the token check's time."""
    roles = (select(func.aggregate_strings(sa.cast(RoleAssignment.role, sa.String), ","))
             .where(col(RoleAssignment.user_id) == User.id).scalar_subquery())
    assigned = select(sa.cast(RoleAssignment.role, sa.String)).where(col(RoleAssignment.user_id) == User.id).correlate(User)
    admin = sa.exists().where(col(RoleAssignment.user_id) == User.id, col(RoleAssignment.role) == Role.ADMIN).correlate(User)
    granted = select(UserPlantAccess.plant_id).where(col(UserPlantAccess.user_id) == User.id).correlate(User)
    plants = (select(func.aggregate_strings(sa.cast(Plant.id, sa.String), ","))
              .where(col(Plant.organization_id) == User.organization_id, sa.or_(admin, col(Plant.id).in_(granted)))
              .scalar_subquery())
    idle = func.coalesce(col(OrganizationSettings.session_idle_minutes), org_settings.DEFAULTS.session_idle_minutes)
    most = func.coalesce(col(OrganizationSettings.session_max_hours), org_settings.DEFAULTS.session_max_hours)
    setting = [tenancy.setting_column(col(User.organization_id))] if sets_tenancy else []
    return (sa.select(col(AuthSession.id), col(AuthSession.created_at), col(AuthSession.expires_at),
                      col(AuthSession.last_seen_at), idle, most, col(User.id), col(User.organization_id),
                      col(User.username), roles, plants, packed_role_rows(User.id, User.organization_id, assigned),
                      *setting)
            .join(User, col(User.id) == AuthSession.user_id)
            .join(Organization, col(Organization.id) == User.organization_id)
            .outerjoin(OrganizationSettings, col(OrganizationSettings.organization_id) == User.organization_id)
            .where(col(AuthSession.token_hash) == sa.bindparam("token_hash"), col(AuthSession.revoked_at).is_(None),
                   col(User.is_active).is_(True), col(Organization.is_active).is_(True)))


def _split(joined: str | None) -> list[str]:
    return [part for part in (joined or "").split(",") if part]


def _organization_active(session: Session, organization_id: int) -> bool:
    organization = session.get(Organization, organization_id)
    return organization is not None and organization.is_active


def _actor_for_api_token(session: Session, token: str, now: datetime) -> Actor:
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None or not _organization_active(session, row.organization_id):
        raise Unauthorized(t("This API token is unknown or revoked."))
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized(t("This API token has expired: an admin makes a new one under API tokens."))
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now
        session.add(row)
    return token_actor(row)


def token_actor(row: ApiToken) -> Actor:
    """The actor an API token acts as: no person, its one plant, its kind's permissions."""
    return Actor(user_id=None, organization_id=row.organization_id, plant_ids=frozenset({row.plant_id}),
                 username=f"token:{row.name}", api_token_id=row.id,
                 token_permissions=TOKEN_PERMISSIONS[row.kind.value if hasattr(row.kind, "value") else row.kind])


def logout(session: Session, token: str, *, now: datetime) -> None:
    if token.startswith("tkt_"):
        raise Forbidden(t("An API token is not a log-in session: an admin revokes it under API tokens."))
    row = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = now
    session.add(row)
    user = session.get(User, row.user_id)
    audit(session, None, "user", row.user_id, "logout", organization_id=user.organization_id if user else None, at=now)


def change_password(session: Session, actor: Actor, current_password: str, new_password: str, *,
                    now: datetime, keep_token: str | None = None) -> None:
    """Change one's own password; every other session of the user ends."""
    if actor.user_id is None:
        raise Forbidden(t("Only a person can change a password."))
    user = session.get(User, actor.user_id)
    if user is None:
        raise Unauthorized(t("Your session has ended. Log in again."))
    if not passwords.verify_password(current_password or "", user.password_hash):
        raise Invalid(t("The current password is wrong."), fields={"current_password": t("Wrong password.")})
    org_settings.check_new_password(session, user, new_password or "", field="new_password")
    if passwords.verify_password(new_password, user.password_hash):
        raise Invalid(t("Choose a new password."), fields={"new_password": t("Same as the current password.")})
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now
    user.demo_password = False
    user.updated_at, user.updated_by = now, actor.user_id
    session.add(user)
    revoke_sessions(session, pk(user), now=now, except_token=keep_token)
    audit(session, actor, "user", user.id, "change_password", at=now)
    record(session, org_events.UserPasswordChanged(organization_id=actor.organization_id, user_id=pk(user),
                                                   actor_user_id=actor.user_id, at=now))


def revoke_sessions(session: Session, user_id: int, *, now: datetime, except_token: str | None = None) -> int:
    keep = hash_token(except_token) if except_token else None
    rows = session.exec(select(AuthSession).where(AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))).all()
    count = 0
    for row in rows:
        if row.token_hash != keep:
            row.revoked_at = now
            session.add(row)
            count += 1
    return count
