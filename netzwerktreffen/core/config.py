"""Configuration from the environment, with defaults for a laptop.

Everything a deployment changes comes from environment variables; the
defaults give the embedded setup: SQLite in ``instance/``, mail written to
``instance/outbox/`` and an in-process worker.
"""
from __future__ import annotations

import math
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask.cli import NoAppException
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class ConfigError(NoAppException):
    """A setting the app cannot work with; the message (German) names the variable and what is allowed.

    A ``NoAppException``, so that ``flask`` commands print the message instead of a traceback.
    """


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, else one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'netzwerktreffen.sqlite'}"
    # Heroku-style URLs and the bare "postgresql://" scheme both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


ON = ("1", "true", "yes", "ja", "on")
OFF = ("0", "false", "no", "nein", "off", "")
# the settings with a fixed set of values: the allowed values, the first is the default
CHOICES = {
    "SMTP_SECURITY": ("starttls", "ssl", "none"),
    # worker thread (or RQ with REDIS_URL), at once in the request, or only by cron / flask send-mail
    "MAIL_DELIVERY": ("background", "inline", "manual"),
}
# numbers: (kind, default, smallest allowed value; None: anything above 0)
NUMBERS = {
    "SMTP_PORT": (int, "587", 1),
    "SMTP_TIMEOUT": (float, "30", None),
    "MAIL_MAX_ATTEMPTS": (int, "8", 1),
    "MAIL_BACKOFF_SECONDS": (float, "30", 0),
    "MAIL_LEASE_SECONDS": (float, "300", None),
    "MAIL_SWEEP_SECONDS": (float, "60", None),
    # a running planning job whose heartbeat is older than this belonged to a process that died
    "PLANNING_LEASE_SECONDS": (float, "60", None),
    # a planning job that waited this long without being started is given up
    "PLANNING_QUEUE_SECONDS": (float, "900", None),
    # how long "stay logged in" lasts
    "REMEMBER_DAYS": (int, "14", 1),
    # how long an invitation to a meeting's team (days) and a password-reset link (minutes) can be used
    "INVITATION_DAYS": (float, "7", None),
    "PASSWORD_RESET_MINUTES": (float, "60", None),
}
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _flag(value, name: str = "PLANNING_INPROCESS_FALLBACK") -> bool:
    """An on/off setting: 1/true/yes/ja/on mean on; 0/false/no/nein/off (or empty) mean off; else ConfigError."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in ON + OFF:
        raise ConfigError(f"{name}: „{value}“ ist kein erlaubter Wert. Erlaubt sind: true, false "
                          f"(auch 1/0, yes/no, ja/nein, on/off).")
    return word in ON


def _choice(value, name: str) -> str:
    """One of CHOICES[name], regardless of case and surrounding spaces; else ConfigError."""
    word = str(value).strip().lower()
    if word not in CHOICES[name]:
        raise ConfigError(f"{name}: „{value}“ ist kein erlaubter Wert. Erlaubt sind: {', '.join(CHOICES[name])}.")
    return word


def _number(value, name: str):
    kind, _default, smallest = NUMBERS[name]
    try:
        number = kind(str(value).strip()) if isinstance(value, str) else kind(value)
    except (TypeError, ValueError):
        number = None
    if isinstance(value, bool) or number is None or not math.isfinite(number) \
            or (kind is int and isinstance(value, float) and not value.is_integer()):
        what = "eine ganze Zahl" if kind is int else "eine Zahl"
        raise ConfigError(f"{name}: „{value}“ ist keine gültige Angabe; erwartet wird {what}.")
    if number <= 0 if smallest is None else number < smallest:
        allowed = "größer als 0" if smallest is None else f"ab {smallest}"
        raise ConfigError(f"{name}: {value} ist zu klein; erlaubt sind Werte {allowed}.")
    if name == "SMTP_PORT" and number > 65535:
        raise ConfigError(f"{name}: {value} ist keine Portnummer; erlaubt sind 1 bis 65535.")
    return number


def _proxy_count(value: str) -> int:
    """TRUSTED_PROXIES: how many reverse proxies in front of the app set X-Forwarded-* (0: none)."""
    try:
        count = int(value.strip() or "0")
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(f"TRUSTED_PROXIES muss eine ganze Zahl ab 0 sein (Anzahl der Proxys), nicht „{value}“.")
    return count


# How often one client (IP address) or one address may try; failed logins and refused forms count as described.
LIMITS = {
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",  # failed logins for one e-mail address, from anywhere
    "LOGIN_LIMIT_PER_CLIENT": "30 per 15 minutes",  # failed logins from one IP address, for any account
    "REGISTRATION_LIMIT_PER_CLIENT": "60 per hour",  # registrations sent from one IP address (offices share one)
    "REGISTRATION_LIMIT_PER_ADDRESS": "5 per hour",  # registrations for one e-mail address (form errors not counted)
    "LINK_LIMIT_PER_CLIENT": "10 per hour",  # "send my link again" from one IP address
    "LINK_LIMIT_PER_ADDRESS": "3 per hour",  # "send my link again" for one e-mail address
}


def limiter_storage(config) -> str:
    """Where the throttling counts live: RATELIMIT_STORAGE_URI, else the Redis of REDIS_URL, else memory."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def from_environment(instance_path: Path) -> dict:
    env = os.environ.get
    settings = {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_USER": env("SMTP_USER", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "MAIL_FROM": env("MAIL_FROM", "netzwerktreffen@localhost"),
        # the sender's display name; empty: the meeting's office (first line of its data controller)
        "MAIL_FROM_NAME": env("MAIL_FROM_NAME", ""),
        "REDIS_URL": env("REDIS_URL", ""),
        # when Redis refuses a planning job: run it in the web process (true) or mark it failed (false)
        "PLANNING_INPROCESS_FALLBACK": _flag(env("PLANNING_INPROCESS_FALLBACK", "true")),
        # throttling (netzwerktreffen.web.throttle): "N per M minutes/hours", several separated by ";"
        "RATELIMIT_ENABLED": _flag(env("RATELIMIT_ENABLED", "true"), "RATELIMIT_ENABLED"),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", ""),  # empty: REDIS_URL, else in memory
        **{key: env(key, default) for key, default in LIMITS.items()},
        "OUTBOX_DIR": str(instance_path / "outbox"),
        # large print-outs made in the background (day.print_jobs); the web and `flask worker` must share it
        "PRINT_DIR": env("PRINT_DIR", "") or str(instance_path / "print"),
        "SECRET_KEY_FILE": str(instance_path / "secret_key"),  # where SECRET_KEY comes from when unset (backups)
        "BASE_URL": env("BASE_URL", ""),
        # X-Forwarded-For/-Proto/-Host/-Port are believed only from this many proxies in front of the app
        "TRUSTED_PROXIES": _proxy_count(env("TRUSTED_PROXIES", "0")),
        # the site is reached over HTTPS (itself or behind a proxy): HSTS, redirect to https, secure cookie
        "HTTPS": _flag(env("HTTPS", "false"), "HTTPS"),
    }
    for name, allowed in CHOICES.items():
        settings[name] = _choice(env(name, allowed[0]), name)
    for name, (_kind, default, _smallest) in NUMBERS.items():
        settings[name] = _number(env(name, default), name)
    if env("PREFERRED_URL_SCHEME"):
        settings["PREFERRED_URL_SCHEME"] = env("PREFERRED_URL_SCHEME").strip().lower()
    return settings


