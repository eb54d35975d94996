"""KPI rollups per machine per hour/shift and per local day (issue 4)

Revision ID: 0003_kpi_rollups
Revises: 0002_production_core
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0003_kpi_rollups'
down_revision = '0002_production_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_count_slice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('slice_start', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('operation_key', sa.Integer(), nullable=False),
    sa.Column('reason_key', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('good', sa.Integer(), nullable=False),
    sa.Column('scrap', sa.Integer(), nullable=False),
    sa.Column('ideal_ms', sa.BigInteger(), nullable=False),
    sa.Column('good_ideal_ms', sa.BigInteger(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('machine_id', 'slice_start', 'operation_key', 'reason_key', name='uq_kpi_count_slice')
    )
    with op.batch_alter_table('kpi_count_slice', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_count_slice_plant_start', ['plant_id', 'slice_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_count_slice_organization_id'), ['organization_id'], unique=False)

    op.create_table('kpi_stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('started_event_id', sa.Integer(), nullable=False),
    sa.Column('ended_event_id', sa.Integer(), nullable=True),
    sa.Column('reason_key', sa.Integer(), nullable=False),
    sa.Column('start_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['ended_event_id'], ['production_event.id'], ),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['started_event_id'], ['production_event.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('started_event_id', name='uq_kpi_stop_started_event')
    )
    with op.batch_alter_table('kpi_stop', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_stop_machine_start', ['machine_id', 'start_at'], unique=False)
        batch_op.create_index('ix_kpi_stop_plant_open', ['plant_id', 'end_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_stop_organization_id'), ['organization_id'], unique=False)

    op.create_table('kpi_stop_slice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('slice_start', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason_key', sa.Integer(), nullable=False),
    sa.Column('stop_us', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('machine_id', 'slice_start', 'reason_key', name='uq_kpi_stop_slice')
    )
    with op.batch_alter_table('kpi_stop_slice', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_stop_slice_plant_start', ['plant_id', 'slice_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_stop_slice_organization_id'), ['organization_id'], unique=False)


    op.create_table('kpi_count_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('day_start', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('operation_key', sa.Integer(), nullable=False),
    sa.Column('reason_key', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('good', sa.Integer(), nullable=False),
    sa.Column('scrap', sa.Integer(), nullable=False),
    sa.Column('ideal_ms', sa.BigInteger(), nullable=False),
    sa.Column('good_ideal_ms', sa.BigInteger(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('machine_id', 'day_start', 'operation_key', 'reason_key', name='uq_kpi_count_day')
    )
    with op.batch_alter_table('kpi_count_day', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_count_day_plant_start', ['plant_id', 'day_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_count_day_organization_id'), ['organization_id'], unique=False)

    op.create_table('kpi_stop_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('day_start', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason_key', sa.Integer(), nullable=False),
    sa.Column('stop_us', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('machine_id', 'day_start', 'reason_key', name='uq_kpi_stop_day')
    )
    with op.batch_alter_table('kpi_stop_day', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_stop_day_plant_start', ['plant_id', 'day_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_stop_day_organization_id'), ['organization_id'], unique=False)


def downgrade() -> None:
    op.drop_table('kpi_stop_day')
    op.drop_table('kpi_count_day')
    op.drop_table('kpi_stop_slice')
    op.drop_table('kpi_stop')
    op.drop_table('kpi_count_slice')
