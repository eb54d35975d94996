"""workflow engine, NCR/CAPA and SOP tickets (issue 5)

Revision ID: 0007_workflows_ncr
Revises: 0006_config_engine
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0007_workflows_ncr'
down_revision = '0006_config_engine'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
