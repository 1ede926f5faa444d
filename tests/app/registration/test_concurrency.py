"""Real parallel requests against gunicorn (4 processes × 4 threads), on SQLite and on PostgreSQL:
no overbooking, a friendly answer to a same-address race, and exactly one mail per state change."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED, OutboxMessage, Registration
from served import Browser, gunicorn
from test_registration import form_data

pytestmark = pytest.mark.slow
CLIENTS = 24


@pytest.fixture
def served(app, database):
    db.session.remove()  # the test's own connection holds no lock while the server works
    with gunicorn(database[1]) as base:
        yield base


def in_parallel(call, arguments) -> list:
    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(call, arguments))


def statuses(meeting) -> dict[str, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(Registration.status, func.count(Registration.id))
                                   .where(Registration.meeting_id == meeting.id).group_by(Registration.status)).all())


def mails(kind: str) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.to_email).where(OutboxMessage.kind == kind)))


def test_fifty_people_for_five_seats_confirm_five(make_meeting, served):
    meeting = make_meeting(capacity=5)
    browser = Browser(served)
    token = browser.csrf_token(f"/m/{meeting.slug}")
    posts = [form_data(meeting, email=f"p{n}@example.org", family_name=f"Person {n}", csrf_token=token) for n in range(50)]

    answers = in_parallel(lambda data: browser.request(f"/m/{meeting.slug}", data)[0], posts)

    assert answers == [302] * 50
    assert statuses(meeting) == {CONFIRMED: 5, WAITLISTED: 45}
    assert len(mails("confirmation")) == 5 and len(mails("waitlisted")) == 45  # each queued with its registration


def test_same_address_race_is_answered_as_already_registered(make_meeting, served):
    meeting = make_meeting(capacity=50)
    browser = Browser(served)
    token = browser.csrf_token(f"/m/{meeting.slug}")
    post = form_data(meeting, email="olena@example.org", csrf_token=token)

    answers = in_parallel(lambda _: browser.request(f"/m/{meeting.slug}", post), range(CLIENTS))

    codes = sorted(code for code, _ in answers)
    assert codes == [302] + [409] * (CLIENTS - 1), codes
    assert all("bereits jemand angemeldet" in page for code, page in answers if code == 409)
    assert statuses(meeting) == {CONFIRMED: 1}
    assert mails("confirmation") == ["olena@example.org"]


def test_concurrent_cancellations_send_one_mail_and_promote_one(make_meeting, make_registration, served):
    meeting = make_meeting(capacity=1)
    person = make_registration(meeting, email="geht@example.org")
    make_registration(meeting, email="wartet@example.org")  # on the waiting list
    browser = Browser(served)
    token = browser.csrf_token(f"/r/{person.token}")

    answers = in_parallel(lambda _: browser.request(f"/r/{person.token}/absagen", {"csrf_token": token, "confirm": "y"})[0],
                          range(CLIENTS))

    assert answers == [302] * CLIENTS
    assert statuses(meeting) == {CANCELLED: 1, CONFIRMED: 1}
    assert mails("cancelled") == ["geht@example.org"]
    assert mails("promoted") == ["wartet@example.org"]


def test_concurrent_promotions_send_one_mail(make_meeting, make_registration, make_organiser, served):
    organiser = make_organiser()
    meeting = make_meeting(capacity=1, organisers=[organiser])
    make_registration(meeting)
    waiting = make_registration(meeting, email="wartet@example.org")
    assert waiting.status == WAITLISTED
    browser = Browser(served)
    token = browser.csrf_token("/login")
    assert browser.request("/login", {"email": organiser.email, "password": PASSWORD, "csrf_token": token})[0] == 302
    path = f"/organisation/treffen/{meeting.slug}/anmeldungen/{waiting.id}/nachruecken"

    answers = in_parallel(lambda _: browser.request(path, {"csrf_token": token, "confirm": "y"})[0], range(CLIENTS))

    assert answers == [302] * CLIENTS
    assert statuses(meeting) == {CONFIRMED: 2}
    assert mails("promoted") == ["wartet@example.org"]
