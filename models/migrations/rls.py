"""Row-level security for tenant tables on PostgreSQL (a no-op on SQLite), for migrations to call.

Every table with an `organization_id` column carries the policy `tenant_isolation`, enabled and
FORCEd (so the tables' owner is held by it too; superusers and BYPASSRLS roles never are):
a row is visible and writable only when its `organization_id` equals the transaction's
`takt.organization_id` setting (services/core/tenancy.py), and without the setting nothing is
restricted (log-in lookups, migrations, an organization's look-up by its slug; the CLI, demo seeding and the system
jobs bind each organization's unit of work).
A migration that creates a tenant table calls `enable(op.get_bind(), "table")` (downgrade: `disable`);
tests/unit/test_rls.py fails for a tenant table without the policy.
"""
from __future__ import annotations

import sqlalchemy as sa

POLICY = "tenant_isolation"
_ORG = "nullif(current_setting('takt.organization_id', true), '')"
RULE = f"({_ORG} IS NULL OR organization_id = {_ORG}::integer)"


def tenant_tables(connection: sa.Connection) -> list[str]:
    """The tables of the current schema that have an `organization_id` column, as the database holds them now."""
    rows = connection.execute(sa.text(
        "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t "
        "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND c.column_name = 'organization_id' "
        "AND t.table_type = 'BASE TABLE' ORDER BY c.table_name"))
    return [row[0] for row in rows]


def enable(connection: sa.Connection, table: str) -> None:
    if connection.dialect.name != "postgresql":
        return
    quoted = connection.dialect.identifier_preparer.quote(table)
    connection.exec_driver_sql(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
    connection.exec_driver_sql(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
    connection.exec_driver_sql(f"DROP POLICY IF EXISTS {POLICY} ON {quoted}")
    connection.exec_driver_sql(f"CREATE POLICY {POLICY} ON {quoted} USING {RULE} WITH CHECK {RULE}")


def disable(connection: sa.Connection, table: str) -> None:
    if connection.dialect.name != "postgresql":
        return
    quoted = connection.dialect.identifier_preparer.quote(table)
    connection.exec_driver_sql(f"DROP POLICY IF EXISTS {POLICY} ON {quoted}")
    connection.exec_driver_sql(f"ALTER TABLE {quoted} NO FORCE ROW LEVEL SECURITY")
    connection.exec_driver_sql(f"ALTER TABLE {quoted} DISABLE ROW LEVEL SECURITY")
