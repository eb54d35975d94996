"""maint: the individual pauses of maintenance tickets (waiting for parts) with their reason (issue 10)

Revision ID: 0037_maint
Revises: 0036_kpi
Create Date: 2026-12-07 03:20:00

Tickets waiting now get their open pause (from `paused_since`); closed pauses before this revision were only
summed into `paused_seconds` and cannot be rebuilt.
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0037_maint'
down_revision = '0036_kpi'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('maintenance_ticket_pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['maintenance_ticket.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('maintenance_ticket_pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_ticket_pause_organization_id'), ['organization_id'],
                              unique=False)
        batch_op.create_index('ix_maintenance_ticket_pause_ticket_start', ['ticket_id', 'started_at'], unique=False)
    ticket = sa.table('maintenance_ticket', sa.column('id', sa.Integer()), sa.column('organization_id', sa.Integer()),
                      sa.column('paused_since', models.base.UTCDateTime(timezone=True)),
                      sa.column('is_closed', sa.Boolean()))
    pause = sa.table('maintenance_ticket_pause', sa.column('organization_id', sa.Integer()),
                     sa.column('ticket_id', sa.Integer()),
                     sa.column('started_at', models.base.UTCDateTime(timezone=True)),
                     sa.column('reason', sa.String()))
    op.execute(pause.insert().from_select(
        ['organization_id', 'ticket_id', 'started_at', 'reason'],
        sa.select(ticket.c.organization_id, ticket.c.id, ticket.c.paused_since, sa.literal('Waiting for parts'))
        .where(ticket.c.paused_since.is_not(None), ticket.c.is_closed == sa.false())))


def downgrade() -> None:
    with op.batch_alter_table('maintenance_ticket_pause', schema=None) as batch_op:
        batch_op.drop_index('ix_maintenance_ticket_pause_ticket_start')
        batch_op.drop_index(batch_op.f('ix_maintenance_ticket_pause_organization_id'))
    op.drop_table('maintenance_ticket_pause')
