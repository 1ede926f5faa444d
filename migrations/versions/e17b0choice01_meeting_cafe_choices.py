"""meeting: how much café table choices count

Revision ID: e17b0choice01
Revises: e12g0small01
Create Date: 2026-11-30 21:00:00

"Tischwahl zählt: wenig / mittel / stark" per meeting (``Meeting.cafe_choices``); new and existing
meetings count the choices strongly, so that guests sit at a table they ranked whenever seats allow.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e17b0choice01'
down_revision = 'e12g0small01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cafe_choices', sa.String(length=10), nullable=False,
                                      server_default='strong'))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('cafe_choices')
