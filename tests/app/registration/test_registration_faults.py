"""A registration and its mails are one transaction: a failure between the steps leaves nothing half-written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CONFIRMED, QUEUED, WAITLISTED, OutboxMessage, Registration
from netzwerktreffen.mail import outbox
from netzwerktreffen.registration import service

from test_registration import form_data


def count(model, *where) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where))


def fail_on(monkeypatch, kind: str):
    real = outbox.queue

    def queue(kind_, *args, **kwargs):
        if kind_ == kind:
            raise ConnectionError("database connection lost")
        return real(kind_, *args, **kwargs)
    monkeypatch.setattr(outbox, "queue", queue)


def test_no_registration_without_its_confirmation(make_meeting, monkeypatch):
    meeting = make_meeting()
    data = service.RegistrationData(name="Olena Kovalenko", email="olena@example.org", organisation="VHS",
                                    sector=meeting.sectors[0])
    fail_on(monkeypatch, "confirmation")
    with pytest.raises(ConnectionError):
        service.register(meeting, data)
    assert count(Registration) == 0 and count(OutboxMessage) == 0


@pytest.mark.parametrize("app_config", [{"REDIS_URL": "redis://127.0.0.1:9/0", "MAIL_DELIVERY": "background"}])
def test_with_redis_down_the_confirmation_stays_queued(client, make_meeting):
    meeting = make_meeting()
    response = client.post(f"/m/{meeting.slug}", data=form_data(meeting))
    assert response.status_code == 302
    db.session.rollback()
    assert count(Registration, Registration.status == CONFIRMED) == 1
    assert count(OutboxMessage, OutboxMessage.kind == "confirmation", OutboxMessage.status == QUEUED) == 1


def test_a_cancellation_whose_mails_fail_changes_nothing(make_meeting, make_registration, monkeypatch):
    meeting = make_meeting(capacity=1)
    leaving = make_registration(meeting, email="geht@example.org")
    waiting = make_registration(meeting, email="wartet@example.org")
    fail_on(monkeypatch, "promoted")
    with pytest.raises(ConnectionError):
        service.cancel_registration(leaving)
    db.session.rollback()  # as at the end of the request
    assert (leaving.status, waiting.status) == (CONFIRMED, WAITLISTED)
    assert count(OutboxMessage) == 0
