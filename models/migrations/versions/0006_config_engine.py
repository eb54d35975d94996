"""type lists, custom fields, notifications and email outbox (issue 5)

Revision ID: 0006_config_engine
Revises: 0005_live_boards
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0006_config_engine'
down_revision = '0005_live_boards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