def _check_urls(config) -> None:
    raw = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    try:
        scheme = make_url(raw).drivername
    except ArgumentError:
        scheme = None
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(f"DATABASE_URL: „{raw.split('://', 1)[0]}“ ist keine unterstützte Datenbank. "
                          f"Erlaubt sind sqlite:///PFAD und postgresql://BENUTZER@HOST:PORT/DATENBANK.")
    redis = str(config.get("REDIS_URL") or "")
    if redis and not redis.startswith(REDIS_SCHEMES):
        raise ConfigError("REDIS_URL: muss mit redis://, rediss:// oder unix:// beginnen (oder leer sein).")
    base = str(config.get("BASE_URL") or "")
    if base and not base.startswith(("http://", "https://")):
        raise ConfigError("BASE_URL: muss mit http:// oder https:// beginnen (oder leer sein).")
    if str(config.get("PREFERRED_URL_SCHEME", "http")).strip().lower() not in ("http", "https"):
        raise ConfigError("PREFERRED_URL_SCHEME: erlaubt sind http und https.")


def behind_https(config) -> bool:
    """Whether the app is reached over HTTPS (HTTPS=true, BASE_URL https://… or PREFERRED_URL_SCHEME=https):
    the one answer for the Secure session and remember cookies (Talisman in web.headers keeps it)."""
    return (bool(config.get("HTTPS")) or str(config.get("BASE_URL") or "").startswith("https://")
            or str(config.get("PREFERRED_URL_SCHEME", "")).strip().lower() == "https")


def finish(config) -> None:
    """Check the final configuration (environment, instance/config.py, test settings) and fill in what follows
    from it. Raises ConfigError, naming the variable and the allowed values, for anything the app cannot use:
    a typo must stop the app rather than send mail in plain text, or none at all."""
    for name in CHOICES:
        config[name] = _choice(config.get(name, CHOICES[name][0]), name)
    for name, (_kind, default, _smallest) in NUMBERS.items():
        config[name] = _number(config.get(name, default), name)
    for name in ("PLANNING_INPROCESS_FALLBACK", "RATELIMIT_ENABLED", "HTTPS"):
        config[name] = _flag(config.get(name, True), name)
    _check_urls(config)
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=config["REMEMBER_DAYS"])
    if behind_https(config):
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "de",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
    "LANGUAGES": ("de", "en"),
    "WTF_CSRF_TIME_LIMIT": None,  # a registration form may stay open for hours
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,  # CSV uploads
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,  # Redis gone: count in memory rather than fail the request
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_KEY_PREFIX": "netzwerktreffen",  # the counts' keys in a Redis shared with others
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
}
