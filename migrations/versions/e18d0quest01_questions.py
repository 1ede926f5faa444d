"""questions at registration and their answers

Revision ID: e18d0quest01
Revises: e18a0chain001
Create Date: 2026-12-01 00:00:00

A meeting's questions on the registration form (``Question``: text, single, multiple, scale) and the
registrations' answers (``Answer``); ``Question.kept_counts`` holds the counts that stay after the personal
data is deleted. See ``core.questions``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18d0quest01'
down_revision = 'e18a0chain001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('text_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('options_en', sa.JSON(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False, server_default='0'),
        sa.Column('anonymous_results', sa.Boolean(), nullable=False, server_default='0'),
        sa.Column('kept_counts', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_question_meeting_id', 'question', ['meeting_id'])
    op.create_table(
        'answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['question.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id', 'question_id'))
    op.create_index('ix_answer_registration_id', 'answer', ['registration_id'])
    op.create_index('ix_answer_question_id', 'answer', ['question_id'])


def downgrade():
    op.drop_table('answer')
    op.drop_table('question')
