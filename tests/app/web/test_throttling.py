"""Throttling of the login and of the public forms that send mail; the same work for known and unknown
addresses."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD
from netzwerktreffen import create_app
from netzwerktreffen.core import models
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import OutboxMessage, Registration
from netzwerktreffen.mail import message as mail_message
from netzwerktreffen.mail import outbox as mail_outbox

LOW = {  # small limits for these tests; the others run with 1000 per hour (conftest)
    "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
    "LOGIN_LIMIT_PER_CLIENT": "5 per 15 minutes",
    "REGISTRATION_LIMIT_PER_CLIENT": "4 per hour",
    "REGISTRATION_LIMIT_PER_ADDRESS": "2 per hour",
    "LINK_LIMIT_PER_CLIENT": "4 per hour",
    "LINK_LIMIT_PER_ADDRESS": "2 per hour",
}
WAIT = re.compile(r"Zu viele Versuche in kurzer Zeit\. Bitte warten Sie (\d+) Minuten? und versuchen Sie es dann "
                  r"noch einmal\.")


@pytest.fixture
def app_config():
    return dict(LOW)


def from_address(ip):
    return {"REMOTE_ADDR": ip}


def assert_throttled(response, most_minutes):
    """The German 429 page: title, how many minutes to wait (at most the limit's window), Retry-After."""
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "<h1>Zu viele Versuche</h1>" in page
    minutes = int(WAIT.search(page).group(1))
    assert 1 <= minutes <= most_minutes
    assert 0 < int(response.headers["Retry-After"]) <= most_minutes * 60


def logged_in(client):
    return client.get("/organisation/").status_code == 200


# --- login ---------------------------------------------------------------------------------------------------

def test_the_right_password_waits_after_too_many_wrong_ones_for_the_account(client, organiser):
    for typed in ("orga@example.org", "ORGA@example.org", " orga@example.org "):  # one account however typed
        response = client.post("/login", data={"email": typed, "password": "falsch"})
        assert response.status_code == 200 and "E-Mail-Adresse oder Passwort ist falsch" in response.text
    response = client.post("/login", data={"email": "orga@example.org", "password": PASSWORD})
    assert_throttled(response, 15)
    assert not logged_in(client)
    # from another client too: the limit belongs to the account
    other = client.application.test_client()
    response = other.post("/login", data={"email": "orga@example.org", "password": PASSWORD},
                          environ_base=from_address("10.1.2.3"))
    assert response.status_code == 429
    assert not logged_in(other)


def test_other_accounts_are_not_locked_by_one_accounts_failures(client, make_organiser):
    make_organiser("orga@example.org")
    make_organiser("zweite@example.org")
    for _ in range(3):
        client.post("/login", data={"email": "orga@example.org", "password": "falsch"})
    response = client.post("/login", data={"email": "zweite@example.org", "password": PASSWORD})
    assert response.status_code == 302 and logged_in(client)


def test_one_client_trying_many_accounts_is_throttled(app, client, organiser):
    for n in range(5):
        response = client.post("/login", data={"email": f"rate{n}@example.org", "password": "falsch"})
        assert response.status_code == 200
    response = client.post("/login", data={"email": "orga@example.org", "password": PASSWORD})
    assert_throttled(response, 15)
    assert not logged_in(client)
    other = app.test_client()  # another client is not affected
    response = other.post("/login", data={"email": "orga@example.org", "password": PASSWORD},
                          environ_base=from_address("10.9.8.7"))
    assert response.status_code == 302


def test_successful_logins_do_not_count(client, auth, organiser):
    for _ in range(6):
        assert auth.login().status_code == 302
        auth.logout()
    assert client.get("/login").status_code == 200  # showing the form never counts either


def test_a_failed_login_checks_a_password_hash_for_known_and_unknown_addresses(client, organiser, monkeypatch):
    checked = []
    real = models.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)
    monkeypatch.setattr(models, "check_password_hash", counting)

    client.post("/login", data={"email": "niemand@example.org", "password": "falsch"})
    unknown = list(checked)
    checked.clear()
    client.post("/login", data={"email": "orga@example.org", "password": "falsch"})
    known = list(checked)
    assert len(unknown) == len(known) == 1
    # the stand-in hash is made the same way (same method and cost) as the real accounts' hashes
    assert unknown == known == [organiser.password_hash.split("$", 1)[0]]


