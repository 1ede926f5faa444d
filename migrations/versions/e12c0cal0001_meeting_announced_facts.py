"""meeting: date, times and place as last mailed to the participants

Revision ID: e12c0cal0001
Revises: d798fd65759e
Create Date: 2026-11-30 18:00:00

Existing meetings start with NULL ("nothing recorded"): the first edit of a meeting whose schedules
went out records what was sent before the edit (``mail.schedules.record_before_edit``), so no data step.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e12c0cal0001'
down_revision = 'd798fd65759e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announced', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('announced')
