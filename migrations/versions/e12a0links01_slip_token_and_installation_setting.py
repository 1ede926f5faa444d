"""slip token of each registration, installation settings (remembered external URL)

Revision ID: e12a0links01
Revises: e12c0cal0001
Create Date: 2026-11-30 18:15:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e12a0links01'
down_revision = 'e12c0cal0001'
branch_labels = None
depends_on = None


def fill_slip_tokens(connection) -> int:
    """Give every registration without one its own secret slip token; returns how many were given."""
    registration = sa.table('registration', sa.column('id', sa.Integer), sa.column('slip_token', sa.String))
    missing = connection.execute(sa.select(registration.c.id).where(registration.c.slip_token.is_(None))).fetchall()
    for (row_id,) in missing:
        connection.execute(registration.update().where(registration.c.id == row_id)
                           .values(slip_token=secrets.token_urlsafe(32)))
    return len(missing)


def upgrade():
    op.create_table('installation_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation_setting'))
    )

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slip_token', sa.String(length=64), nullable=True))
    # every existing registration gets its own slip token, then the column is required and unique
    fill_slip_tokens(op.get_bind())
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.alter_column('slip_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_registration_slip_token'), ['slip_token'])


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registration_slip_token'), type_='unique')
        batch_op.drop_column('slip_token')

    op.drop_table('installation_setting')
