"""Locale selection and the German date/time formats (22.11.2026, 14:30 Uhr)."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import format_decimal as flask_format_decimal
from flask_babel import format_percent as flask_format_percent
from flask_babel import get_locale, gettext, refresh
from sqlalchemy import select

from netzwerktreffen.core.extensions import babel, db
from netzwerktreffen.core.models import Registration

BERLIN = ZoneInfo("Europe/Berlin")


def select_locale() -> str:
    """The UI language: an explicit choice (``?lang=``, then remembered in the session) wins; then, on a
    personal link (``/r/<token>…``), the language the person registered in; a first visit follows the
    browser's Accept-Language (best match among ``LANGUAGES``); else German."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # background jobs and commands: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    registered = _registration_locale()
    if registered in languages:
        return registered
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _registration_locale() -> str | None:
    token = (request.view_args or {}).get("token")
    if not token or not request.path.startswith("/r/"):
        return None
    return db.session.scalar(select(Registration.locale).where(Registration.token == str(token)))


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d.%m.%Y")


def format_time(value: time | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    clock = value.strftime("%H:%M")
    return gettext("%(time)s Uhr", time=clock)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{format_date(value)}, {format_time(value)}"


def _places(decimals: int) -> str:
    return "." + "0" * decimals if decimals else ""


def format_number(value: float | None, decimals: int = 1) -> str:
    """A number as the UI language writes it: 2.904,0 (German), 2,904.0 (English). The one helper for numbers
    shown to people (Jinja filter ``number``; ``decimals=0`` for whole numbers)."""
    if value is None:
        return "–"
    return flask_format_decimal(value, format="#,##0" + _places(decimals))


def format_percent(share: float | None, decimals: int = 2) -> str:
    """A share (0.1875) as a percentage in the UI language: 18,75 % (German), 18.75% (English)."""
    if share is None:
        return "–"
    locale = get_locale() or Locale("de")
    pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0" + _places(decimals), 1)
    # a plain space (as everywhere in the UI text), not the no-break space of the CLDR pattern
    return flask_format_percent(share, format=pattern).replace("\xa0", " ").replace("\u202f", " ")


def to_local(value: datetime) -> datetime:
    """Aware timestamps become Europe/Berlin; naive ones are already local."""
    return value.astimezone(BERLIN) if value.tzinfo else value


def local_now() -> datetime:
    """Now in Europe/Berlin, naive (comparable with meeting times)."""
    return datetime.now(BERLIN).replace(tzinfo=None)


def language_name(code: str) -> str:
    locale = get_locale() or Locale("de")
    return locale.languages.get(code, code)


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path + "/translations"))
    # choose the language afresh for every request, also where an app context outlives one request
    app.before_request(refresh)
    app.jinja_env.filters.update(date=format_date, time=format_time, number=format_number,
                                 percent=format_percent, datetime=format_datetime, language_name=language_name)
    from netzwerktreffen.core.text import css_string
    app.jinja_env.filters["css_string"] = css_string
    app.jinja_env.globals.update(get_locale=get_locale)


def local(day: date, clock) -> datetime:
    """A venue time (naive, Europe/Berlin) as an aware datetime."""
    return datetime.combine(day, clock).replace(tzinfo=BERLIN)
