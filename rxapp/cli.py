"""The `takt` command line: a third door into the same services as the UI and the REST API."""
from __future__ import annotations

import getpass
import sys

import typer

from models.base import utcnow
from services.core import secret_box, tenancy
from services.core.db import db_session, get_engine, transaction
from services.core.errors import DomainError, NotFound
from services.core.migrations import current_revision, head_revision
from services.core.migrations import migrate as run_migrations
from services.demo import seed as demo
from services.org import demo_users, organizations, users

cli = typer.Typer(help="Takt production management: administration commands.", no_args_is_help=True)


def _fail(error: DomainError) -> None:
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@cli.command()
def migrate() -> None:
    """Create or upgrade the database schema (SQLite by default, DATABASE_URL when set)."""
    engine = get_engine()
    before = current_revision(engine)
    run_migrations(engine)
    after = current_revision(engine)
    typer.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@cli.command("seed-demo")
def seed_demo(quiet: bool = typer.Option(False, "--quiet", help="say nothing when data exists")) -> None:
    """Load demo organizations, plants and users when the database is empty (demo mode only: TAKT_DEMO=1);
    when the demo exists, bring its plants' history up to now."""
    if not demo_users.demo_mode():
        typer.secho("error: the demo (with published passwords) is only for demo mode: set TAKT_DEMO=1 (make run "
                    "does). For a real plant, create the first administrator with: takt init", fg=typer.colors.RED,
                    err=True)
        raise typer.Exit(code=2)
    migrate_if_needed()
    with db_session() as session, transaction(session):
        created = demo.seed_demo(session, now=utcnow())
    if created:
        typer.echo("demo data created.")
        _print_logins()
    elif not quiet:
        typer.echo("database already has data: demo seeding skipped")
    if not created:
        with db_session() as session, transaction(session):
            caught_up = demo.catch_up_demo(session, now=utcnow())
        for result in caught_up:
            typer.echo(f"demo history of {result.plant_code} brought up to now: {result.events} machine events "
                       f"since {result.start:%Y-%m-%d %H:%M} UTC")


@cli.command("demo-logins")
def demo_logins(url: str = typer.Option("http://localhost:3000", help="where the app is served")) -> None:
    """Print where Takt is served and the demo log-ins (when the demo organization exists)."""
    typer.echo(f"Takt will be served at {url}  (REST API: {url}/api/v1/docs)")
    with db_session() as session:
        has_demo = demo.has_demo(session)
    if has_demo:
        _print_logins()


def _print_logins() -> None:
    typer.echo("Demo log-ins (demo data only):")
    for username, password, roles in demo.demo_logins():
        typer.echo(f"  {username:<16} {password:<16} {roles}")


@cli.command("init")
def init(org: str = typer.Option(..., "--org", help="your organization's short name (slug)"),
         username: str = typer.Option(..., help="the first administrator's log-in name"),
         password: str = typer.Option("", help="their password (asked for when omitted; or TAKT_PASSWORD)")) -> None:
    """Production start: create your organization and its first administrator, with a password you choose."""
    migrate_if_needed()
    with db_session() as session:
        taken = organizations.has_organization(session)
    if taken:
        typer.secho("error: the database already has an organization; add people with takt create-user",
                    fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2)
    create_user(username=username, org=org, role=["admin"], plant=[], full_name="", email="", password=password,
                create_org=True)


@cli.command("create-user")
def create_user(
    username: str = typer.Option(..., help="log-in name (lower-case)"),
    org: str = typer.Option(..., "--org", help="organization slug"),
    role: list[str] = typer.Option(["viewer"], "--role", help="role; repeat for several"),  # noqa: B008
    plant: list[str] = typer.Option([], "--plant", help="plant code; repeat for several"),  # noqa: B008
    full_name: str = typer.Option("", help="full name"),
    email: str = typer.Option("", help="email address"),
    password: str = typer.Option("", help="password (asked for when omitted; or TAKT_PASSWORD)"),
    create_org: bool = typer.Option(False, "--create-org", help="create the organization when it does not exist"),
) -> None:
    """Create a user in an organization (the first admin of a new organization, for example)."""
    import os
    password = password or os.environ.get("TAKT_PASSWORD", "")
    if not password:
        if not sys.stdin.isatty():
            typer.secho("error: give --password or TAKT_PASSWORD", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=2)
        password = getpass.getpass("password: ")
    migrate_if_needed()
    try:
        with db_session() as session, transaction(session):
            try:
                organization = organizations.get_organization_by_slug(session, org)
            except DomainError:
                if not create_org:
                    raise
                organization = organizations.create_organization(session, slug=org, name=org.title(), now=utcnow())
            tenancy.bind(session, organization.id)     # the user, its roles and audit rows: for this organization
            actor = organizations.system_actor(session, organization.id)
            plant_ids = _plant_ids(session, actor, plant)
            user = users.create_user(session, actor, users.UserCreate(
                username=username, full_name=full_name, email=email or None, password=password,
                roles=role, plant_ids=plant_ids), now=utcnow())
    except DomainError as error:
        _fail(error)
    typer.echo(f"created user {user.username} (id {user.id}) in {org} with roles {', '.join(user.roles) or 'none'}")


