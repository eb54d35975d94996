"""i18n: each person's language and their organization's default language (issue 13)

Revision ID: 0042_i18n
Revises: 0041_roles
Create Date: 2026-12-07 06:50:00

Both are nullable: a person without a language of their own follows the organization's default, and an
organization without one follows each browser's Accept-Language.
"""
import sqlalchemy as sa
from alembic import op

revision = '0042_i18n'
down_revision = '0041_roles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('organization') as batch:
        batch.add_column(sa.Column('default_language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organization') as batch:
        batch.drop_column('default_language')
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('language')
