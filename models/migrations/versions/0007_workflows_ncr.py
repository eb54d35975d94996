"""workflow engine, NCR/CAPA and SOP tickets (issue 5)

Revision ID: 0007_workflows_ncr
Revises: 0006_config_engine
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
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
    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_instance_workflow_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_state'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_plant_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_organization_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_is_closed'))
        batch_op.drop_index(batch_op.f('ix_workflow_instance_due_at'))

    op.drop_table('workflow_instance')
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
