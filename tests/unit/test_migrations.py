"""The Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL.

Each test starts from an empty database of its own: a new SQLite file, or a new PostgreSQL
database next to TEST_DATABASE_URL's (the shared test database is left alone).
"""
from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from services.core import secret_box
from services.core.db import make_engine
from services.core.migrations import (
    alembic_config,
    current_revision,
    head_revision,
    migrate,
)
from tests.conftest import BACKENDS, _pg_url


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    base = sa.engine.make_url(_pg_url())
    name = f"takt_migtest_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def schema_differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def schema(engine) -> dict:
    """Tables with their columns (name, type, nullability), indexes, unique constraints and foreign keys."""
    inspector = sa.inspect(engine)
    return {
        table: {
            "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(table)),
            "unique": sorted((u["name"] or "", tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
            "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"]) for f in inspector.get_foreign_keys(table)),
        }
        for table in sorted(inspector.get_table_names())
    }


def test_upgrade_head_on_an_empty_database_matches_the_models(empty_engine):
    assert current_revision(empty_engine) is None

    migrate(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert schema_differences(empty_engine) == []
    assert set(schema(empty_engine)) == {t.name for t in SQLModel.metadata.sorted_tables} | {"alembic_version"}


def test_migrating_twice_changes_nothing(empty_engine):
    migrate(empty_engine)
    first = schema(empty_engine)

    migrate(empty_engine)

    assert schema(empty_engine) == first
    assert current_revision(empty_engine) == head_revision()
    with empty_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]


def test_downgrade_to_base_and_up_again(empty_engine):
    migrate(empty_engine)

    with empty_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(schema(empty_engine)) == {"alembic_version"}
    assert current_revision(empty_engine) is None

    migrate(empty_engine)
    assert schema_differences(empty_engine) == []


def test_the_test_databases_are_migrated_to_head(engine):
    assert current_revision(engine) == head_revision()
    assert schema_differences(engine) == []


RLS_REVISION, BEFORE_RLS = "0044_rls", "0043_form_layouts"


def _row_security(engine) -> tuple[int, int]:
    """(tables with row-level security enabled and forced, tenant_isolation policies) in the current schema."""
    with engine.connect() as conn:
        forced = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
            "current_schema() AND c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity").scalar()
        policies = conn.exec_driver_sql("SELECT count(*) FROM pg_policies WHERE schemaname = current_schema() "
                                        "AND policyname = 'tenant_isolation'").scalar()
    return forced or 0, policies or 0


def test_row_level_security_is_postgresql_only_and_its_downgrade_removes_it(empty_engine):
    migrate(empty_engine, RLS_REVISION)
    assert current_revision(empty_engine) == RLS_REVISION
    if empty_engine.dialect.name != "postgresql":                # SQLite: the revision is a no-op
        return
    forced, policies = _row_security(empty_engine)
    assert forced == policies >= 100

    with empty_engine.begin() as conn:
        command.downgrade(alembic_config(conn), BEFORE_RLS)
    assert _row_security(empty_engine) == (0, 0)

    migrate(empty_engine, RLS_REVISION)
    assert _row_security(empty_engine) == (forced, policies)


SECRET_KEY_REVISION, BEFORE_SECRET_KEY = "0047_secret_key", "0046_names2"


def _two_factor_secret(engine) -> str:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT secret FROM user_two_factor").scalar_one()


def test_existing_authenticator_secrets_are_encrypted_and_the_downgrade_decrypts_them(empty_engine):
    migrate(empty_engine, BEFORE_SECRET_KEY)
    now = "2026-03-02 08:00:00"
    with empty_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO organization (id, slug, name, is_active, created_at, updated_at) "
                             "VALUES (1, 'o', 'O', true, :now, :now)"), {"now": now})
        conn.execute(sa.text("INSERT INTO app_user (id, organization_id, username, full_name, password_hash, is_active, "
                             "demo_password, created_at, updated_at) VALUES (1, 1, 'u', '', 'x', true, false, :now, :now)"),
                     {"now": now})
        conn.execute(sa.text("INSERT INTO user_two_factor (user_id, secret, created_at, last_step) "
                             "VALUES (1, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', :now, 0)"), {"now": now})
    migrate(empty_engine, SECRET_KEY_REVISION)
    stored = _two_factor_secret(empty_engine)
    assert "JBSWY3DPEHPK3PXP" not in stored and secret_box.decrypt(stored) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    with empty_engine.begin() as conn:
        command.downgrade(alembic_config(conn), BEFORE_SECRET_KEY)
    assert _two_factor_secret(empty_engine) == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


LINKS_REVISION, BEFORE_LINKS = "0051_document_links", "0050_login_policy"


def test_document_targets_move_to_links_and_change_orders_get_their_documents(empty_engine):
    migrate(empty_engine, BEFORE_LINKS)
    now = "2026-03-02 08:00:00"
    with empty_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO organization (id, slug, name, is_active, created_at, updated_at) "
                             "VALUES (1, 'o', 'O', true, :now, :now)"), {"now": now})
        conn.execute(sa.text("INSERT INTO document (organization_id, number, title, kind, target_type, target_id, "
                             "description, created_at, updated_at) VALUES (1, 'DOC-000001', 'Cut', "
                             "'work_instruction', 'routing_step', 7, '', :now, :now)"), {"now": now})
        for order_id, status in ((1, "review"), (2, "approved"), (3, "cancelled")):
            conn.execute(sa.text("INSERT INTO change_order (id, organization_id, number, title, reason, status, "
                                 "approved_at, created_at, updated_at) VALUES (:id, 1, :number, 'Thicker', 'Returns', "
                                 ":status, :approved, :now, :now)"),
                         {"id": order_id, "number": f"CO-00000{order_id}", "status": status, "now": now,
                          "approved": now if status == "approved" else None})
    migrate(empty_engine, LINKS_REVISION)
    with empty_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT d.number, l.target_type, l.target_id, l.organization_id FROM document_link l "
                                    "JOIN document d ON d.id = l.document_id")).all() == [
            ("DOC-000001", "routing_step", 7, 1)]
        docs = conn.execute(sa.text(
            "SELECT c.number, d.number, d.kind, d.title, d.description, r.label, r.status, "
            "d.released_revision_id = r.id FROM change_order c JOIN document d ON d.id = c.document_id "
            "JOIN document_revision r ON r.document_id = d.id ORDER BY c.id")).all()
    assert [tuple(row) for row in docs] == [
        ("CO-000001", "CO-000001", "change_order", "Thicker", "Returns", "A", "review", None),
        ("CO-000002", "CO-000002", "change_order", "Thicker", "Returns", "A", "approved", True),
        ("CO-000003", "CO-000003", "change_order", "Thicker", "Returns", "A", "obsolete", None)]

    with empty_engine.begin() as conn:
        command.downgrade(alembic_config(conn), BEFORE_LINKS)
    with empty_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT number, target_type, target_id FROM document")).all() == [
            ("DOC-000001", "routing_step", 7)]
        assert conn.execute(sa.text("SELECT count(*) FROM change_order")).scalar() == 3
    migrate(empty_engine)
    assert schema_differences(empty_engine) == []
