"""alerts: subscriptions, the outbox of alert events, the delivery log (#17 part B)

Revision ID: 0007_alerts
Revises: 0006
Create Date: 2026-12-07 11:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = '0007_alerts'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('surge_count', sa.Integer(), nullable=True),
    sa.Column('surge_window_s', sa.Integer(), nullable=True),
    sa.Column('roster_name', sa.String(length=200), nullable=True),
    sa.Column('facet_key', sa.String(length=60), nullable=True),
    sa.Column('facet_value', sa.String(length=500), nullable=True),
    sa.Column('needs_editor', sa.Boolean(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(surge_count IS NULL) = (surge_window_s IS NULL)', name=op.f('ck_alert_subscription_surge_whole')),
    sa.ForeignKeyConstraint(['letter_id'], ['letter.id'], name=op.f('fk_alert_subscription_letter_id_letter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_subscription'))
    )
    op.create_index(op.f('ix_alert_subscription_letter_id'), 'alert_subscription', ['letter_id'], unique=False)
    op.create_table('alert_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('as_of', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sending', 'delivered', 'failed')", name=op.f('ck_alert_event_status_known')),
    sa.ForeignKeyConstraint(['letter_id'], ['letter.id'], name=op.f('fk_alert_event_letter_id_letter'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshot.id'], name=op.f('fk_alert_event_snapshot_id_snapshot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscription_id'], ['alert_subscription.id'], name=op.f('fk_alert_event_subscription_id_alert_subscription'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_event')),
    sa.UniqueConstraint('subscription_id', 'dedupe_key', name=op.f('uq_alert_event_subscription_id_dedupe_key'))
    )
    op.create_index('ix_alert_event_letter_as_of', 'alert_event', ['letter_id', 'as_of'], unique=False)
    op.create_index('ix_alert_event_status_next', 'alert_event', ['status', 'next_attempt_at'], unique=False)
    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('attempted_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['alert_event.id'], name=op.f('fk_alert_delivery_event_id_alert_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery'))
    )
    op.create_index(op.f('ix_alert_delivery_event_id'), 'alert_delivery', ['event_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_alert_delivery_event_id'), table_name='alert_delivery')
    op.drop_table('alert_delivery')
    op.drop_index('ix_alert_event_status_next', table_name='alert_event')
    op.drop_index('ix_alert_event_letter_as_of', table_name='alert_event')
    op.drop_table('alert_event')
    op.drop_index(op.f('ix_alert_subscription_letter_id'), table_name='alert_subscription')
    op.drop_table('alert_subscription')
