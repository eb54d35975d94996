"""maintenance: tickets with SLA clocks, plans, spare parts, labour (issue 10)

Revision ID: 0030_maintenance
Revises: 0022_studio
Create Date: 2026-12-06 20:48:11.280738
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0030_maintenance'
down_revision = '0022_studio'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('spare_part',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'code', name='uq_spare_part_org_code')
    )
    with op.batch_alter_table('spare_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spare_part_organization_id'), ['organization_id'], unique=False)

    op.create_table('maintenance_sla_target',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.Column('warn_minutes', sa.Integer(), nullable=False),
    sa.Column('pause_waiting_parts', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plant_id', 'priority', name='uq_maintenance_sla_plant_priority')
    )
    with op.batch_alter_table('maintenance_sla_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_sla_target_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_sla_target_plant_id'), ['plant_id'], unique=False)

    op.create_table('maintenance_team',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('lead_user_id', sa.Integer(), nullable=True),
    sa.Column('manager_user_id', sa.Integer(), nullable=True),
    sa.Column('manager_after_minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lead_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['manager_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plant_id', name='uq_maintenance_team_plant')
    )
    with op.batch_alter_table('maintenance_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_team_organization_id'), ['organization_id'], unique=False)

    op.create_table('part_stock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('min_quantity', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['part_id'], ['spare_part.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('part_id', 'plant_id', 'location', name='uq_part_stock_place')
    )
    with op.batch_alter_table('part_stock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_part_stock_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_part_stock_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_part_stock_plant_id'), ['plant_id'], unique=False)

    op.create_table('maintenance_auto_rule',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=True),
    sa.Column('reason_code_id', sa.Integer(), nullable=True),
    sa.Column('threshold_minutes', sa.Integer(), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['reason_code_id'], ['reason_code.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_auto_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_auto_rule_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_auto_rule_plant_id'), ['plant_id'], unique=False)

    op.create_table('maintenance_plan',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=True),
    sa.Column('work_center_id', sa.Integer(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('interval', sa.Integer(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('anchor_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['work_center_id'], ['work_center.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_plan_is_active'), ['is_active'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_plan_machine_id'), ['machine_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_plan_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_plan_plant_id'), ['plant_id'], unique=False)

    op.create_table('maintenance_ticket',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reason_code_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('raised_by', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('planned_start', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('planned_end', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('downtime_event_id', sa.Integer(), nullable=True),
    sa.Column('response_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_since', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_seconds', sa.Integer(), nullable=False),
    sa.Column('sla_pauses', sa.Boolean(), nullable=False),
    sa.Column('warned_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('response_breached', sa.Boolean(), nullable=False),
    sa.Column('resolution_breached', sa.Boolean(), nullable=False),
    sa.Column('checklist', sa.JSON(), nullable=False),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['maintenance_plan.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['raised_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['reason_code_id'], ['reason_code.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_maintenance_ticket_org_number')
    )
    with op.batch_alter_table('maintenance_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_maintenance_ticket_machine_created', ['machine_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_machine_id'), ['machine_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index('ix_maintenance_ticket_plant_open', ['plant_id', 'is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_status'), ['status'], unique=False)

    op.create_table('maintenance_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['maintenance_ticket.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_attachment_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_attachment_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('maintenance_labour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hours', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('hourly_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['maintenance_ticket.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_labour', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_labour_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_labour_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('maintenance_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['maintenance_ticket.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_note_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_note_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('maintenance_plan_machine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('machine_id', sa.Integer(), nullable=False),
    sa.Column('since', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('open_ticket_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['open_ticket_id'], ['maintenance_ticket.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['maintenance_plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'machine_id', name='uq_maintenance_plan_machine')
    )
    with op.batch_alter_table('maintenance_plan_machine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_plan_machine_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_plan_machine_plan_id'), ['plan_id'], unique=False)

    op.create_table('maintenance_stop_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['production_event.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['maintenance_ticket.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_id', 'event_id', name='uq_maintenance_stop_link')
    )
    with op.batch_alter_table('maintenance_stop_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_stop_link_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_stop_link_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_stop_link_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('stock_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['part_id'], ['spare_part.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['maintenance_ticket.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stock_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_move_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_move_ticket_id'), ['ticket_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('stock_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_move_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_stock_move_plant_id'))
        batch_op.drop_index(batch_op.f('ix_stock_move_part_id'))
        batch_op.drop_index(batch_op.f('ix_stock_move_organization_id'))

    op.drop_table('stock_move')
    with op.batch_alter_table('maintenance_stop_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_stop_link_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_stop_link_organization_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_stop_link_event_id'))

    op.drop_table('maintenance_stop_link')
    with op.batch_alter_table('maintenance_plan_machine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_plan_machine_plan_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_plan_machine_organization_id'))

    op.drop_table('maintenance_plan_machine')
    with op.batch_alter_table('maintenance_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_note_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_note_organization_id'))

    op.drop_table('maintenance_note')
    with op.batch_alter_table('maintenance_labour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_labour_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_labour_organization_id'))

    op.drop_table('maintenance_labour')
    with op.batch_alter_table('maintenance_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_attachment_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_attachment_organization_id'))

    op.drop_table('maintenance_attachment')
    with op.batch_alter_table('maintenance_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_status'))
        batch_op.drop_index('ix_maintenance_ticket_plant_open')
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_plant_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_plan_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_organization_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_machine_id'))
        batch_op.drop_index('ix_maintenance_ticket_machine_created')
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_kind'))
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_assignee_id'))

    op.drop_table('maintenance_ticket')
    with op.batch_alter_table('maintenance_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_plan_plant_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_plan_organization_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_plan_machine_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_plan_is_active'))

    op.drop_table('maintenance_plan')
    with op.batch_alter_table('maintenance_auto_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_auto_rule_plant_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_auto_rule_organization_id'))

    op.drop_table('maintenance_auto_rule')
    with op.batch_alter_table('part_stock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_part_stock_plant_id'))
        batch_op.drop_index(batch_op.f('ix_part_stock_part_id'))
        batch_op.drop_index(batch_op.f('ix_part_stock_organization_id'))

    op.drop_table('part_stock')
    with op.batch_alter_table('maintenance_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_team_organization_id'))

    op.drop_table('maintenance_team')
    with op.batch_alter_table('maintenance_sla_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_sla_target_plant_id'))
        batch_op.drop_index(batch_op.f('ix_maintenance_sla_target_organization_id'))

    op.drop_table('maintenance_sla_target')
    with op.batch_alter_table('spare_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spare_part_organization_id'))

    op.drop_table('spare_part')

