"""hardening: demo users flagged until they change their password; API tokens may expire (issue 12)

Revision ID: 0032_hardening
Revises: 0031_purchasing
Create Date: 2026-12-06 23:45:00
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0032_hardening'
down_revision = '0031_purchasing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('demo_password', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('api_token') as batch:
        batch.add_column(sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_token') as batch:
        batch.drop_column('expires_at')
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('demo_password')
