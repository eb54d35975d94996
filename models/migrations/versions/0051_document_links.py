"""document_links: a document attached to several targets; a change order is a document of kind change_order (issue 14)

Revision ID: 0051_document_links
Revises: 0050_login_policy
Create Date: 2026-12-07 14:20:00

Upgrade: the new tenant table `document_link` (with the row-level security policy on PostgreSQL) receives each
document's one target, and `document.target_type` / `target_id` go. Every change order gets its document: kind
"change_order", the change order's number, title and reason, no target, one revision labelled by the
organization's scheme whose status follows the change order's (draft, review, approved and released, or
obsolete when it was cancelled); `change_order.document_id` points at it.

Plain ALTER statements throughout (no batch copy of `document` or `change_order` on SQLite, which its foreign
keys forbid once rows point at them); `change_order.document_id` has no foreign key, like
`document.released_revision_id`, and a unique index.

Downgrade: the change orders' documents and their revisions go (a file on such a revision is dropped with it:
the schema before had nowhere to keep it), and each remaining document takes back its first target (the oldest
link); `document_link` goes.
"""

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime
from models.migrations import rls

revision = '0051_document_links'
down_revision = '0050_login_policy'
branch_labels = None
depends_on = None

TARGETS = ('product', 'routing_step', 'machine', 'project', 'work_order', 'customer_order')
target_type = sa.Enum(*TARGETS, name='documenttarget', native_enum=False, length=32)

document = sa.table('document', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
                    sa.column('plant_id', sa.Integer), sa.column('number', sa.String), sa.column('title', sa.String),
                    sa.column('kind', sa.String), sa.column('description', sa.String),
                    sa.column('released_revision_id', sa.Integer), sa.column('target_type', sa.String),
                    sa.column('target_id', sa.Integer), sa.column('created_at', UTCDateTime),
                    sa.column('updated_at', UTCDateTime), sa.column('created_by', sa.Integer),
                    sa.column('updated_by', sa.Integer))
link = sa.table('document_link', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
                sa.column('document_id', sa.Integer), sa.column('target_type', sa.String),
                sa.column('target_id', sa.Integer), sa.column('created_at', UTCDateTime),
                sa.column('created_by', sa.Integer))
revision_t = sa.table('document_revision', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
                      sa.column('document_id', sa.Integer), sa.column('sequence', sa.Integer),
                      sa.column('label', sa.String), sa.column('status', sa.String), sa.column('summary', sa.String),
                      sa.column('change_order_id', sa.Integer), sa.column('created_at', UTCDateTime),
                      sa.column('created_by', sa.Integer), sa.column('approved_at', UTCDateTime),
                      sa.column('approved_by', sa.Integer), sa.column('obsolete_at', UTCDateTime))
file_t = sa.table('document_file', sa.column('id', sa.Integer), sa.column('revision_id', sa.Integer))
order_t = sa.table('change_order', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
                   sa.column('document_id', sa.Integer), sa.column('number', sa.String), sa.column('title', sa.String),
                   sa.column('reason', sa.String), sa.column('status', sa.String),
                   sa.column('approved_at', UTCDateTime), sa.column('approved_by', sa.Integer),
                   sa.column('created_at', UTCDateTime), sa.column('updated_at', UTCDateTime),
                   sa.column('created_by', sa.Integer), sa.column('updated_by', sa.Integer))
settings_t = sa.table('document_settings', sa.column('organization_id', sa.Integer),
                      sa.column('revision_scheme', sa.String))

# change order status -> the status of its document's revision
REVISION_STATUS = {'draft': 'draft', 'review': 'review', 'approved': 'approved', 'cancelled': 'obsolete'}


def upgrade() -> None:
    op.create_table('document_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('target_type', target_type, nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'target_type', 'target_id', name='uq_document_link_target')
    )
    with op.batch_alter_table('document_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_link_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_link_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_document_link_target', ['organization_id', 'target_type', 'target_id'], unique=False)
    conn = op.get_bind()
    rls.enable(conn, 'document_link')
    conn.execute(link.insert().from_select(
        ['organization_id', 'document_id', 'target_type', 'target_id', 'created_at', 'created_by'],
        sa.select(document.c.organization_id, document.c.id, document.c.target_type, document.c.target_id,
                  document.c.created_at, document.c.created_by)))
    # plain ALTERs, no batch copy: SQLite cannot copy a table while other tables' rows point at it (foreign keys)
    op.drop_index('ix_document_target', table_name='document')
    op.drop_column('document', 'target_id')
    op.drop_column('document', 'target_type')
    op.add_column('change_order', sa.Column('document_id', sa.Integer(), nullable=True))
    op.create_index('uq_change_order_document', 'change_order', ['document_id'], unique=True)
    _documents_for_change_orders(conn)


