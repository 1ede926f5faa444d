"""No personal-link tokens in the logs: ``/r/<token>…``, ``/laufzettel/<token>`` and ``/kalender/<token>.ics`` are
written as ``/r/***…``, ``/laufzettel/***`` and ``/kalender/***.ics``.

``TokenMaskingFilter`` sits on the dev server's request log (werkzeug) and on the app's own logger;
``MaskingGunicornLogger`` is gunicorn's logger class (named in gunicorn.conf.py) and masks the access
log's request line, path, query and referrer as well as gunicorn's error log.
"""
from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# the secret path segment of a personal link (/r/, /laufzettel/, /kalender/) or an account link (/passwort-neu/, /einladung/),
# in a path, a URL or a logged request line
TOKEN_PATH = re.compile(r"(/(?:r|laufzettel|kalender|passwort-neu|einladung)/)[^/\s?#\".]+")


def is_token_path(path: str) -> bool:
    """A page reached by a personal link (the token is in its path)."""
    return TOKEN_PATH.match(path) is not None


def mask_tokens(text: str) -> str:
    """``text`` with every personal-link token replaced by ``***``."""
    return TOKEN_PATH.sub(r"\1***", text)


def _masked(value):
    return mask_tokens(value) if isinstance(value, str) else value


class TokenMaskingFilter(logging.Filter):
    """Masks personal-link tokens in a log record: its message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif type(record.args) is dict:
            record.args = {key: _masked(value) for key, value in record.args.items()}
        return True


def mask_logger(logger: logging.Logger) -> None:
    """Put the masking filter on ``logger`` (once)."""
    if not any(isinstance(f, TokenMaskingFilter) for f in logger.filters):
        logger.addFilter(TokenMaskingFilter())


class MaskingGunicornLogger(GunicornLogger):
    """gunicorn's logger, with the tokens masked in every access-log field and in the error log."""

    def __init__(self, cfg):
        super().__init__(cfg)
        mask_logger(self.error_log)

    def atoms(self, resp, req, environ, request_time):
        return {key: _masked(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