@cli.command("escalate")
def escalate(at: str = typer.Option("", "--at", help="ISO time with zone to judge due times at (default: now)")) -> None:
    """Escalate overdue workflow items (NCRs, SOP tickets, ...) and run the maintenance job (long stops, due
    preventive plans, SLA warnings and escalations) once; the app does this every minute."""
    from datetime import datetime

    from rxapp.escalation import run_once
    try:
        now = datetime.fromisoformat(at) if at else utcnow()
    except ValueError:
        now = None
    if now is None or now.tzinfo is None:
        typer.secho("error: --at needs an ISO time with zone, e.g. 2026-03-02T08:00:00+00:00", fg=typer.colors.RED,
                    err=True)
        raise typer.Exit(code=2)
    migrate_if_needed()
    count, done = run_once(now)
    typer.echo(f"escalated {count} overdue item(s)")
    typer.echo(f"maintenance: {done} ticket(s) and notice(s)")


@cli.command("purge-activity")
def purge_activity() -> None:
    """Delete studio activity rows older than each organization's retention (default 7 days), and audit
    entries and notifications older than the retention set on its settings page (default: kept); the app
    does this every hour."""
    from rxapp.activity_purge import run_once
    migrate_if_needed()
    typer.echo(f"purged {run_once()} expired activity, audit and notification row(s)")


@cli.command("simulate")
def simulate(url: str = typer.Option("http://127.0.0.1:3000", help="the Takt server (its REST API under /api/v1)"),
             org: str = typer.Option("acme", "--org", help="organization slug"),
             plant: str = typer.Option("BER", "--plant", help="plant code"),
             speed: float = typer.Option(1.0, help="simulated seconds per real second (0: as fast as possible)"),
             duration: str = typer.Option("", help="simulated time to run, e.g. 8h (default: live until stopped)"),
             seed: int = typer.Option(1, help="random seed (same seed, same shop floor)"),
             wait: float = typer.Option(0, help="seconds to wait for the server to answer before starting"),
             all_hours: bool = typer.Option(False, "--all-hours", help="ignore the shift calendar: machines work "
                                                                       "around the clock (a demo at night)"),
             with_parent: bool = typer.Option(False, "--with-parent", help="stop when the process that started "
                                                                          "this one ends (make run)")) -> None:
    """Drive a plant's machines through the ingest API: cycles, micro-stops, breakdowns, changeovers, scrap."""
    import os
    import signal

    from rxapp import simulator
    try:
        length = simulator.parse_duration(duration)
    except ValueError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    if speed < 0:
        typer.secho("error: --speed must be 0 (as fast as possible) or more", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2)
    parent, stopped = os.getppid(), []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))     # finish the batch in hand, then stop
    stop = (lambda: bool(stopped) or os.getppid() != parent) if with_parent else (lambda: bool(stopped))
    if wait and not simulator.wait_for_server(url, timeout=wait, stop=stop):
        typer.secho(f"simulator: {url} did not answer; not started", fg=typer.colors.YELLOW, err=True)
        raise typer.Exit(code=1)
    try:
        with db_session() as session:
            org_id = organizations.get_organization_by_slug(session, org).id
    except NotFound:
        typer.secho(f"error: no organization {org!r} (run takt seed-demo for the demo)", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"simulator: driving plant {plant} of {org} through {url}/api/v1/ingest/events "
               f"(speed {speed:g}, {duration or 'live until stopped'})")
    try:
        stats = simulator.simulate(url=url, organization_id=org_id, plant_code=plant, speed=speed, duration=length,
                                   seed=seed, stop=stop, all_hours=all_hours)
    except DomainError as error:
        _fail(error)
    except KeyboardInterrupt:
        raise typer.Exit(code=0) from None
    typer.echo(f"simulator: {stats.sent} events in {stats.batches} batches: {stats.accepted} accepted, "
               f"{stats.duplicates} duplicates, {stats.rejected} refused; {stats.good} good, {stats.scrap} scrap, "
               f"{stats.stops} stops, {stats.jobs_completed} jobs done, {stats.orders_released} orders released")
    for problem in stats.problems[:5]:
        typer.echo(f"  refused: {problem}")


