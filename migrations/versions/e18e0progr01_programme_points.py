"""programme points: talks, presentations, practice examples, breaks, open exchange

Revision ID: e18e0progr01
Revises: e18d0quest01
Create Date: 2026-12-01 00:00:00

A meeting's programme points (``ProgrammePoint``, see ``core.programme``) beside its agenda blocks:
kind, title (and English title), speakers, organisation, start, minutes, order, and a sequence for calendars.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18e0progr01'
down_revision = 'e18d0quest01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('title_en', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('speakers', sa.Text(), nullable=False, server_default=''),
        sa.Column('organisation', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('start_time', sa.Time(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_programme_point_meeting_id', 'programme_point', ['meeting_id'])


def downgrade():
    op.drop_index('ix_programme_point_meeting_id', table_name='programme_point')
    op.drop_table('programme_point')
