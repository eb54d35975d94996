"""org settings: an organization's regional defaults, document numbering patterns and retention periods (issue 14)

Revision ID: 0042_org_settings
Revises: 0041_roles
Create Date: 2026-12-07 07:05:00

No rows are written: an organization without a row has the defaults (the numbers it has today).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0042_org_settings'
down_revision = '0041_roles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organization_settings',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('week_start', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('number_format', sa.String(length=16), nullable=False),
    sa.Column('units', sa.String(length=16), nullable=False),
    sa.Column('numbering', sa.JSON(), nullable=False),
    sa.Column('audit_retention_days', sa.Integer(), nullable=True),
    sa.Column('notification_retention_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', name='uq_organization_settings_org')
    )


def downgrade() -> None:
    op.drop_table('organization_settings')
