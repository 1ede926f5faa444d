"""Organiser accounts and access control."""
from __future__ import annotations

import pytest
from werkzeug.routing.converters import AnyConverter, NumberConverter

from netzwerktreffen.web.auth import find_organiser

# Endpoints anyone may open; everything else in the URL map is for logged-in organisers.
PUBLIC_ENDPOINTS = {
    "static", "favicon", "auth.login", "health.healthz",
    "public.index", "public.meeting", "public.privacy", "public.resend_link",
    "public.registered", "public.personal", "public.cancel",
    "accounts.forgot_password", "accounts.reset_password", "accounts.accept_invitation",
}
PUBLIC_PREFIXES = ("public.", "feeds.", "host_harvest.", "ideas_public.")  # later features: calendar feeds are public by design


def organiser_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint not in PUBLIC_ENDPOINTS and not rule.endpoint.startswith(PUBLIC_PREFIXES)]


def fill(rule):
    """A URL for the rule with placeholder values: access is refused before any lookup."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):  # one of a few words, e.g. "hoch"/"runter"
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = 1 if isinstance(converter, NumberConverter) else "x"
    return rule.build(values)[1]


def test_every_organiser_route_refuses_anonymous_access(app, client):
    rules = organiser_rules(app)
    # the app has organiser pages, and the test sees them all (not an empty loop)
    assert {"meetings.index", "auth.logout"} <= {rule.endpoint for rule in rules}
    checked = 0
    for rule in rules:
        url = fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in (302, 401), f"{method} {url} ({rule.endpoint}) gave {response.status_code}"
            if response.status_code == 302:
                assert response.location.startswith("/login"), f"{method} {url} redirects to {response.location}"
            checked += 1
    assert checked >= len(rules)


def test_public_endpoints_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PUBLIC_ENDPOINTS <= endpoints


def test_login_logout(client, auth, organiser):
    response = auth.login(password="falsch")
    assert "E-Mail-Adresse oder Passwort ist falsch" in response.get_data(as_text=True)
    assert client.get("/organisation/").status_code == 302
    response = auth.login()
    assert response.status_code == 302 and response.location == "/organisation/"
    assert client.get("/organisation/").status_code == 200
    auth.logout()
    assert client.get("/organisation/").status_code == 302


def test_login_redirects_only_to_local_next(client, organiser):
    response = client.post("/login?next=https://evil.example/", data={"email": organiser.email,
                                                                     "password": "richtig-geheim-42"})
    assert response.location == "/organisation/"
    client.post("/logout")
    response = client.post("/login?next=/organisation/", data={"email": organiser.email,
                                                             "password": "richtig-geheim-42"})
    assert response.location == "/organisation/"


def test_password_is_hashed(organiser):
    assert "richtig-geheim-42" not in organiser.password_hash
    assert organiser.check_password("richtig-geheim-42")
    assert not organiser.check_password("richtig-geheim-43")


def test_organiser_sees_only_own_meetings(client, auth, make_organiser, make_meeting):
    alice = make_organiser("alice@example.org")
    bob = make_organiser("bob@example.org")
    make_meeting(slug="alices-treffen", title="Treffen von Alice", series_name="", organisers=[alice])
    make_meeting(slug="gemeinsam", title="Gemeinsames Treffen", series_name="", organisers=[alice, bob])
    auth.login("bob@example.org")
    page = client.get("/organisation/").get_data(as_text=True)
    assert "Gemeinsames Treffen" in page
    assert "Treffen von Alice" not in page


def test_create_organiser_command(runner):
    result = runner.invoke(args=["create-organiser", "Neu@Example.org", "--name", "Neu"],
                           input="geheimes-passwort\ngeheimes-passwort\n")
    assert result.exit_code == 0, result.output
    organiser = find_organiser("neu@example.org")
    assert organiser is not None and organiser.check_password("geheimes-passwort")
    again = runner.invoke(args=["create-organiser", "neu@example.org"], input="x" * 9 + "\n" + "x" * 9 + "\n")
    assert again.exit_code != 0 and "Es gibt bereits ein Konto" in again.output


@pytest.mark.parametrize("email, password, message", [
    ("kein-at-zeichen", "geheimes-passwort", "keine gültige E-Mail-Adresse"),
    ("kurz@example.org", "kurz", "mindestens 10 Zeichen"),
    ("haeufig@example.org", "qwertyuiop", "häufigsten Passwörter"),
    ("haeufig@example.org", "Sommer2026!", "häufigsten Passwörter"),
])
def test_create_organiser_refuses_bad_input(runner, email, password, message):
    result = runner.invoke(args=["create-organiser", email], input=f"{password}\n{password}\n")
    assert result.exit_code != 0
    assert message in result.output
    assert find_organiser(email) is None
