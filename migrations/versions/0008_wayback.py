"""Wayback backfill: a snapshot's capture URL and partial flag, a page's capture URL, jobs

Revision ID: 0008_wayback
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base
from models import generation

revision: str = '0008_wayback'
down_revision: str | None = '0007_alerts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs, not batch mode: SQLite keeps the tables and their triggers.
    op.add_column('snapshot', sa.Column('capture_url', sa.String(length=2048), nullable=True))
    op.add_column('snapshot', sa.Column('partial', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    op.add_column('snapshot_page', sa.Column('capture_url', sa.String(length=2048),
                                             nullable=True))
    op.create_table(
        'backfill_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('recorded', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('running', 'done', 'failed')",
                           name=op.f('ck_backfill_job_state_known')),
        sa.ForeignKeyConstraint(['letter_id'], ['letter.id'],
                                name=op.f('fk_backfill_job_letter_id_letter'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_backfill_job')),
    )
    op.create_index('ix_backfill_job_letter_started', 'backfill_job',
                    ['letter_id', 'started_at'])


def downgrade() -> None:
    op.drop_index('ix_backfill_job_letter_started', table_name='backfill_job')
    op.drop_table('backfill_job')
    with op.batch_alter_table('snapshot_page', schema=None) as batch_op:
        batch_op.drop_column('capture_url')
    with op.batch_alter_table('snapshot', schema=None) as batch_op:
        batch_op.drop_column('partial')
        batch_op.drop_column('capture_url')
    # Batch mode copied the tables: their triggers go with the old copies (models/generation.py).
    generation.install(op.get_bind())
