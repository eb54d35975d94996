"""labels and scanning stations (issue 6)

Revision ID: 0010_labels_scanning
Revises: 0009_traceability
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.base


revision = '0010_labels_scanning'
down_revision = '0009_traceability'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
