"""planning jobs: heartbeat lease, queue id, best plan so far

A running job writes heartbeat_at regularly; when it is older than the lease,
the job's process died and the job is given up (see planning.expire_dead_jobs).
Rows that are queued or running when this migration runs have no heartbeat and
are treated by their start (or creation) time.

Revision ID: 5372a8bfc9ce
Revises: 48109ea76f90
Create Date: 2026-11-30 11:34:05.559472

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5372a8bfc9ce'
down_revision = '48109ea76f90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('planning_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('queue_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('best_plan', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('best_plan_instance', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('planning_job', schema=None) as batch_op:
        batch_op.drop_column('best_plan_instance')
        batch_op.drop_column('best_plan')
        batch_op.drop_column('queue_id')
        batch_op.drop_column('heartbeat_at')
