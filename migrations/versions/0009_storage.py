"""per-letter signer-data counts (cache validity per letter)

Revision ID: 0009_storage
Revises: 0006
Create Date: 2026-12-07 12:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models import generation

revision: str = '0009_storage'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('letter_generation',
    sa.Column('letter_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_letter_generation'))
    )
    op.create_table('letter_generation_pending',
    sa.Column('txid', sa.String(length=32), nullable=False),
    sa.Column('letter_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('txid', 'letter_id', name=op.f('pk_letter_generation_pending'))
    )
    # The per-letter triggers (models/generation.py).
    generation.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    generation.uninstall(bind)
    op.drop_table('letter_generation_pending')
    op.drop_table('letter_generation')
    generation.install(bind)
