"""registration: given and family name

Revision ID: e12e0names01
Revises: e12a0links01
Create Date: 2026-11-30 18:00:00.000000

Adds ``given_name`` and ``family_name`` and fills them from the one ``name`` field existing
registrations have (``netzwerktreffen.core.names.split_name``: the last word with the particles before
it is the family name, "Berg, Anna" is understood, one word is a family name alone). ``name`` stays the
display name as it was written (only runs of spaces become one).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e12e0names01'
down_revision = 'e12a0links01'
branch_labels = None
depends_on = None


def split_existing_names(connection) -> int:
    """Fill given and family name of every registration from its name; returns how many rows."""
    from netzwerktreffen.core.names import clean, split_name
    registration = sa.table("registration", sa.column("id", sa.Integer), sa.column("name", sa.String),
                            sa.column("given_name", sa.String), sa.column("family_name", sa.String))
    rows = connection.execute(sa.select(registration.c.id, registration.c.name)).all()
    for row_id, name in rows:
        given, family = split_name(name)
        connection.execute(registration.update().where(registration.c.id == row_id).values(
            given_name=given, family_name=family, name=clean(name)[:200]))
    return len(rows)


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('given_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('family_name', sa.String(length=200), server_default='', nullable=False))
    split_existing_names(op.get_bind())


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('family_name')
        batch_op.drop_column('given_name')
