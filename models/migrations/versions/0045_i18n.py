"""i18n: each person's language (issue 13)

Revision ID: 0045_i18n
Revises: 0044_rls
Create Date: 2026-12-07 06:50:00

Nullable: a person without a language of their own follows the organization's settings (0042_org_settings),
else the browser's Accept-Language.
"""
import sqlalchemy as sa
from alembic import op

revision = '0045_i18n'
down_revision = '0044_rls'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('language')
