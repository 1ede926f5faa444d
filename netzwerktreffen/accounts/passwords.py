"""The rules a new password has to keep: a minimum length, and not one of the most common passwords.

The list (``common_passwords.txt``) is compared without regard to case, also with digits and punctuation
at the end taken off (``Sommer2026!`` is ``sommer``).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from wtforms.validators import ValidationError

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
TRAILING = "0123456789!?.,;:#*+-_ "


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    lowered = password.strip().lower()
    return bool({lowered, lowered.rstrip(TRAILING)} & common_passwords())


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with ``password`` as a German sentence naming the rule; None when it may be used."""
    if len(password) < MIN_LENGTH:
        return _("Das Passwort muss mindestens %(count)d Zeichen haben.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Das Passwort darf höchstens %(count)d Zeichen haben.", count=MAX_LENGTH)
    local_part = email.strip().lower().partition("@")[0]
    if is_common(password) or (local_part and password.strip().lower() in (local_part, email.strip().lower())):
        return _("Dieses Passwort ist zu leicht zu erraten: es steht auf der Liste der häufigsten Passwörter "
                 "oder ist Ihre E-Mail-Adresse. Bitte wählen Sie ein anderes, z. B. einen Satz aus mehreren "
                 "Wörtern.")
    return None


class StrongPassword:
    """WTForms validator: ``password_problem`` at the field; the form's ``email_for_password()`` (when it has
    one) names the address the password must not be."""

    def __call__(self, form, field):
        email = form.email_for_password() if hasattr(form, "email_for_password") else ""
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)
