"""coverage rules and must-meet names

Revision ID: e18c0cover01
Revises: e18e0progr01
Create Date: 2026-12-01 00:00:00

Guaranteed meetings: a meeting's coverage rules (``CoverageRule``: who meets at least k people of which
sectors, in one speed-networking block or all) and the people a participant must meet (``MustMeet``);
see ``core.coverage``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18c0cover01'
down_revision = 'e18e0progr01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'coverage_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('block_id', sa.Integer(), nullable=True),
        sa.Column('who_sectors', sa.JSON(), nullable=False),
        sa.Column('meets_sectors', sa.JSON(), nullable=False),
        sa.Column('at_least', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['block_id'], ['block.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_coverage_rule_meeting_id', 'coverage_rule', ['meeting_id'])
    op.create_table(
        'must_meet',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('names', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('registration_id'))


def downgrade():
    op.drop_table('must_meet')
    op.drop_table('coverage_rule')
