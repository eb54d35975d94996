"""invitation_language: the language an admin chooses for an invited person (issue 13)

Revision ID: 0049_invitation_language
Revises: 0048_notification_messages
Create Date: 2026-12-07 14:45:00

`invitation.language` (en, ja, ko) writes the invitation email and becomes the new account's own language;
nullable: None (and every invitation before) follows the organization's default language.
"""
import sqlalchemy as sa
from alembic import op

revision = '0049_invitation_language'
down_revision = '0048_notification_messages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('invitation') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('invitation') as batch:
        batch.drop_column('language')
