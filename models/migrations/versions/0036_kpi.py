"""kpi: machine run intervals (idle is not running), booked planned downtime, per-plant KPI settings (issues 18, 10)

The run intervals of existing job events are filled in here (the same pairing as services/kpi/runs.py).

Revision ID: 0036_kpi
Revises: 0035_finance
Create Date: 2026-12-07 03:05:57
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0036_kpi'
down_revision = '0035_finance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kpi_plant_setting',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('idle_convention', sa.Enum('loss', 'not_scheduled', name='idleconvention', native_enum=False, length=16), nullable=False),
    sa.Column('overproduction_tolerance_percent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plant_id')
    )
    with op.batch_alter_table('kpi_plant_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_plant_setting_organization_id'), ['organization_id'], unique=False)

    op.create_table('kpi_planned_downtime',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('start_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'source_id', name='uq_kpi_planned_downtime_source')
    )
    with op.batch_alter_table('kpi_planned_downtime', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_planned_downtime_machine_start', ['machine_id', 'start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_planned_downtime_organization_id'), ['organization_id'], unique=False)

    op.create_table('kpi_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('start_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('kpi_run', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_run_machine_end', ['machine_id', 'end_at'], unique=False)
        batch_op.create_index('ix_kpi_run_machine_start', ['machine_id', 'start_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpi_run_organization_id'), ['organization_id'], unique=False)
    _fill_runs()


_OPENS, _CLOSES = ('job_started', 'job_resumed'), ('job_paused', 'job_completed')


def _fill_runs() -> None:
    """One row per stretch of time a machine had a job running, from the job events already recorded."""
    bind = op.get_bind()
    events = sa.table('production_event', sa.column('id'), sa.column('organization_id'), sa.column('plant_id'),
                      sa.column('machine_id'), sa.column('operation_id'), sa.column('kind'),
                      sa.column('occurred_at', models.base.UTCDateTime(timezone=True)))
    runs = sa.table('kpi_run', sa.column('organization_id'), sa.column('plant_id'), sa.column('machine_id'),
                    sa.column('start_at', models.base.UTCDateTime(timezone=True)),
                    sa.column('end_at', models.base.UTCDateTime(timezone=True)))
    rows = bind.execute(sa.select(events.c.organization_id, events.c.plant_id, events.c.machine_id,
                                  events.c.operation_id, events.c.kind, events.c.occurred_at)
                        .where(events.c.kind.in_(_OPENS + _CLOSES))
                        .order_by(events.c.machine_id, events.c.occurred_at, events.c.id))
    out: list[dict] = []
    machine, running = None, set[int]()
    for org_id, plant_id, machine_id, op_id, kind, at in rows:
        if machine_id != machine:           # a run still open at a machine's last event stays open (end_at NULL)
            machine, running = machine_id, set()
        was = bool(running)
        (running.add if kind in _OPENS else running.discard)(op_id or 0)
        if running and not was:
            out.append({'organization_id': org_id, 'plant_id': plant_id, 'machine_id': machine_id,
                        'start_at': at, 'end_at': None})
        elif was and not running:
            out[-1]['end_at'] = at
    for i in range(0, len(out), 500):
        bind.execute(sa.insert(runs), out[i:i + 500])



def downgrade() -> None:
    with op.batch_alter_table('kpi_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_run_organization_id'))
        batch_op.drop_index('ix_kpi_run_machine_start')
        batch_op.drop_index('ix_kpi_run_machine_end')

    op.drop_table('kpi_run')
    with op.batch_alter_table('kpi_planned_downtime', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_planned_downtime_organization_id'))
        batch_op.drop_index('ix_kpi_planned_downtime_machine_start')

    op.drop_table('kpi_planned_downtime')
    with op.batch_alter_table('kpi_plant_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_plant_setting_organization_id'))

    op.drop_table('kpi_plant_setting')
