"""site_index and index_poll_log: many petitions' counts from one listing (issue 16 point 5)

Revision ID: 0013_site_index
Revises: 0012_person_pairs
Create Date: 2026-12-07 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = '0013_site_index'
down_revision: str | None = '0012_person_pairs'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'site_index',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('poll_interval_s', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_polled_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('next_due_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_outcome', sa.String(length=40), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('consecutive_failures', sa.Integer(), nullable=False),
        sa.CheckConstraint('poll_interval_s >= 60', name=op.f('ck_site_index_poll_interval_min')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_index')),
        sa.UniqueConstraint('url', name=op.f('uq_site_index_url')),
    )
    op.create_index(op.f('ix_site_index_next_due_at'), 'site_index', ['next_due_at'])
    op.create_table(
        'index_poll_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_index_id', sa.Integer(), nullable=False),
        sa.Column('started_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('duration_ms', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.String(length=40), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('http_status', sa.Integer(), nullable=True),
        sa.Column('pages_read', sa.Integer(), nullable=False),
        sa.Column('entries_read', sa.Integer(), nullable=False),
        sa.Column('members_refreshed', sa.Integer(), nullable=False),
        sa.Column('members_changed', sa.Integer(), nullable=False),
        sa.Column('members_suspect', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['site_index_id'], ['site_index.id'], ondelete='CASCADE',
                                name=op.f('fk_index_poll_log_site_index_id_site_index')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_index_poll_log')),
    )
    op.create_index('ix_index_poll_log_site_index_started', 'index_poll_log',
                    ['site_index_id', 'started_at'])


def downgrade() -> None:
    op.drop_index('ix_index_poll_log_site_index_started', table_name='index_poll_log')
    op.drop_table('index_poll_log')
    op.drop_index(op.f('ix_site_index_next_due_at'), table_name='site_index')
    op.drop_table('site_index')
