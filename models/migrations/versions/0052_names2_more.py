"""names2_more: a second-language name and its language on customers, machines and departments (issue 13, item 3)

Revision ID: 0052_names2_more
Revises: 0051_document_links
Create Date: 2026-12-07 14:20:00

The same pair of columns as 0046_names2 (services/core/display_names.py shows the second name to a viewer of
its language): a customer's name in its own language (株式会社…), a machine's and a department's name as the
floor calls them. Existing rows get an empty second name and no language.
"""
import sqlalchemy as sa
from alembic import op

revision = '0052_names2_more'
down_revision = '0051_document_links'
branch_labels = None
depends_on = None

TABLES = ('customer', 'machine', 'department')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('name2', sa.String(length=200), nullable=False, server_default=''))
            batch.add_column(sa.Column('name2_language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('name2_language')
            batch.drop_column('name2')
