"""inspection plans, measurements, SPC, rejects and returns (issue 5)

Revision ID: 0008_inspection_spc
Revises: 0007_workflows_ncr
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0008_inspection_spc'
down_revision = '0007_workflows_ncr'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
