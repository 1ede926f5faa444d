"""Links made outside a request (worker, command line, print-outs) point at the address people reach the app
at: BASE_URL, else the address of the organisers' requests (web.addresses); without either the command line
refuses."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import OutboxMessage
from netzwerktreffen.web import addresses
from waiting import wait_until

UNKNOWN = "Die Adresse, unter der die Anwendung erreichbar ist, ist nicht bekannt"
NO_BASE_URL = {"BASE_URL": ""}


def organiser_visits(client, base_url: str, **headers) -> None:
    """Log in and open the meetings page at ``base_url`` (as an organiser's browser would)."""
    client.post("/login", data={"email": "orga@example.org", "password": PASSWORD}, base_url=base_url,
                headers=headers)
    assert client.get("/organisation/", base_url=base_url, headers=headers).status_code == 200


def queued_bodies() -> list[str]:
    db.session.rollback()  # see what other threads committed
    return [row.body_text for row in db.session.scalars(select(OutboxMessage))]


@pytest.mark.parametrize("app_config", [dict(NO_BASE_URL, MAIL_DELIVERY="background")])
def test_schedules_queued_by_background_work_link_to_the_organisers_address(published_meeting, client):
    meeting = published_meeting()
    organiser_visits(client, "http://treffen.example:8080")
    response = client.post(f"/organisation/treffen/{meeting.slug}/post/ablauf-senden", data={"note": ""},
                           base_url="http://treffen.example:8080")
    assert response.status_code == 302
    bodies = wait_until(lambda: (lambda b: b if len(b) == 6 else None)(queued_bodies()), what="six schedule mails")
    assert all("http://treffen.example:8080/r/" in body for body in bodies)
    assert not any("127.0.0.1" in body for body in bodies)


@pytest.mark.parametrize("app_config", [NO_BASE_URL])
def test_command_line_mails_and_print_use_the_remembered_address(published_meeting, client, runner, tmp_path):
    meeting = published_meeting()
    organiser_visits(client, "http://treffen.example:8080")
    client.post("/logout", base_url="http://treffen.example:8080")
    client.get("/", base_url="http://127.0.0.1:5000")  # a participant's request is not remembered
    result = runner.invoke(args=["send-schedules", meeting.slug])
    assert result.exit_code == 0, result.output
    bodies = queued_bodies()
    assert len(bodies) == 6 and all("http://treffen.example:8080/r/" in body for body in bodies)
    assert addresses.remembered() == "http://treffen.example:8080"


@pytest.mark.parametrize("app_config", [NO_BASE_URL])
def test_command_line_refuses_to_send_or_print_without_a_known_address(published_meeting, runner, tmp_path):
    meeting = published_meeting()
    for args in (["send-schedules", meeting.slug], ["send-reminders"],
                 ["print", meeting.slug, "--out", str(tmp_path / "pdf")]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert f"Fehler: {UNKNOWN}" in result.output and "BASE_URL" in result.output, result.output
    assert queued_bodies() == [] and not (tmp_path / "pdf").exists()


def test_base_url_wins_over_the_remembered_address(published_meeting, client, runner):
    meeting = published_meeting()  # the tests' BASE_URL is http://netzwerktreffen.test
    organiser_visits(client, "http://treffen.example:8080")
    assert runner.invoke(args=["send-schedules", meeting.slug]).exit_code == 0
    bodies = queued_bodies()
    assert len(bodies) == 6 and all("http://netzwerktreffen.test/r/" in body for body in bodies)
    assert not any("treffen.example" in body for body in bodies)


@pytest.mark.parametrize("app_config", [NO_BASE_URL])
def test_behind_an_unconfigured_proxy_the_forwarded_host_is_remembered_never_the_internal_one(
        app, client, organiser):
    proxy = {"X-Forwarded-For": "203.0.113.7"}
    organiser_visits(client, "http://127.0.0.1:8000", **proxy)  # a proxy that does not name the host
    assert addresses.remembered() == ""
    organiser_visits(client, "http://127.0.0.1:8000", **proxy, **{"X-Forwarded-Host": "treffen.example.org",
                                                                 "X-Forwarded-Proto": "https"})
    assert addresses.remembered() == "https://treffen.example.org"


@pytest.mark.parametrize("app_config", [dict(NO_BASE_URL, TRUSTED_PROXIES=1)])
def test_behind_a_trusted_proxy_the_external_address_is_remembered(app, client, organiser):
    organiser_visits(client, "http://127.0.0.1:8000", **{"X-Forwarded-For": "203.0.113.7",
                                                         "X-Forwarded-Host": "treffen.example.org",
                                                         "X-Forwarded-Proto": "https"})
    assert addresses.remembered() == "https://treffen.example.org"


@pytest.mark.parametrize("app_config", [NO_BASE_URL])
def test_proxied_request_prefers_the_remembered_address_and_never_fails(app):
    proxied = {"X-Forwarded-For": "203.0.113.7"}
    with app.test_request_context("/", base_url="http://127.0.0.1:8000", headers=proxied):
        assert addresses.external_root() == "http://127.0.0.1:8000"  # nothing better known: no error page
    addresses.remember("https://treffen.example.org")
    with app.test_request_context("/", base_url="http://127.0.0.1:8000", headers=proxied):
        assert addresses.external_root() == "https://treffen.example.org"
    with app.test_request_context("/", base_url="http://anmeldung.example"):
        assert addresses.external_root() == "http://anmeldung.example"  # a request's own outside address


@pytest.mark.parametrize("app_config", [dict(NO_BASE_URL, TRUSTED_PROXIES=1)])
def test_a_trusted_proxys_host_is_taken_as_it_is(app, client, organiser):
    organiser_visits(client, "http://127.0.0.1:8000", **{"X-Forwarded-For": "203.0.113.7",
                                                         "X-Forwarded-Host": "localhost:8443",
                                                         "X-Forwarded-Proto": "https"})
    assert addresses.remembered() == "https://localhost:8443"
