"""inspection plans, measurements, SPC, rejects and returns (issue 5)

Revision ID: 0008_inspection_spc
Revises: 0007_workflows_ncr
Create Date: 2026-11-22
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0008_inspection_spc'
down_revision = '0007_workflows_ncr'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inspection_plan',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('routing_step_id', sa.Integer(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.ForeignKeyConstraint(['routing_step_id'], ['routing_step.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_is_active'), ['is_active'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_product_id'), ['product_id'], unique=False)

    op.create_table('customer_return',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('defect_code_id', sa.Integer(), nullable=False),
    sa.Column('lot_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('disposition', sa.Enum('scrap', 'rework', 'use_as_is', 'return_to_vendor', name='disposition', native_enum=False, length=24), nullable=True),
    sa.Column('disposition_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('rework_operation_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('reported_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('customer_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.ForeignKeyConstraint(['rework_operation_id'], ['operation.id'], ),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_customer_return_number')
    )
    with op.batch_alter_table('customer_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_return_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_return_defect_code_id'), ['defect_code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_return_is_closed'), ['is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_return_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_return_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_return_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_return_status'), ['status'], unique=False)

    op.create_table('inspection_characteristic',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('nominal', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('lsl', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('usl', sa.Numeric(precision=18, scale=6), nullable=True),
    sa.Column('chart_type', sa.Enum('xbar_r', 'xbar_s', 'i_mr', 'p', 'c', name='chartkind', native_enum=False, length=16), nullable=False),
    sa.Column('subgroup_size', sa.Integer(), nullable=False),
    sa.Column('ruleset', sa.Enum('western_electric', 'nelson', name='rulesetkind', native_enum=False, length=24), nullable=False),
    sa.Column('baseline_start', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('baseline_end', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('limits', sa.JSON(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inspection_characteristic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_characteristic_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_characteristic_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_characteristic_plant_id'), ['plant_id'], unique=False)

    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('characteristic_id', sa.Integer(), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('machine_id', sa.Integer(), nullable=True),
    sa.Column('lot_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('inspected', sa.Integer(), nullable=True),
    sa.Column('defects', sa.Integer(), nullable=True),
    sa.Column('statistic', sa.Numeric(precision=24, scale=10), nullable=False),
    sa.Column('spread', sa.Numeric(precision=24, scale=10), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('measured_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['characteristic_id'], ['inspection_characteristic.id'], ),
    sa.ForeignKeyConstraint(['machine_id'], ['machine.id'], ),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'client_id', name='uq_inspection_client_id')
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_characteristic_at', ['characteristic_id', 'measured_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plant_id'), ['plant_id'], unique=False)

    op.create_table('internal_reject',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('defect_code_id', sa.Integer(), nullable=False),
    sa.Column('lot_reference', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('disposition', sa.Enum('scrap', 'rework', 'use_as_is', 'return_to_vendor', name='disposition', native_enum=False, length=24), nullable=True),
    sa.Column('disposition_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('rework_operation_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('is_closed', sa.Boolean(), nullable=False),
    sa.Column('reported_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Enum('scrap_report', 'quality', name='rejectsource', native_enum=False, length=16), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('production_event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['operation_id'], ['operation.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.ForeignKeyConstraint(['production_event_id'], ['production_event.id'], ),
    sa.ForeignKeyConstraint(['rework_operation_id'], ['operation.id'], ),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_internal_reject_number'),
    sa.UniqueConstraint('production_event_id', name='uq_internal_reject_event')
    )
    with op.batch_alter_table('internal_reject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_reject_defect_code_id'), ['defect_code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_reject_is_closed'), ['is_closed'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_reject_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_reject_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_reject_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_reject_status'), ['status'], unique=False)

    op.create_table('spc_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('characteristic_id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('chart', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('ruleset', sa.Enum('western_electric', 'nelson', name='rulesetkind', native_enum=False, length=24), nullable=False),
    sa.Column('rule', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('value', sa.Numeric(precision=24, scale=10), nullable=False),
    sa.Column('raised_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['characteristic_id'], ['inspection_characteristic.id'], ),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('spc_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spc_alert_characteristic_id'), ['characteristic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spc_alert_inspection_id'), ['inspection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spc_alert_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spc_alert_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spc_alert_raised_at'), ['raised_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('spc_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spc_alert_raised_at'))
        batch_op.drop_index(batch_op.f('ix_spc_alert_plant_id'))
        batch_op.drop_index(batch_op.f('ix_spc_alert_organization_id'))
        batch_op.drop_index(batch_op.f('ix_spc_alert_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_spc_alert_characteristic_id'))

    op.drop_table('spc_alert')
    with op.batch_alter_table('internal_reject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_reject_status'))
        batch_op.drop_index(batch_op.f('ix_internal_reject_product_id'))
        batch_op.drop_index(batch_op.f('ix_internal_reject_plant_id'))
        batch_op.drop_index(batch_op.f('ix_internal_reject_organization_id'))
        batch_op.drop_index(batch_op.f('ix_internal_reject_is_closed'))
        batch_op.drop_index(batch_op.f('ix_internal_reject_defect_code_id'))

    op.drop_table('internal_reject')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plant_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_organization_id'))
        batch_op.drop_index('ix_inspection_characteristic_at')

    op.drop_table('inspection')
    with op.batch_alter_table('inspection_characteristic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_characteristic_plant_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_characteristic_plan_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_characteristic_organization_id'))

    op.drop_table('inspection_characteristic')
    with op.batch_alter_table('customer_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_return_status'))
        batch_op.drop_index(batch_op.f('ix_customer_return_product_id'))
        batch_op.drop_index(batch_op.f('ix_customer_return_plant_id'))
        batch_op.drop_index(batch_op.f('ix_customer_return_organization_id'))
        batch_op.drop_index(batch_op.f('ix_customer_return_is_closed'))
        batch_op.drop_index(batch_op.f('ix_customer_return_defect_code_id'))
        batch_op.drop_index(batch_op.f('ix_customer_return_customer_id'))

    op.drop_table('customer_return')
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_product_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_plan_plant_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_plan_organization_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_plan_is_active'))

    op.drop_table('inspection_plan')
