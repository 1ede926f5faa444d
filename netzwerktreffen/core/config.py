"""Configuration from the environment, with defaults for a laptop.

Everything a deployment changes comes from environment variables; the
defaults give the embedded setup: SQLite in ``instance/``, mail written to
``instance/outbox/`` and an in-process worker.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


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


def _flag(value: str) -> bool:
    """An on/off setting: 1/true/yes/ja/on mean on; 0/false/no/nein/off (or empty) mean off."""
    return value.strip().lower() in ("1", "true", "yes", "ja", "on")


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
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_PORT": int(env("SMTP_PORT", "587")),
        "SMTP_USER": env("SMTP_USER", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        # "starttls" (default), "ssl" or "none"
        "SMTP_SECURITY": env("SMTP_SECURITY", "starttls"),
        "MAIL_FROM": env("MAIL_FROM", "netzwerktreffen@localhost"),
        "SMTP_TIMEOUT": float(env("SMTP_TIMEOUT", "30")),
        # "background" (worker thread, or RQ with REDIS_URL), "inline" or "manual" (cron / flask send-mail)
        "MAIL_DELIVERY": env("MAIL_DELIVERY", "background"),
        "MAIL_MAX_ATTEMPTS": int(env("MAIL_MAX_ATTEMPTS", "8")),
        "MAIL_BACKOFF_SECONDS": float(env("MAIL_BACKOFF_SECONDS", "30")),
        "MAIL_LEASE_SECONDS": float(env("MAIL_LEASE_SECONDS", "300")),
        "MAIL_SWEEP_SECONDS": float(env("MAIL_SWEEP_SECONDS", "60")),
        "REDIS_URL": env("REDIS_URL", ""),
        # a running planning job whose heartbeat is older than this belonged to a process that died
        "PLANNING_LEASE_SECONDS": float(env("PLANNING_LEASE_SECONDS", "60")),
        # a planning job that waited this long without being started is given up
        "PLANNING_QUEUE_SECONDS": float(env("PLANNING_QUEUE_SECONDS", "900")),
        # when Redis refuses a planning job: run it in the web process (true) or mark it failed (false)
        "PLANNING_INPROCESS_FALLBACK": _flag(env("PLANNING_INPROCESS_FALLBACK", "true")),
        # throttling (netzwerktreffen.web.throttle): "N per M minutes/hours", several separated by ";"
        "RATELIMIT_ENABLED": _flag(env("RATELIMIT_ENABLED", "true")),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", ""),  # empty: REDIS_URL, else in memory
        **{key: env(key, default) for key, default in LIMITS.items()},
        "OUTBOX_DIR": str(instance_path / "outbox"),
        "SECRET_KEY_FILE": str(instance_path / "secret_key"),  # where SECRET_KEY comes from when unset (backups)
        "BASE_URL": env("BASE_URL", ""),
        # X-Forwarded-For/-Proto/-Host/-Port are believed only from this many proxies in front of the app
        "TRUSTED_PROXIES": _proxy_count(env("TRUSTED_PROXIES", "0")),
        # how long an invitation to a meeting's team (days) and a password-reset link (minutes) can be used
        "INVITATION_DAYS": float(env("INVITATION_DAYS", "7")),
        "PASSWORD_RESET_MINUTES": float(env("PASSWORD_RESET_MINUTES", "60")),
    }


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
}
