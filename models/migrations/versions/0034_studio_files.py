"""studio_files: drawn annotations on images saved with a QC decision (issue 11)

Revision ID: 0034_studio_files
Revises: 0033_finance_pages
Create Date: 2026-12-07 03:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0034_studio_files'
down_revision = '0033_finance_pages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('studio_review') as batch:
        batch.add_column(sa.Column('annotation', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('studio_review') as batch:
        batch.drop_column('annotation')