def _documents_for_change_orders(conn: sa.Connection) -> None:
    schemes = dict(conn.execute(sa.select(settings_t.c.organization_id, settings_t.c.revision_scheme)).all())
    for order in conn.execute(sa.select(order_t).order_by(order_t.c.id)).mappings().all():
        doc_id = conn.execute(document.insert().values(
            organization_id=order['organization_id'], plant_id=None, number=order['number'], title=order['title'],
            kind='change_order', description=order['reason'] or '', released_revision_id=None,
            created_at=order['created_at'], updated_at=order['updated_at'], created_by=order['created_by'],
            updated_by=order['updated_by']).returning(document.c.id)).scalar_one()
        status = REVISION_STATUS.get(order['status'], 'draft')
        approved = status == 'approved'
        obsolete_at = order['updated_at'] if status == 'obsolete' else None
        rev_id = conn.execute(revision_t.insert().values(
            organization_id=order['organization_id'], document_id=doc_id, sequence=1,
            label='1' if schemes.get(order['organization_id']) == 'numbers' else 'A', status=status, summary='',
            change_order_id=None, created_at=order['created_at'], created_by=order['created_by'],
            approved_at=order['approved_at'] if approved else None,
            approved_by=order['approved_by'] if approved else None,
            obsolete_at=obsolete_at).returning(revision_t.c.id)).scalar_one()
        if approved:
            conn.execute(document.update().where(document.c.id == doc_id).values(released_revision_id=rev_id))
        conn.execute(order_t.update().where(order_t.c.id == order['id']).values(document_id=doc_id))


def downgrade() -> None:
    conn = op.get_bind()
    order_docs = sa.select(order_t.c.document_id).where(order_t.c.document_id.is_not(None)).scalar_subquery()
    order_revisions = sa.select(revision_t.c.id).where(revision_t.c.document_id.in_(order_docs)).scalar_subquery()
    doc_ids = [row[0] for row in conn.execute(sa.select(order_t.c.document_id)
                                              .where(order_t.c.document_id.is_not(None))).all()]
    conn.execute(file_t.delete().where(file_t.c.revision_id.in_(order_revisions)))
    conn.execute(order_t.update().values(document_id=None))
    if doc_ids:
        conn.execute(document.update().where(document.c.id.in_(doc_ids)).values(released_revision_id=None))
        conn.execute(revision_t.delete().where(revision_t.c.document_id.in_(doc_ids)))
        conn.execute(link.delete().where(link.c.document_id.in_(doc_ids)))
        conn.execute(document.delete().where(document.c.id.in_(doc_ids)))
    op.drop_index('uq_change_order_document', table_name='change_order')
    op.drop_column('change_order', 'document_id')
    op.add_column('document', sa.Column('target_type', target_type, nullable=True))
    op.add_column('document', sa.Column('target_id', sa.Integer(), nullable=True))
    firsts = sa.select(sa.func.min(link.c.id)).group_by(link.c.document_id)
    for doc_id, kind, target in conn.execute(sa.select(link.c.document_id, link.c.target_type, link.c.target_id)
                                             .where(link.c.id.in_(firsts))).all():
        conn.execute(document.update().where(document.c.id == doc_id).values(target_type=kind, target_id=target))
    # Every remaining document has a link (services/documents/documents.py keeps at least one), so none stays
    # NULL. PostgreSQL makes the columns NOT NULL again; SQLite keeps them nullable (that would copy the table,
    # which its foreign keys forbid while revisions point at its rows).
    if conn.dialect.name != 'sqlite':
        op.alter_column('document', 'target_type', existing_type=target_type, nullable=False)
        op.alter_column('document', 'target_id', existing_type=sa.Integer(), nullable=False)
    op.create_index('ix_document_target', 'document', ['organization_id', 'target_type', 'target_id'], unique=False)
    rls.disable(conn, 'document_link')
    with op.batch_alter_table('document_link', schema=None) as batch_op:
        batch_op.drop_index('ix_document_link_target')
        batch_op.drop_index(batch_op.f('ix_document_link_organization_id'))
        batch_op.drop_index(batch_op.f('ix_document_link_document_id'))
    op.drop_table('document_link')
