"""documents: controlled documents with revisions, files and change orders; studio project milestones (issue 14)

Revision ID: 0038_documents
Revises: 0037_maint
Create Date: 2026-12-07 06:32:00.183721
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0038_documents'
down_revision = '0037_maint'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_order',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sa.Enum('draft', 'review', 'approved', 'cancelled', name='changeorderstatus', native_enum=False, length=16), nullable=False),
    sa.Column('approved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_change_order_number')
    )
    with op.batch_alter_table('change_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_order_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_order_status'), ['status'], unique=False)

    op.create_table('document_settings',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('revision_scheme', sa.Enum('letters', 'numbers', name='revisionscheme', native_enum=False, length=16), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('organization_id')
    )
    op.create_table('document',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=True),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sa.Enum('drawing', 'sop', 'work_instruction', 'specification', name='documentkind', native_enum=False, length=32), nullable=False),
    sa.Column('target_type', sa.Enum('product', 'routing_step', 'machine', 'project', 'work_order', 'customer_order', name='documenttarget', native_enum=False, length=32), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('released_revision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'number', name='uq_document_number')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_plant_id'), ['plant_id'], unique=False)
        batch_op.create_index('ix_document_target', ['organization_id', 'target_type', 'target_id'], unique=False)

    op.create_table('document_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('status', sa.Enum('draft', 'review', 'approved', 'obsolete', name='revisionstatus', native_enum=False, length=16), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('change_order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('obsolete_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['change_order_id'], ['change_order.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'label', name='uq_document_revision_label'),
    sa.UniqueConstraint('document_id', 'sequence', name='uq_document_revision_sequence')
    )
    with op.batch_alter_table('document_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_revision_change_order_id'), ['change_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_revision_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_revision_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_revision_status'), ['status'], unique=False)

    op.create_table('studio_milestone',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('reached_on', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['studio_project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'name', name='uq_studio_milestone_name')
    )
    with op.batch_alter_table('studio_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_studio_milestone_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_studio_milestone_project_id'), ['project_id'], unique=False)

    op.create_table('change_order_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('change_order_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['change_order_id'], ['change_order.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.ForeignKeyConstraint(['revision_id'], ['document_revision.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('change_order_id', 'product_id', name='uq_change_order_item_product'),
    sa.UniqueConstraint('revision_id', name='uq_change_order_item_revision')
    )
    with op.batch_alter_table('change_order_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_order_item_change_order_id'), ['change_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_order_item_organization_id'), ['organization_id'], unique=False)

    op.create_table('document_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('storage_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('uploaded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['revision_id'], ['document_revision.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('document_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_file_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_file_revision_id'), ['revision_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('document_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_file_revision_id'))
        batch_op.drop_index(batch_op.f('ix_document_file_organization_id'))

    op.drop_table('document_file')
    with op.batch_alter_table('change_order_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_order_item_organization_id'))
        batch_op.drop_index(batch_op.f('ix_change_order_item_change_order_id'))

    op.drop_table('change_order_item')
    with op.batch_alter_table('studio_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_studio_milestone_project_id'))
        batch_op.drop_index(batch_op.f('ix_studio_milestone_organization_id'))

    op.drop_table('studio_milestone')
    with op.batch_alter_table('document_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_revision_status'))
        batch_op.drop_index(batch_op.f('ix_document_revision_organization_id'))
        batch_op.drop_index(batch_op.f('ix_document_revision_document_id'))
        batch_op.drop_index(batch_op.f('ix_document_revision_change_order_id'))

    op.drop_table('document_revision')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_target')
        batch_op.drop_index(batch_op.f('ix_document_plant_id'))
        batch_op.drop_index(batch_op.f('ix_document_organization_id'))
        batch_op.drop_index(batch_op.f('ix_document_kind'))

    op.drop_table('document')
    op.drop_table('document_settings')
    with op.batch_alter_table('change_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_order_status'))
        batch_op.drop_index(batch_op.f('ix_change_order_organization_id'))

    op.drop_table('change_order')
