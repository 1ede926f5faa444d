"""process chains: stations and who acts where

Revision ID: e18a0chain001
Revises: e17b0choice01
Create Date: 2026-11-30 23:50:00

A meeting's process chains (``ProcessChain``), their ordered stations (``ChainStation``) and the stations
where a registered person acts, with what they offer there (``StationRole``); see ``core.chains``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18a0chain001'
down_revision = 'e17b0choice01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'process_chain',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_process_chain_meeting_id', 'process_chain', ['meeting_id'])
    op.create_table(
        'chain_station',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chain_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('description', sa.Text(), nullable=False, server_default=''),
        sa.Column('description_en', sa.Text(), nullable=False, server_default=''),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['chain_id'], ['process_chain.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_chain_station_chain_id', 'chain_station', ['chain_id'])
    op.create_table(
        'station_role',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('station_id', sa.Integer(), nullable=False),
        sa.Column('offer', sa.Text(), nullable=False, server_default=''),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['station_id'], ['chain_station.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id', 'station_id'))
    op.create_index('ix_station_role_registration_id', 'station_role', ['registration_id'])
    op.create_index('ix_station_role_station_id', 'station_role', ['station_id'])


def downgrade():
    op.drop_table('station_role')
    op.drop_table('chain_station')
    op.drop_table('process_chain')
