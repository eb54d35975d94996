"""po_receipts: goods and subcontracted work received against purchase order lines, which bound factory
settlements (issue 15)

Revision ID: 0039_po_receipts
Revises: 0038_documents
Create Date: 2026-12-07 07:00:00

Factory lines settled before this revision had no receipts; nothing is back-filled, so such a line can settle
again only what is received from now on beyond what it settled.
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0039_po_receipts'
down_revision = '0038_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('po_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('po_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity > 0', name='ck_po_receipt_quantity'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_order.id'], ),
    sa.ForeignKeyConstraint(['po_line_id'], ['purchase_order_line.id'], ),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('po_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_po_receipt_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_po_receipt_po_id'), ['po_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_po_receipt_po_line_id'), ['po_line_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('po_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_po_receipt_po_line_id'))
        batch_op.drop_index(batch_op.f('ix_po_receipt_po_id'))
        batch_op.drop_index(batch_op.f('ix_po_receipt_organization_id'))
    op.drop_table('po_receipt')
