"""count committed changes to the signer data (cache validity)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models import generation

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('data_generation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation'))
    )
    op.create_table('data_generation_pending',
    sa.Column('txid', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('txid', name=op.f('pk_data_generation_pending'))
    )
    # The row and the triggers that keep it (models/generation.py).
    generation.install(op.get_bind())


def downgrade() -> None:
    generation.uninstall(op.get_bind())
    op.drop_table('data_generation_pending')
    op.drop_table('data_generation')
