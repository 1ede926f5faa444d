"""outbox: the plan version a mail carries

Revision ID: e12g0small01
Revises: e12d0lang001
Create Date: 2026-11-30 18:00:00

Each schedule mail, change notice and reminder remembers the plan version whose rounds it carried, so
that "Änderungen mitteilen" compares with what each person was actually sent. Existing mails get it
from their dedupe key (``schedule:<version>:<registration>``) or, for change notices and reminders,
as the version of their meeting that was published when they were queued.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e12g0small01'
down_revision = 'e12d0lang001'
branch_labels = None
depends_on = None

CARRY_ROUNDS = ('schedule', 'change', 'reminder')


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_plan_version_id_plan_version'), 'plan_version',
                                    ['plan_version_id'], ['id'], ondelete='SET NULL')
    backfill(op.get_bind())


def backfill(connection) -> None:
    """The plan version each existing schedule mail, change notice and reminder carried."""
    outbox = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('meeting_id', sa.Integer),
                      sa.column('kind', sa.String), sa.column('dedupe_key', sa.String),
                      sa.column('created_at', sa.DateTime), sa.column('plan_version_id', sa.Integer))
    versions = sa.table('plan_version', sa.column('id', sa.Integer), sa.column('meeting_id', sa.Integer),
                        sa.column('published_at', sa.DateTime))
    published: dict[int, list[tuple]] = {}
    for row in connection.execute(sa.select(versions.c.id, versions.c.meeting_id, versions.c.published_at)
                                  .where(versions.c.published_at.is_not(None))
                                  .order_by(versions.c.published_at)):
        published.setdefault(row.meeting_id, []).append((row.published_at, row.id))
    known = {version_id for rows in published.values() for _at, version_id in rows}
    mails = connection.execute(sa.select(outbox.c.id, outbox.c.meeting_id, outbox.c.kind, outbox.c.dedupe_key,
                                         outbox.c.created_at).where(outbox.c.kind.in_(CARRY_ROUNDS))).all()
    for mail in mails:
        version_id = None
        parts = (mail.dedupe_key or '').split(':')
        if mail.kind == 'schedule' and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) in known:
            version_id = int(parts[1])
        elif mail.created_at is not None:  # the version that was live when the mail was queued
            earlier = [vid for at, vid in published.get(mail.meeting_id, []) if _naive(at) <= _naive(mail.created_at)]
            version_id = earlier[-1] if earlier else None
        if version_id is not None:
            connection.execute(outbox.update().where(outbox.c.id == mail.id).values(plan_version_id=version_id))


def _naive(value):
    """A stored timestamp as naive UTC (SQLite hands back strings or naive values, PostgreSQL aware ones)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_plan_version_id_plan_version'), type_='foreignkey')
        batch_op.drop_column('plan_version_id')
