"""workflow engine, NCR/CAPA and SOP tickets (issue 5)

Revision ID: 0007_workflows_ncr
Revises: 0006_config_engine
Create Date: 2026-11-22
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0007_workflows_ncr'
down_revision = '0006_config_engine'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workflow',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'entity_type', 'version', name='uq_workflow_version')
    )
    with op.batch_alter_table('workflow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_entity_type'), ['entity_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_is_active'), ['is_active'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_organization_id'), ['organization_id'], unique=False)

    op.create_table('workflow_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_initial', sa.Boolean(), nullable=False),
    sa.Column('is_done', sa.Boolean(), nullable=False),
    sa.Column('is_rejected', sa.Boolean(), nullable=False),
    sa.Column('due_minutes', sa.Integer(), nullable=True),
    sa.Column('escalate_to_role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('escalate_to_user_id', sa.Integer(), nullable=True),
    sa.Column('escalate_to_head', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['escalate_to_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['workflow_id'], ['workflow.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workflow_id', 'key', name='uq_workflow_state_key')
    )
    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_state_workflow_id'), ['workflow_id'], unique=False)

    op.create_table('workflow_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('approval', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('approver_roles', sa.JSON(), nullable=False),
    sa.Column('approver_user_ids', sa.JSON(), nullable=False),
    sa.Column('require_comment', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['workflow_id'], ['workflow.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workflow_id', 'key', name='uq_workflow_transition_key')
    )
    with op.batch_alter_table('workflow_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_transition_workflow_id'), ['workflow_id'], unique=False)

    op.create_table('ncr',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('severity', sa.Enum('minor', 'major', 'critical', name='ncrseverity', native_enum=False, length=16), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('lot_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('detected_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('containment', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('root_cause_category_id', sa.Integer(), nullable=True),
    sa.Column('root_cause', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['owner_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_ncr_org_number')
    )
    with op.batch_alter_table('ncr', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ncr_is_closed'), ['is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_root_cause_category_id'), ['root_cause_category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_severity'), ['severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_status'), ['status'], unique=False)

    op.create_table('sop_ticket',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('sop_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('charging_department_id', sa.Integer(), nullable=False),
    sa.Column('charged_department_id', sa.Integer(), nullable=False),
    sa.Column('raised_by', sa.Integer(), nullable=True),
    sa.Column('response', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('responded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responded_by', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['charged_department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['charging_department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['raised_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['responded_by'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_sop_ticket_org_number')
    )
    with op.batch_alter_table('sop_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sop_ticket_charged_department_id'), ['charged_department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sop_ticket_charging_department_id'), ['charging_department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sop_ticket_is_closed'), ['is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_sop_ticket_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sop_ticket_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sop_ticket_status'), ['status'], unique=False)

    op.create_table('workflow_instance',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('workflow_id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('pending_transition', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('pending_round', sa.Integer(), nullable=False),
    sa.Column('pending_by', sa.Integer(), nullable=True),
    sa.Column('pending_comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['pending_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['workflow_id'], ['workflow.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'entity_type', 'entity_id', name='uq_workflow_instance_entity')
    )
    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_instance_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_instance_is_closed'), ['is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_instance_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_instance_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_instance_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_instance_workflow_id'), ['workflow_id'], unique=False)

    op.create_table('capa_action',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ncr_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('corrective', 'preventive', name='capakind', native_enum=False, length=16), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('is_done', sa.Boolean(), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('done_note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['done_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['ncr_id'], ['ncr.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['owner_user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('capa_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capa_action_is_done'), ['is_done'], unique=False)
        batch_op.create_index(batch_op.f('ix_capa_action_ncr_id'), ['ncr_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_capa_action_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_capa_action_owner_user_id'), ['owner_user_id'], unique=False)

    op.create_table('ncr_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ncr_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['ncr_id'], ['ncr.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ncr_id', 'kind', 'target_id', 'reference', name='uq_ncr_link')
    )
    with op.batch_alter_table('ncr_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ncr_link_ncr_id'), ['ncr_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ncr_link_organization_id'), ['organization_id'], unique=False)

    op.create_table('sop_reassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('from_department_id', sa.Integer(), nullable=False),
    sa.Column('to_department_id', sa.Integer(), nullable=False),
    sa.Column('justification', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['from_department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['sop_ticket.id'], ),
    sa.ForeignKeyConstraint(['to_department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sop_reassignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sop_reassignment_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sop_reassignment_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('workflow_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('transition', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workflow_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_step_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_step_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_department_head_user_id', 'app_user', ['head_user_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint('fk_department_head_user_id', type_='foreignkey')
        batch_op.drop_column('head_user_id')

    with op.batch_alter_table('workflow_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_step_organization_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_step_instance_id'))

    op.drop_table('workflow_step')
    with op.batch_alter_table('sop_reassignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sop_reassignment_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_sop_reassignment_organization_id'))

    op.drop_table('sop_reassignment')
    with op.batch_alter_table('ncr_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ncr_link_organization_id'))
        batch_op.drop_index(batch_op.f('ix_ncr_link_ncr_id'))

    op.drop_table('ncr_link')
    with op.batch_alter_table('capa_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capa_action_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_capa_action_organization_id'))
        batch_op.drop_index(batch_op.f('ix_capa_action_ncr_id'))
        batch_op.drop_index(batch_op.f('ix_capa_action_is_done'))

    op.drop_table('capa_action')
    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_instance_workflow_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_state'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_plant_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_organization_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_is_closed'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_due_at'))

    op.drop_table('workflow_instance')
    with op.batch_alter_table('sop_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sop_ticket_status'))
        batch_op.drop_index(batch_op.f('ix_sop_ticket_plant_id'))
        batch_op.drop_index(batch_op.f('ix_sop_ticket_organization_id'))
        batch_op.drop_index(batch_op.f('ix_sop_ticket_is_closed'))
        batch_op.drop_index(batch_op.f('ix_sop_ticket_charging_department_id'))
        batch_op.drop_index(batch_op.f('ix_sop_ticket_charged_department_id'))

    op.drop_table('sop_ticket')
    with op.batch_alter_table('ncr', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ncr_status'))
        batch_op.drop_index(batch_op.f('ix_ncr_severity'))
        batch_op.drop_index(batch_op.f('ix_ncr_root_cause_category_id'))
        batch_op.drop_index(batch_op.f('ix_ncr_product_id'))
        batch_op.drop_index(batch_op.f('ix_ncr_plant_id'))
        batch_op.drop_index(batch_op.f('ix_ncr_organization_id'))
        batch_op.drop_index(batch_op.f('ix_ncr_is_closed'))

    op.drop_table('ncr')
    with op.batch_alter_table('workflow_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_transition_workflow_id'))

    op.drop_table('workflow_transition')
    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_state_workflow_id'))

    op.drop_table('workflow_state')
    with op.batch_alter_table('workflow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_organization_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_is_active'))
        batch_op.drop_index(batch_op.f('ix_workflow_entity_type'))

    op.drop_table('workflow')
