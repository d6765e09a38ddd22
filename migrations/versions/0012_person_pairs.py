"""distinct_people: pairs of people an editor judged different (the review queue, issue 18)

Revision ID: 0012_person_pairs
Revises: 0011_storage
Create Date: 2026-12-07 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = '0012_person_pairs'
down_revision: str | None = '0011_storage'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'distinct_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('person_id < other_id', name=op.f('ck_distinct_people_ordered')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ondelete='SET NULL',
                                name=op.f('fk_distinct_people_decided_by_id_user')),
        sa.ForeignKeyConstraint(['other_id'], ['person.id'], ondelete='CASCADE',
                                name=op.f('fk_distinct_people_other_id_person')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE',
                                name=op.f('fk_distinct_people_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_distinct_people')),
        sa.UniqueConstraint('person_id', 'other_id',
                            name=op.f('uq_distinct_people_person_id_other_id')),
    )
    op.create_index(op.f('ix_distinct_people_other_id'), 'distinct_people', ['other_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_distinct_people_other_id'), table_name='distinct_people')
    op.drop_table('distinct_people')
