"""series_generation: a per-letter count of changes to its snapshots (the chart's cache key)

The letter page keyed its cached chart by a count of the letter's ok snapshots, a scan of
every snapshot on every request; this count is one primary-key read (models/generation.py).
Letters start with no row (a count of 0); their first snapshot change writes it.

Revision ID: 0014_series_version
Revises: 0013_site_index
Create Date: 2026-12-07 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models import generation

revision: str = '0014_series_version'
down_revision: str | None = '0013_site_index'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('series_generation',
    sa.Column('letter_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_series_generation'))
    )
    generation.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    generation.uninstall(bind)
    op.drop_table('series_generation')
    generation.install(bind)
