"""finance: budgets per project and per cost centre, a purchase order's cost centre (issue 15)

Revision ID: 0035_finance
Revises: 0034_studio_files
Create Date: 2026-12-07 03:45:00
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0035_finance'
down_revision = '0034_studio_files'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('budget',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('scope_key', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('cost_centre', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['studio_project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'scope_key', name='uq_budget_scope')
    )
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_project_id'), ['project_id'], unique=False)
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost_centre', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('purchase_order', schema=None) as batch_op:
        batch_op.drop_column('cost_centre')
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_project_id'))
        batch_op.drop_index(batch_op.f('ix_budget_organization_id'))
    op.drop_table('budget')
