"""KPI rollups per machine per hour/shift (issue 4)

Revision ID: 0003_kpi_rollups
Revises: 0002_production_core
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0003_kpi_rollups'
down_revision = '0002_production_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
