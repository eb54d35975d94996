"""lots, serials, genealogy and shipments (issue 6)

Revision ID: 0009_traceability
Revises: 0008_inspection_spc
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0009_traceability'
down_revision = '0008_inspection_spc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
