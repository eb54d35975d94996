"""finance_pages: an organization's finance settings (the cost currency production is posted in; issue 15)

Revision ID: 0033_finance_pages
Revises: 0032_hardening
Create Date: 2026-12-07 03:30:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0033_finance_pages'
down_revision = '0032_hardening'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('finance_settings',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('cost_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', name='uq_finance_settings_org')
    )


def downgrade() -> None:
    op.drop_table('finance_settings')
