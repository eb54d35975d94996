"""secret_key: authenticator secrets encrypted at rest with the application key (issue 14)

Revision ID: 0047_secret_key
Revises: 0046_names2
Create Date: 2026-12-07 10:40:00

`user_two_factor.secret` widens to 255 characters for a Fernet token, and every secret still stored as
plain base32 is encrypted with the application key (TAKT_SECRET_KEY, services/core/secret_box.py, handed
in by models/migrations/env.py as `config.attributes["secret_box"]`). The key is asked for only when there
are secrets to encrypt. Downgrade decrypts them (with the same key) and narrows the column again.
"""
import re

import sqlalchemy as sa
from alembic import context, op

revision = '0047_secret_key'
down_revision = '0046_names2'
branch_labels = None
depends_on = None

PLAIN_BASE32 = re.compile(r"[A-Z2-7]+=*")
secrets_table = sa.table('user_two_factor', sa.column('id', sa.Integer), sa.column('secret', sa.String))


def _rewrite(change) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(secrets_table.c.id, secrets_table.c.secret)).all()
    box = context.config.attributes["secret_box"] if rows else None
    for row_id, secret in rows:
        new = change(box, secret)
        if new != secret:
            conn.execute(secrets_table.update().where(secrets_table.c.id == row_id).values(secret=new))


def upgrade() -> None:
    with op.batch_alter_table('user_two_factor') as batch:
        batch.alter_column('secret', existing_type=sa.String(length=64),
                           type_=sa.String(length=255), existing_nullable=False)
    _rewrite(lambda box, secret: box.encrypt(secret) if PLAIN_BASE32.fullmatch(secret) else secret)


def downgrade() -> None:
    _rewrite(lambda box, secret: secret if PLAIN_BASE32.fullmatch(secret) else box.decrypt(secret))
    with op.batch_alter_table('user_two_factor') as batch:
        batch.alter_column('secret', existing_type=sa.String(length=255),
                           type_=sa.String(length=64), existing_nullable=False)
