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
        "OUTBOX_DIR": str(instance_path / "outbox"),
        "BASE_URL": env("BASE_URL", ""),
        # the site is reached over HTTPS (itself or behind a proxy): HSTS, redirect to https, secure cookie
        "HTTPS": _flag(env("HTTPS", "false")),
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
}
