"""auth2fa: two-factor log-in (authenticator secrets, recovery codes, log-in challenges, the organization's
policy of roles that must use it), the kind of a failed log-in attempt, and invitations (issue 14)

Revision ID: 0040_auth2fa
Revises: 0039_po_receipts
Create Date: 2026-12-07 06:32:09
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.base

revision = '0040_auth2fa'
down_revision = '0039_po_receipts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('two_factor_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('required_roles', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('two_factor_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_two_factor_policy_organization_id'), ['organization_id'], unique=True)

    op.create_table('invitation',
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('roles', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('plant_ids', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('send_count', sa.Integer(), nullable=False),
    sa.Column('accepted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_user_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['accepted_user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_token_hash'), ['token_hash'], unique=True)

    op.create_table('login_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('purpose', sa.Enum('code', 'enrol', name='loginchallengepurpose', native_enum=False, length=16), nullable=False),
    sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_challenge_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_login_challenge_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('user_two_factor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_step', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user_two_factor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_two_factor_user_id'), ['user_id'], unique=True)

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), server_default='password', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('user_two_factor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_two_factor_user_id'))

    op.drop_table('user_two_factor')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('login_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_challenge_user_id'))
        batch_op.drop_index(batch_op.f('ix_login_challenge_token_hash'))

    op.drop_table('login_challenge')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_token_hash'))
        batch_op.drop_index(batch_op.f('ix_invitation_organization_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_email'))

    op.drop_table('invitation')
    with op.batch_alter_table('two_factor_policy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_two_factor_policy_organization_id'))

    op.drop_table('two_factor_policy')
