"""ideas for next time: topic suggestions and feedback

Revision ID: e18f0ideas01
Revises: e18c0cover01
Create Date: 2026-11-30 23:55:00

Topics participants suggest for the coming meetings (``TopicSuggestion``) and their feedback on the
meeting (``Feedback``: speed networking and café 1–5, a comment); see ``core.feedback``. Both stay,
anonymous, when the registration is deleted (``registration_id`` set to NULL).
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'e18f0ideas01'
down_revision = 'e18c0cover01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'topic_suggestion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_topic_suggestion_meeting_id', 'topic_suggestion', ['meeting_id'])
    op.create_index('ix_topic_suggestion_registration_id', 'topic_suggestion', ['registration_id'])
    op.create_table(
        'feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('speed', sa.Integer(), nullable=True),
        sa.Column('cafe', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id'))
    op.create_index('ix_feedback_meeting_id', 'feedback', ['meeting_id'])
    op.create_index('ix_feedback_registration_id', 'feedback', ['registration_id'])


def downgrade():
    op.drop_table('feedback')
    op.drop_table('topic_suggestion')
