"""Re-planning stores the new version and its change notices in one transaction: a failure on the way
leaves the published plan and the outbox as they were; Redis being down loses nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import PUBLISHED, QUEUED, SUPERSEDED, OutboxMessage, PlanVersion
from netzwerktreffen.day import replanning
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning import scheduler_io as scheduling

from day_helpers import make_day_meeting, publish_plan


@pytest.fixture
def day_meeting(app, make_meeting, make_registration, organiser):
    meeting = make_day_meeting(make_meeting, make_registration, organiser, tables=6)
    publish_plan(meeting)
    for registration in meeting.registrations:
        if registration.name in ("Heike Lange", "Uwe Richter"):
            registration.no_show = True
    db.session.commit()
    return meeting


def versions(meeting) -> list[tuple[int, str]]:
    return list(db.session.execute(select(PlanVersion.number, PlanVersion.status)
                                   .where(PlanVersion.meeting_id == meeting.id).order_by(PlanVersion.number)))


def change_notices() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "change"))


def test_a_failure_while_queueing_notices_leaves_nothing_half_written(day_meeting, monkeypatch):
    before = versions(day_meeting)
    speed = day_meeting.blocks[0]
    queued = []
    real = schedule_mail.queue_personal

    def fails_on_the_second(*args, **kwargs):
        if queued:
            raise ConnectionError("database connection lost")
        queued.append(real(*args, **kwargs))
        return queued[-1]
    monkeypatch.setattr(schedule_mail, "queue_personal", fails_on_the_second)

    with pytest.raises(ConnectionError):
        replanning.replan(day_meeting, {scheduling.block_key(speed): 1})

    db.session.rollback()
    assert queued, "the failure came after a notice was queued"
    assert versions(day_meeting) == before and before[-1][1] == PUBLISHED
    assert change_notices() == 0
    assert db.session.get(type(speed), speed.id).rounds_held == 0


@pytest.mark.parametrize("app_config", [{"REDIS_URL": "redis://127.0.0.1:9/0", "MAIL_DELIVERY": "background"}])
def test_with_redis_down_the_new_version_comes_with_its_notices(day_meeting, logged_in):
    speed = day_meeting.blocks[0]
    response = logged_in.post(f"/organisation/treffen/{day_meeting.slug}/tag/neu-planen",
                              data={f"held-{scheduling.block_key(speed)}": "1"})

    assert response.status_code == 302 and "/tag/neuplanung" in response.location
    db.session.rollback()
    assert versions(day_meeting) == [(1, SUPERSEDED), (2, PUBLISHED)]
    assert change_notices() > 0
    assert set(db.session.scalars(select(OutboxMessage.status))) == {QUEUED}  # sent once Redis is back
