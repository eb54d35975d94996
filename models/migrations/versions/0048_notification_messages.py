"""notification_messages: notifications keep their message to be read in each reader's language (issue 13)

Revision ID: 0048_notification_messages
Revises: 0047_secret_key
Create Date: 2026-12-07 14:30:00

`notification.title_message` and `body_message` hold the title's and body's message (template, context and
parameters: services/core/messages.to_data), rendered in the reader's language when read. Nullable: rows
written before, and notifications whose text is plain, keep reading their `title`/`body` as they are.
"""
import sqlalchemy as sa
from alembic import op

revision = '0048_notification_messages'
down_revision = '0047_secret_key'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('title_message', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('body_message', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('body_message')
        batch.drop_column('title_message')
