"""login_policy: the organization's log-in policy among its settings (issue 14)

Revision ID: 0050_login_policy
Revises: 0049_invitation_language
Create Date: 2026-12-07 14:20:00

`organization_settings` gains the session lengths (idle minutes, sliding; absolute hours) and the password
rules (minimum length, digits, mixed case, a symbol, no name or email address in it). The defaults are the
rules in force until now (12 hours idle, 7 days at most, 10 characters), plus refusing a person's own name
or email address.
"""
import sqlalchemy as sa
from alembic import op

revision = '0050_login_policy'
down_revision = '0049_invitation_language'
branch_labels = None
depends_on = None

COLUMNS = (
    ('session_idle_minutes', sa.Integer(), sa.text('720')),
    ('session_max_hours', sa.Integer(), sa.text('168')),
    ('password_min_length', sa.Integer(), sa.text('10')),
    ('password_require_digit', sa.Boolean(), sa.false()),
    ('password_require_mixed_case', sa.Boolean(), sa.false()),
    ('password_require_symbol', sa.Boolean(), sa.false()),
    ('password_refuse_personal', sa.Boolean(), sa.true()),
)


def upgrade() -> None:
    with op.batch_alter_table('organization_settings') as batch:
        for name, type_, default in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=False, server_default=default))


def downgrade() -> None:
    with op.batch_alter_table('organization_settings') as batch:
        for name, _type, _default in reversed(COLUMNS):
            batch.drop_column(name)
