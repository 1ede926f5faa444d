"""account links: invitations to a meeting's team and password resets

Revision ID: 7d41c2a9e0b3
Revises: 5372a8bfc9ce
Create Date: 2026-11-30 15:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d41c2a9e0b3'
down_revision = '5372a8bfc9ce'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['invited_by_id'], ['organiser.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organiser_id'], ['organiser.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_link_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_link_organiser_id'), ['organiser_id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_link_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_account_link_meeting_id'))
    op.drop_table('account_link')
