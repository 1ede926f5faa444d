"""Configuration is checked at start-up: a value the app cannot use stops it with a German message naming the
variable and the allowed values (today a typo in SMTP_SECURITY sent mail in plain text, one in MAIL_DELIVERY
sent none at all)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netzwerktreffen import create_app
from netzwerktreffen.core.config import ConfigError

ROOT = Path(__file__).resolve().parents[3]
VARIABLES = ("SMTP_SECURITY", "MAIL_DELIVERY", "DATABASE_URL", "SMTP_PORT", "SMTP_TIMEOUT", "MAIL_MAX_ATTEMPTS",
             "MAIL_BACKOFF_SECONDS", "MAIL_LEASE_SECONDS", "MAIL_SWEEP_SECONDS", "PLANNING_LEASE_SECONDS",
             "PLANNING_QUEUE_SECONDS", "PLANNING_INPROCESS_FALLBACK", "REMEMBER_DAYS", "REDIS_URL", "BASE_URL",
             "PREFERRED_URL_SCHEME")


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment of settings; returns a function that starts the app with some of them set."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")

    def start(**settings):
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        return create_app({"TESTING": True})
    return start


@pytest.mark.parametrize("given, expected", [
    ("starttls", "starttls"), ("STARTTLS", "starttls"), (" StartTLS ", "starttls"),
    ("ssl", "ssl"), ("ssl ", "ssl"), ("SSL", "ssl"), ("none", "none"), ("None", "none"),
])
def test_smtp_security_accepts_the_real_values_in_any_case(environment, given, expected):
    assert environment(SMTP_SECURITY=given).config["SMTP_SECURITY"] == expected


@pytest.mark.parametrize("given", ["tls", "TLS", "start-tls", "", "plain", "ssl/tls", "true"])
def test_smtp_security_refuses_everything_else(environment, given):
    with pytest.raises(ConfigError) as error:
        environment(SMTP_SECURITY=given)
    assert error.value.message == (f"SMTP_SECURITY: „{given}“ ist kein erlaubter Wert. "
                                   f"Erlaubt sind: starttls, ssl, none.")


@pytest.mark.parametrize("given, expected", [("background", "background"), ("Inline", "inline"),
                                             (" manual ", "manual")])
def test_mail_delivery_accepts_its_values(environment, given, expected):
    assert environment(MAIL_DELIVERY=given).config["MAIL_DELIVERY"] == expected


@pytest.mark.parametrize("given", ["backgorund", "cron", "smtp", "off", ""])
def test_mail_delivery_refuses_a_typo(environment, given):
    with pytest.raises(ConfigError, match="^MAIL_DELIVERY: .* Erlaubt sind: background, inline, manual.$"):
        environment(MAIL_DELIVERY=given)


@pytest.mark.parametrize("url", ["postgresql://u@db:5432/nt", "postgres://u@db/nt", "sqlite:////tmp/x.sqlite",
                                 "postgresql+psycopg://u@db/nt"])
def test_database_urls_of_both_databases_are_accepted(environment, url):
    assert environment(DATABASE_URL=url).config["SQLALCHEMY_DATABASE_URI"]


@pytest.mark.parametrize("url", ["mysql://u@db/nt", "postgresql+psycopg2://u@db/nt", "sqlite3:///x.db",
                                 "/var/lib/netzwerktreffen.sqlite", "db.example:5432"])
def test_database_urls_of_other_kinds_are_refused(environment, url):
    with pytest.raises(ConfigError, match="^DATABASE_URL: .* Erlaubt sind sqlite:///PFAD und postgresql://"):
        environment(DATABASE_URL=url)


@pytest.mark.parametrize("name, given, expected", [
    ("SMTP_PORT", " 2525 ", 2525), ("SMTP_TIMEOUT", "2.5", 2.5), ("MAIL_MAX_ATTEMPTS", "3", 3),
    ("MAIL_BACKOFF_SECONDS", "0", 0), ("PLANNING_QUEUE_SECONDS", "60", 60), ("REMEMBER_DAYS", "30", 30),
])
def test_numbers_are_read(environment, name, given, expected):
    value = environment(**{name: given}).config[name]
    assert value == expected


@pytest.mark.parametrize("name, given, words", [
    ("SMTP_PORT", "smtp", "eine ganze Zahl"), ("SMTP_PORT", "587.5", "eine ganze Zahl"),
    ("SMTP_PORT", "70000", "1 bis 65535"), ("SMTP_PORT", "0", "ab 1"),
    ("SMTP_TIMEOUT", "30s", "eine Zahl"), ("SMTP_TIMEOUT", "nan", "eine Zahl"), ("SMTP_TIMEOUT", "-1", "zu klein"),
    ("MAIL_MAX_ATTEMPTS", "acht", "eine ganze Zahl"), ("MAIL_MAX_ATTEMPTS", "0", "ab 1"),
    ("MAIL_BACKOFF_SECONDS", "", "eine Zahl"), ("MAIL_LEASE_SECONDS", "5 min", "eine Zahl"),
    ("MAIL_SWEEP_SECONDS", "inf", "eine Zahl"), ("PLANNING_LEASE_SECONDS", "0", "zu klein"),
    ("PLANNING_QUEUE_SECONDS", "15m", "eine Zahl"), ("REMEMBER_DAYS", "14 Tage", "eine ganze Zahl"),
])
def test_numbers_that_are_no_numbers_stop_the_app(environment, name, given, words):
    with pytest.raises(ConfigError) as error:
        environment(**{name: given})
    assert error.value.message.startswith(f"{name}: ") and words in error.value.message


@pytest.mark.parametrize("given, expected", [("true", True), ("Ja", True), ("0", False), (" off ", False)])
def test_on_off_settings_accept_their_words(environment, given, expected):
    assert environment(PLANNING_INPROCESS_FALLBACK=given).config["PLANNING_INPROCESS_FALLBACK"] is expected


def test_an_on_off_typo_is_refused_rather_than_taken_as_off(environment):
    with pytest.raises(ConfigError, match="^PLANNING_INPROCESS_FALLBACK: „treu“ ist kein erlaubter Wert"):
        environment(PLANNING_INPROCESS_FALLBACK="treu")


@pytest.mark.parametrize("name, given", [("REDIS_URL", "127.0.0.1:6379"), ("BASE_URL", "treffen.example"),
                                         ("PREFERRED_URL_SCHEME", "ftp")])
def test_addresses_without_a_scheme_are_refused(environment, name, given):
    with pytest.raises(ConfigError, match=f"^{name}: "):
        environment(**{name: given})


def test_settings_from_the_instance_config_and_the_code_are_checked_too(environment):
    """Not only the environment: whatever sets the value last is checked (here: the app's own settings)."""
    with pytest.raises(ConfigError, match="^SMTP_SECURITY: „tls“"):
        create_app({"TESTING": True, "SMTP_SECURITY": "tls"})
    with pytest.raises(ConfigError, match="^SMTP_PORT: "):
        create_app({"TESTING": True, "SMTP_PORT": "abc"})
    assert create_app({"TESTING": True, "SMTP_SECURITY": " SSL", "SMTP_PORT": "465"}).config["SMTP_PORT"] == 465


def test_the_defaults_pass(environment):
    app = environment()
    assert app.config["SMTP_SECURITY"] == "starttls" and app.config["MAIL_DELIVERY"] == "background"
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14


def test_flask_commands_print_the_message_instead_of_a_traceback(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.update(SECRET_KEY="test", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}", SMTP_SECURITY="tls",
               PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "netzwerktreffen", "routes"],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SMTP_SECURITY: „tls“ ist kein erlaubter Wert. Erlaubt sind: starttls, ssl, none." in result.stderr
    assert "Traceback" not in result.stderr
