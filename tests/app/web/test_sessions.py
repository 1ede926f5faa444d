"""Sessions end for real: logging out or a new password revokes every session and remember cookie issued
before (on every device), and the cookies carry HttpOnly, SameSite and (behind HTTPS) Secure."""
from __future__ import annotations

import pytest

from netzwerktreffen.core.extensions import db
from netzwerktreffen.web.auth import change_password

PASSWORD = "richtig-geheim-42"
COOKIES = ("session", "remember_token")


def ask(client, method, url, **kwargs):
    """One request in an app context of its own, as in production: Flask-Login keeps the user it loaded in
    ``g``, which would otherwise outlive the request in the test's app context."""
    with client.application.app_context():
        return client.open(url, method=method, **kwargs)


def log_in(app, email="orga@example.org", remember=True):
    """A fresh client logged in (with "stay logged in"); returns it and its session and remember cookies."""
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    response = ask(client, "POST", "/login", data=data)
    assert response.status_code == 302 and response.location == "/organisation/"
    cookies = {name: client.get_cookie(name).value for name in COOKIES if client.get_cookie(name)}
    assert set(cookies) == (set(COOKIES) if remember else {"session"})
    return client, cookies


def replay(app, cookies: dict):
    """A new client carrying only these cookies asks for the organisers' overview."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return ask(client, "GET", "/organisation/")


def test_copied_cookies_work_while_the_session_lasts(app, organiser):
    _client, cookies = log_in(app)
    assert replay(app, cookies).status_code == 200
    # the remember cookie alone logs in again (a new browser session)
    assert replay(app, {"remember_token": cookies["remember_token"]}).status_code == 200


def test_logout_revokes_the_old_session_and_remember_cookie(app, organiser):
    client, cookies = log_in(app)
    assert ask(client, "POST", "/logout").status_code == 302
    for replayed in (cookies, {"session": cookies["session"]}, {"remember_token": cookies["remember_token"]}):
        response = replay(app, replayed)
        assert response.status_code == 302 and response.location.startswith("/login"), replayed.keys()


def test_logout_ends_the_sessions_on_other_devices_too(app, organiser):
    laptop, _ = log_in(app)
    phone, phone_cookies = log_in(app)
    assert ask(laptop, "POST", "/logout").status_code == 302
    assert ask(phone, "GET", "/organisation/").status_code == 302
    assert replay(app, phone_cookies).status_code == 302
    # logging in again works, with new cookies
    again, _ = log_in(app)
    assert ask(again, "GET", "/organisation/").status_code == 200


def test_a_new_password_revokes_the_old_cookies(app, organiser):
    client, cookies = log_in(app)
    change_password(organiser, "ein-ganz-anderes-passwort")
    assert ask(client, "GET", "/organisation/").status_code == 302
    for replayed in (cookies, {"remember_token": cookies["remember_token"]}):
        response = replay(app, replayed)
        assert response.status_code == 302 and response.location.startswith("/login")
    assert not organiser.check_password(PASSWORD)


def test_another_organisers_logout_leaves_my_session(app, make_organiser):
    make_organiser("alice@example.org")
    make_organiser("bob@example.org")
    alice, alice_cookies = log_in(app, "alice@example.org")
    bob, _ = log_in(app, "bob@example.org")
    ask(bob, "POST", "/logout")
    assert ask(alice, "GET", "/organisation/").status_code == 200
    assert replay(app, alice_cookies).status_code == 200


@pytest.mark.parametrize("session_id", ["1", "1:", ":1", "x:1", "1:x", "99999999999999999999999:1", "1:2"])
def test_cookies_with_a_wrong_or_old_id_log_nobody_in(app, organiser, session_id):
    """Ids of the old form (no version), of a version not yet reached, or not numbers, are refused (no 500)."""
    from netzwerktreffen.web.auth import load_organiser
    assert organiser.get_id() == f"{organiser.id}:1"
    assert load_organiser(session_id.replace("1", str(organiser.id), 1)) is None
    assert load_organiser(f"{organiser.id}:1") == organiser
    db.session.rollback()


def set_cookie_headers(app, remember=True) -> dict[str, str]:
    client = app.test_client()
    data = {"email": "orga@example.org", "password": PASSWORD, **({"remember": "y"} if remember else {})}
    response = ask(client, "POST", "/login", data=data)
    assert response.status_code == 302
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_httponly_and_samesite_and_not_secure_over_http(app, organiser):
    cookies = set_cookie_headers(app)
    assert set(cookies) == set(COOKIES)
    for header in cookies.values():
        assert "HttpOnly" in header and "SameSite=Lax" in header
        assert "Secure" not in header  # BASE_URL is http://… in the tests: a Secure cookie would never come back


@pytest.mark.parametrize("app_config", [{"BASE_URL": "https://treffen.example"},
                                        {"PREFERRED_URL_SCHEME": "https"}])
def test_cookies_are_secure_when_the_app_is_reached_over_https(app, organiser, app_config):
    cookies = set_cookie_headers(app)
    assert set(cookies) == set(COOKIES)
    for header in cookies.values():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def remember_days(header: str) -> float:
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime
    expires = next(part.split("=", 1)[1] for part in header.split("; ") if part.startswith("Expires="))
    return (parsedate_to_datetime(expires) - datetime.now(timezone.utc)).total_seconds() / 86400


def test_stay_logged_in_lasts_14_days(app, organiser):
    assert 13.9 < remember_days(set_cookie_headers(app)["remember_token"]) <= 14


@pytest.mark.parametrize("app_config", [{"REMEMBER_DAYS": "3"}])
def test_stay_logged_in_is_configurable(app, organiser, app_config):
    assert 2.9 < remember_days(set_cookie_headers(app)["remember_token"]) <= 3
