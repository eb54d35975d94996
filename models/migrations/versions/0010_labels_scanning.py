"""labels and scanning stations (issue 6)

Revision ID: 0010_labels_scanning
Revises: 0009_traceability
Create Date: 2026-11-22
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0010_labels_scanning'
down_revision = '0009_traceability'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('api_token_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('receive', 'move', 'consume', 'pack', 'ship', name='scanmode', native_enum=False, create_constraint=False, length=16), nullable=False),
    sa.Column('context', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('raw', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('client_scan_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('result', sa.Enum('ok', 'error', name='scanresult', native_enum=False, create_constraint=False, length=8), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('label_kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_token_id'], ['api_token.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'client_scan_id', name='uq_scan_client_scan_id')
    )
    with op.batch_alter_table('scan', schema=None) as batch_op:
        batch_op.create_index('ix_scan_context_raw', ['organization_id', 'context', 'raw'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_api_token_id'), ['api_token_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scan_plant_id'), ['plant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scan_plant_id'))
        batch_op.drop_index(batch_op.f('ix_scan_organization_id'))
        batch_op.drop_index(batch_op.f('ix_scan_at'))
        batch_op.drop_index(batch_op.f('ix_scan_api_token_id'))
        batch_op.drop_index('ix_scan_context_raw')
    op.drop_table('scan')
