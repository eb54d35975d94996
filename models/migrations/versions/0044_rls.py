"""rls: row-level security on every tenant table, keyed by the transaction's takt.organization_id (issue 14)

Revision ID: 0044_rls
Revises: 0043_form_layouts
Create Date: 2026-12-07 07:35:00

PostgreSQL only (SQLite has no row-level security): every table that has an `organization_id` column
when this runs gets the policy of models/migrations/rls.py, enabled and forced. Tables created by
later migrations call `rls.enable` themselves. Downgrade removes the policies.
"""
from alembic import op

from models.migrations import rls

revision = '0044_rls'
down_revision = '0043_form_layouts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table in rls.tenant_tables(connection):
        rls.enable(connection, table)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table in rls.tenant_tables(connection):
        rls.disable(connection, table)
