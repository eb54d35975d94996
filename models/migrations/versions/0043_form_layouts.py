"""form layouts: an organization's sections, field order, required flags and help texts per entity (issue 14)

Revision ID: 0043_form_layouts
Revises: 0042_org_settings
Create Date: 2026-12-07 07:40:00

No rows are written: an entity without a row has the default layout (built-in fields, then custom fields).
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0043_form_layouts'
down_revision = '0042_org_settings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_layout',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'entity_type', name='uq_form_layout_org_entity')
    )


def downgrade() -> None:
    op.drop_table('form_layout')
