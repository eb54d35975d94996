"""machine data ingest (issue 4)

Revision ID: 0004_ingest
Revises: 0003_kpi_rollups
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0004_ingest'
down_revision = '0003_kpi_rollups'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
