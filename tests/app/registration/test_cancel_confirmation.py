"""Cancelling from the personal page asks first: one click does not give the seat away."""
from __future__ import annotations

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CONFIRMED, WAITLISTED


def test_personal_page_leads_to_a_question_not_straight_to_the_cancellation(client, make_meeting, make_registration):
    person = make_registration(make_meeting())
    page = client.get(f"/r/{person.token}").get_data(as_text=True)
    assert f'action="/r/{person.token}/absagen"' not in page  # no form that cancels in one click
    assert f'href="/r/{person.token}/absagen"' in page
    question = client.get(f"/r/{person.token}/absagen")
    html = question.get_data(as_text=True)
    assert question.status_code == 200 and "Wirklich absagen?" in html
    assert 'name="confirm"' in html and "Ja, ich sage meine Teilnahme ab." in html
    assert "geht Ihr Platz an die nächste Person auf der Warteliste" in html
    db.session.expire_all()
    assert person.status == CONFIRMED  # asking changes nothing


def test_a_post_without_the_confirmation_keeps_the_registration(client, make_meeting, make_registration, outbox):
    meeting = make_meeting(capacity=1)
    person = make_registration(meeting)
    waiting = make_registration(meeting, email="wartet@example.org")
    before = len(outbox())
    response = client.post(f"/r/{person.token}/absagen")
    assert response.status_code == 400
    assert "Bitte bestätigen Sie, dass Sie absagen möchten." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (person.status, waiting.status) == (CONFIRMED, WAITLISTED)
    assert len(outbox()) == before

    response = client.post(f"/r/{person.token}/absagen", data={"confirm": "y"})
    assert response.status_code == 302 and response.location == f"/r/{person.token}"
    db.session.expire_all()
    assert (person.status, waiting.status) == (CANCELLED, CONFIRMED)
    assert "storniert" in client.get(f"/r/{person.token}").get_data(as_text=True)
    # asking again after the cancellation only leads back to the page
    assert client.get(f"/r/{person.token}/absagen").status_code == 302


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_confirmation_alone_without_the_form_token_cancels_nothing(client, make_meeting, make_registration,
                                                                       app_config):
    person = make_registration(make_meeting())
    client.post(f"/r/{person.token}/absagen", data={"confirm": "y"})
    db.session.expire_all()
    assert person.status == CONFIRMED
