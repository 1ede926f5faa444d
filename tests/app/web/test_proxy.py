"""X-Forwarded-* headers count only from the configured number of trusted proxies (TRUSTED_PROXIES)."""
from __future__ import annotations

import pytest
from flask import redirect, request, url_for

from netzwerktreffen import create_app

FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "443",
          "X-Forwarded-For": "203.0.113.9"}


def add_probe(app):
    """A route that shows what the app believes about the request (added before the first request)."""
    def probe():
        return {"external": url_for("auth.login", _external=True), "client": request.remote_addr,
                "secure": request.is_secure}
    app.add_url_rule("/_probe", "probe", probe)
    app.add_url_rule("/_probe/redirect", "probe_redirect",
                     lambda: redirect(url_for("auth.login", _external=True)))


def test_forwarded_headers_are_ignored_without_trusted_proxies(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    add_probe(app)
    seen = client.get("/_probe", headers=FORGED).get_json()
    assert seen == {"external": "http://localhost/login", "client": "127.0.0.1", "secure": False}
    response = client.get("/_probe/redirect", headers=FORGED)
    assert response.headers["Location"] == "http://localhost/login"


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}])
def test_one_trusted_proxy_sets_scheme_host_and_client(app, client):
    add_probe(app)
    seen = client.get("/_probe", headers=FORGED).get_json()
    assert seen == {"external": "https://evil.example/login", "client": "203.0.113.9", "secure": True}
    response = client.get("/_probe/redirect", headers=FORGED)
    assert response.headers["Location"] == "https://evil.example/login"
    # only the last proxy's entry is believed: a client's own X-Forwarded-For is ignored
    chained = dict(FORGED, **{"X-Forwarded-For": "10.9.9.9, 198.51.100.7"})
    assert client.get("/_probe", headers=chained).get_json()["client"] == "198.51.100.7"


def test_trusted_proxies_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.sqlite'}"})
    assert app.config["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "ja")
    with pytest.raises(ValueError, match="TRUSTED_PROXIES muss eine ganze Zahl"):
        create_app({"TESTING": True})
