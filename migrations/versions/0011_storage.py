"""per-letter signer-data counts (cache validity per letter); no facet unique constraint, a partial merged-into index

The facet unique constraint goes: NULLs are distinct, so it never held for a row that names
only its signature or only its person (all but a few). Person's merged-into index keeps
entries only for merged people (a partial index).

Revision ID: 0011_storage
Revises: 0010_overlap_index
Create Date: 2026-12-07 12:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models import generation

revision: str = '0011_storage'
down_revision: str | None = '0010_overlap_index'
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
    with op.batch_alter_table('facet', schema=None) as batch_op:
        batch_op.drop_constraint('uq_facet_signature_id_person_id_key_value_source',
                                 type_='unique')
    _partial_indexes(partial=True)
    # The per-letter triggers, and on SQLite those of the copied facet table
    # (models/generation.py).
    generation.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    generation.uninstall(bind)
    _partial_indexes(partial=False)
    with op.batch_alter_table('facet', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_facet_signature_id_person_id_key_value_source',
            ['signature_id', 'person_id', 'key', 'value', 'source'])
    op.drop_table('letter_generation_pending')
    op.drop_table('letter_generation')
    generation.install(bind)


PARTIAL = (('ix_person_merged_into_id', 'person', ['merged_into_id'], 'merged_into_id'),)


def _partial_indexes(*, partial: bool) -> None:
    for name, table, columns, owner in PARTIAL:
        op.drop_index(name, table_name=table)
        where = sa.text(f'{owner} IS NOT NULL')
        options = {'sqlite_where': where, 'postgresql_where': where} if partial else {}
        op.create_index(name, table, columns, **options)
