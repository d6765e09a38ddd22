"""a stated count may be a lower bound ("more than 1,140 signatures")

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models import generation

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: SQLite keeps the table (and generation's
    # triggers on it) instead of copying it.
    op.add_column('snapshot', sa.Column('reported_count_at_least', sa.Boolean(),
                                        server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('snapshot', schema=None) as batch_op:
        batch_op.drop_column('reported_count_at_least')
    # Batch mode copied the table: its triggers go with the old copy (models/generation.py).
    generation.install(op.get_bind())