def test_the_throttled_page_is_translated(client, organiser):
    for _ in range(3):
        client.post("/login", data={"email": "orga@example.org", "password": "falsch"})
    response = client.post("/login?lang=en", data={"email": "orga@example.org", "password": "falsch"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "<h1>Too many attempts</h1>" in page
    assert re.search(r"Too many attempts in a short time\. Please wait (\d+) minutes? and try again\.", page)


# --- registration --------------------------------------------------------------------------------------------

def registration_form(meeting, **overrides):
    """A complete registration (as tests/app/registration/test_registration.py sends it)."""
    sector = next(s for s in meeting.sectors if s.key == "sprachschule")
    data = {"given_name": "Olena", "family_name": "Kovalenko", "email": "olena.kovalenko@vhs.example",
            "organisation": "Kreisvolkshochschule Esslingen", "sector": str(sector.id),
            "languages": ["de"], "blocks": [str(b.id) for b in meeting.blocks], "consent_processing": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def registration_count(meeting):
    return db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.meeting_id == meeting.id))


def test_registration_is_throttled_per_address(client, make_meeting):
    meeting = make_meeting()
    for _ in range(3):  # form errors do not count per address: a person may correct them
        response = client.post(f"/m/{meeting.slug}", data=registration_form(meeting, consent_processing=None),
                               environ_base=from_address("10.0.0.5"))
        assert response.status_code == 400
    assert client.post(f"/m/{meeting.slug}", data=registration_form(meeting)).status_code == 302
    duplicate = registration_form(meeting, email="OLENA.kovalenko@vhs.example ", given_name="Jemand", family_name="anders")
    assert client.post(f"/m/{meeting.slug}", data=duplicate).status_code == 409
    response = client.post(f"/m/{meeting.slug}", data=duplicate, environ_base=from_address("10.0.0.9"))
    assert_throttled(response, 60)
    # another address from the same client is still taken
    response = client.post(f"/m/{meeting.slug}", data=registration_form(meeting, email="b@example.org"))
    assert response.status_code == 302
    assert registration_count(meeting) == 2


def test_registration_is_throttled_per_client(app, client, make_meeting):
    meeting = make_meeting()
    for n in range(4):
        response = client.post(f"/m/{meeting.slug}", data=registration_form(meeting, email=f"p{n}@example.org"))
        assert response.status_code == 302
    response = client.post(f"/m/{meeting.slug}", data=registration_form(meeting, email="p9@example.org"))
    assert_throttled(response, 60)
    assert registration_count(meeting) == 4
    assert client.get(f"/m/{meeting.slug}").status_code == 200  # the form itself stays readable
    other = app.test_client()
    response = other.post(f"/m/{meeting.slug}", data=registration_form(meeting, email="p9@example.org"),
                          environ_base=from_address("10.0.0.7"))
    assert response.status_code == 302
    assert registration_count(meeting) == 5


# --- "send my link again" ------------------------------------------------------------------------------------

def link_mails():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "link"))


def test_resending_the_link_is_throttled_per_address(app, client, make_meeting, outbox):
    meeting = make_meeting()
    client.post(f"/m/{meeting.slug}", data=registration_form(meeting))
    for n, typed in enumerate(("olena.kovalenko@vhs.example", "Olena.Kovalenko@VHS.example ")):
        response = app.test_client().post(f"/m/{meeting.slug}/link", data={"email": typed},
                                          environ_base=from_address(f"10.0.1.{n}"))
        assert response.status_code == 302
    assert link_mails() == 2
    response = app.test_client().post(f"/m/{meeting.slug}/link", data={"email": "olena.kovalenko@vhs.example"},
                                      environ_base=from_address("10.0.1.99"))
    assert_throttled(response, 60)
    assert link_mails() == 2
    assert len([m for m in outbox() if "persönlicher Link" in m["Subject"]]) == 2


def test_resending_the_link_is_throttled_per_client(client, make_meeting):
    meeting = make_meeting()
    for n in range(4):
        assert client.post(f"/m/{meeting.slug}/link", data={"email": f"x{n}@example.org"}).status_code == 302
    assert_throttled(client.post(f"/m/{meeting.slug}/link", data={"email": "x9@example.org"}), 60)


