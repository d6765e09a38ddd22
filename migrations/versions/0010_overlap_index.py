"""person.match_key and middle_initials (one person across letters printed in different styles);
signature indexes for the overlap between letters

Revision ID: 0010_overlap_index
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.history import match_keys

revision: str = '0010_overlap_index'
down_revision: str | None = '0008_wayback'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('person') as batch_op:
        batch_op.add_column(sa.Column('match_key', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('middle_initials', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_person_match_key', ['match_key', 'middle_initials', 'id'])
    _key_people(op.get_bind())
    op.create_index('ix_signature_letter_removed_person', 'signature',
                    ['letter_id', 'removed_at', 'person_id'])
    op.create_index('ix_signature_person_letter', 'signature',
                    ['person_id', 'letter_id', 'removed_at'])


def _key_people(connection: sa.Connection) -> None:
    """Key the people already stored by the first name seen (their display name)."""
    person = sa.table('person', sa.column('id'), sa.column('display_name'),
                      sa.column('match_key'), sa.column('middle_initials'))
    update = (sa.update(person).where(person.c.id == sa.bindparam('pid'))
              .values(match_key=sa.bindparam('mk'), middle_initials=sa.bindparam('mi')))
    rows = connection.execute(sa.select(person.c.id, person.c.display_name)).all()
    for start in range(0, len(rows), BATCH):
        values = [dict(zip(('mk', 'mi'), match_keys(name), strict=True), pid=pid)
                  for pid, name in rows[start:start + BATCH]]
        connection.execute(update, values)


def downgrade() -> None:
    op.drop_index('ix_signature_person_letter', table_name='signature')
    op.drop_index('ix_signature_letter_removed_person', table_name='signature')
    with op.batch_alter_table('person') as batch_op:
        batch_op.drop_index('ix_person_match_key')
        batch_op.drop_column('middle_initials')
        batch_op.drop_column('match_key')
