"""Forms of the account pages: forgotten password, new password, accepting an invitation."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from netzwerktreffen.accounts.passwords import MIN_LENGTH, StrongPassword
from netzwerktreffen.web.fields import Form


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-Mail-Adresse Ihres Kontos"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(Form):
    """A new password, typed twice; the account's address (``email``) is not allowed as the password."""

    password = PasswordField(_l("Neues Passwort"), validators=[DataRequired(), StrongPassword()],
                             description=_l("Mindestens %(count)d Zeichen; kein häufiges Passwort.", count=MIN_LENGTH))
    confirm = PasswordField(_l("Passwort wiederholen"), validators=[DataRequired()])

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def email_for_password(self) -> str:
        return self.email

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_("Die beiden Passwörter stimmen nicht überein."))


class InvitationForm(NewPasswordForm):
    """A new account from an invitation: the name the team sees, and the password."""

    name = StringField(_l("Ihr Name"), validators=[DataRequired(), Length(max=200)],
                       description=_l("So sieht Sie das Organisationsteam."))


class AcceptForm(Form):
    """Joining the team with the account the address already has: only the button."""
