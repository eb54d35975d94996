"""live dashboards and andon boards (issue 4)

Revision ID: 0005_live_boards
Revises: 0004_ingest
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0005_live_boards'
down_revision = '0004_ingest'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