@cli.command("rebuild-rollups")
def rebuild_rollups(org: str = typer.Option("", "--org", help="organization slug (default: all)"),
                    plant: str = typer.Option("", "--plant", help="plant code (default: all)")) -> None:
    """Recompute the KPI rollups from the raw production events (after editing a calendar's past)."""
    import time

    from services.kpi import rollup_rebuild
    migrate_if_needed()
    began = time.perf_counter()
    try:
        with db_session() as session, transaction(session):
            org_id, plant_id = rollup_rebuild.rebuild_scope(session, organization_slug=org or None, plant_code=plant or None)
            result = rollup_rebuild.rebuild(session, organization_id=org_id, plant_id=plant_id, progress=typer.echo)
    except DomainError as error:
        _fail(error)
    typer.echo(f"rebuilt {result.plants} plant(s): {result.events} count events -> {result.count_rows} count rows, "
               f"{result.stops} stops -> {result.stop_rows} stop rows in {time.perf_counter() - began:.1f} s")


@cli.command("send-mail")
def send_mail(batch: int = typer.Option(50, "--batch", min=1, max=1000, help="emails per SMTP connection")) -> None:
    """Deliver the email outbox now (what is due, retries included), e.g. from cron; uses TAKT_SMTP_*."""
    from services.config import mail_outbox
    migrate_if_needed()
    try:
        settings = mail_outbox.SmtpSettings.from_env()
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    if settings is None:
        typer.echo("error: set TAKT_SMTP_HOST (and TAKT_SMTP_PORT, _USER, _PASSWORD, _FROM, _TLS) first", err=True)
        raise typer.Exit(2)
    total = mail_outbox.DeliveryReport()
    while (report := mail_outbox.deliver_all_due(settings, limit=batch, now=utcnow())).attempted:
        total.add(report)
    typer.echo(f"sent {total.sent}, to retry {total.retrying}, given up {total.failed}")
    if total.retrying or total.failed:
        raise typer.Exit(1)


@cli.command("new-secret-key")
def new_secret_key() -> None:
    """Print a new application key for TAKT_SECRET_KEY (it encrypts two-factor secrets at rest; every node of a
    deployment needs the same one; see docs/deployment.md)."""
    typer.echo(secret_box.new_key())


@cli.command("backup")
def backup_command(path: str = typer.Argument(..., help="the backup file to write")) -> None:
    """Back up the whole database while Takt runs (SQLite online backup; pg_dump for PostgreSQL)."""
    from services.core import backup
    from services.core.db import database_url
    try:
        written = backup.backup(database_url(), path)
    except backup.BackupError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"backed up to {written}")


@cli.command("restore")
def restore_command(path: str = typer.Argument(..., help="a file written by takt backup"),
                    force: bool = typer.Option(False, "--force", help="replace a database that holds data")) -> None:
    """Restore a backup into the configured database (stop the app first), then migrate it to this version."""
    from services.core import backup
    from services.core.db import database_url
    try:
        backup.restore(database_url(), path, force=force)
    except backup.BackupError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    migrate_if_needed()
    typer.echo(f"restored {path}")


def _plant_ids(session, actor, codes: list[str]) -> list[int]:
    from services.org import plants
    by_code = {p.code: p.id for p in plants.list_plants(session, actor, include_inactive=True)}
    unknown = [c for c in codes if c.upper() not in by_code]
    if unknown:
        from services.core.errors import Invalid
        raise Invalid(f"Unknown plant code(s): {', '.join(unknown)}.", fields={"plant": "Unknown."})
    return [by_code[c.upper()] for c in codes]


def migrate_if_needed() -> None:
    engine = get_engine()
    if current_revision(engine) != head_revision():
        run_migrations(engine)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
