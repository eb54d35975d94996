"""roles: roles as data per organization (built-in templates and custom roles) and per-plant role grants (issue 14)

Revision ID: 0041_roles
Revises: 0040_auth2fa
Create Date: 2026-12-07 06:50:00

Every existing organization gets the nine built-in roles as rows with no changes (granted = revoked = []),
so each person keeps exactly the permissions they had.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0041_roles'
down_revision = '0040_auth2fa'
branch_labels = None
depends_on = None

BUILTIN = [("admin", "Admin"), ("manager", "Manager"), ("planner", "Planner"), ("supervisor", "Supervisor"),
           ("operator", "Operator"), ("quality", "Quality"), ("maintenance", "Maintenance"), ("finance", "Finance"),
           ("viewer", "Viewer")]


def _stamps():
    return [sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
            sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
            sa.Column('created_by', sa.Integer(), nullable=True),
            sa.Column('updated_by', sa.Integer(), nullable=True)]


def upgrade() -> None:
    op.create_table('org_role', *_stamps(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('granted', sa.JSON(), nullable=False),
    sa.Column('revoked', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'key', name='uq_org_role_key')
    )
    with op.batch_alter_table('org_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_role_organization_id'), ['organization_id'], unique=False)
    op.create_table('role_grant', *_stamps(),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('plant_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['role_id'], ['org_role.id'], ),
    sa.ForeignKeyConstraint(['plant_id'], ['plant.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        for column in ('organization_id', 'user_id', 'role_id', 'plant_id'):
            batch_op.create_index(batch_op.f(f'ix_role_grant_{column}'), [column], unique=False)
    _seed_builtin_roles()


def _seed_builtin_roles() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    role = sa.table('org_role', sa.column('organization_id', sa.Integer()), sa.column('key', sa.String()),
                    sa.column('name', sa.String()), sa.column('description', sa.String()),
                    sa.column('builtin', sa.Boolean()), sa.column('granted', sa.JSON()), sa.column('revoked', sa.JSON()),
                    sa.column('created_at', models.base.UTCDateTime(timezone=True)),
                    sa.column('updated_at', models.base.UTCDateTime(timezone=True)))
    org_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM organization ORDER BY id"))]
    rows = [dict(organization_id=org_id, key=key, name=name, description="", builtin=True, granted=[], revoked=[],
                 created_at=now, updated_at=now) for org_id in org_ids for key, name in BUILTIN]
    if rows:
        op.bulk_insert(role, rows)


def downgrade() -> None:
    with op.batch_alter_table('role_grant', schema=None) as batch_op:
        for column in ('plant_id', 'role_id', 'user_id', 'organization_id'):
            batch_op.drop_index(batch_op.f(f'ix_role_grant_{column}'))
    op.drop_table('role_grant')
    with op.batch_alter_table('org_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_role_organization_id'))
    op.drop_table('org_role')