def test_resend_answers_the_same_after_the_same_work_known_or_not(app, client, make_meeting, monkeypatch):
    meeting = make_meeting()
    client.post(f"/m/{meeting.slug}", data=registration_form(meeting))
    cancelled = registration_form(meeting, email="weg@example.org", family_name="Weg")
    client.post(f"/m/{meeting.slug}", data=cancelled)
    client.post(f"/r/{db.session.scalar(select(Registration.token).where(Registration.email == 'weg@example.org'))}"
                "/absagen", data={"confirm": "y"})
    work = []
    real_render, real_kick = mail_message.render, mail_outbox.kick
    monkeypatch.setattr(mail_message, "render", lambda *a, **k: work.append(("render", a[0])) or real_render(*a, **k))
    monkeypatch.setattr(mail_outbox, "kick", lambda: work.append(("kick",)) or real_kick())

    answers = {}
    for address in ("olena.kovalenko@vhs.example", "niemand@example.org", "weg@example.org"):
        work.clear()
        mails_before = link_mails()
        response = app.test_client().post(f"/m/{meeting.slug}/link", data={"email": address},
                                          environ_base=from_address(f"10.0.2.{len(answers)}"))
        answers[address] = (response.status_code, response.location, tuple(work), link_mails() - mails_before)
    known, unknown, gone = answers.values()
    assert known[:3] == unknown[:3] == gone[:3] == (302, f"/m/{meeting.slug}", (("render", "link"), ("kick",)))
    assert (known[3], unknown[3], gone[3]) == (1, 0, 0)  # the mail goes to the registered person only
    assert registration_count(meeting) == 2  # the stand-in for unknown addresses is never stored


# --- configuration and storage -------------------------------------------------------------------------------

def test_throttling_can_be_switched_off(app, organiser):
    unthrottled = create_app(dict(app.config, RATELIMIT_ENABLED=False))
    client = unthrottled.test_client()
    for _ in range(5):
        assert client.post("/login", data={"email": "orga@example.org", "password": "falsch"}).status_code == 200
    assert client.post("/login", data={"email": "orga@example.org", "password": PASSWORD}).status_code == 302
    with unthrottled.app_context():
        db.engine.dispose()


def test_a_bad_limit_stops_the_app_naming_the_variable(app):
    config = dict(app.config, LOGIN_LIMIT_PER_ACCOUNT="fünf pro Stunde")
    with pytest.raises(ValueError, match=r"LOGIN_LIMIT_PER_ACCOUNT='fünf pro Stunde' ist keine gültige Grenze"):
        create_app(config)


def test_counts_in_memory_are_per_process_by_default(app):
    from netzwerktreffen.core.extensions import limiter
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert type(limiter.storage).__name__ == "MemoryStorage"


def test_with_redis_the_counts_outlive_the_process(app, make_organiser, redis_url):
    """Two app instances (two gunicorn workers, or a restart) share the counts kept in Redis."""
    from netzwerktreffen.core.extensions import limiter
    run = uuid.uuid4()  # an account and a client of this run only: parallel runs share the Redis
    account, client_ip = f"orga-{run.hex}@example.org", f"10.{run.bytes[0]}.{run.bytes[1]}.{run.bytes[2]}"
    make_organiser(account)
    config = dict(app.config, REDIS_URL=redis_url, RATELIMIT_STORAGE_URI="")
    first = create_app(config)
    assert type(limiter.storage).__name__ == "RedisStorage"
    for _ in range(3):
        response = first.test_client().post("/login", data={"email": account, "password": "falsch"},
                                            environ_base=from_address(client_ip))
        assert response.status_code == 200
    second = create_app(config)  # a fresh limiter storage object, the same Redis
    response = second.test_client().post("/login", data={"email": account, "password": PASSWORD},
                                         environ_base=from_address(client_ip))
    assert_throttled(response, 15)
    for other in (first, second):
        with other.app_context():
            db.engine.dispose()


def test_without_its_redis_the_app_still_answers_and_counts_in_memory(app, organiser):
    unreachable = create_app(dict(app.config, REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI=""))
    client = unreachable.test_client()
    for _ in range(3):
        assert client.post("/login", data={"email": "orga@example.org", "password": "falsch"}).status_code == 200
    assert_throttled(client.post("/login", data={"email": "orga@example.org", "password": PASSWORD}), 15)
    with unreachable.app_context():
        db.engine.dispose()


def test_asking_for_a_new_password_is_throttled_per_address_and_client(app, client):
    """"Passwort vergessen?" mails an address: the same limits as "send my link again"."""
    for n in range(2):
        response = app.test_client().post("/passwort-vergessen", data={"email": "ina@example.org"},
                                          environ_base=from_address(f"10.0.2.{n}"))
        assert response.status_code in (200, 302)
    assert_throttled(app.test_client().post("/passwort-vergessen", data={"email": "INA@example.org "},
                                            environ_base=from_address("10.0.2.99")), 60)
    for n in range(4):
        assert client.post("/passwort-vergessen", data={"email": f"p{n}@example.org"}).status_code in (200, 302)
    assert_throttled(client.post("/passwort-vergessen", data={"email": "p9@example.org"}), 60)
