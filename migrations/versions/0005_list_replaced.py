"""a snapshot can say the page now holds a different list

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 08:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models import generation

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: SQLite keeps the table (and generation's
    # triggers on it) instead of copying it.
    op.add_column('snapshot', sa.Column('list_replaced', sa.Boolean(),
                                        server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('snapshot', schema=None) as batch_op:
        batch_op.drop_column('list_replaced')
    # Batch mode copied the table: its triggers go with the old copy (models/generation.py).
    generation.install(op.get_bind())
