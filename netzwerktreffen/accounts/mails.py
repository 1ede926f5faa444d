"""The mails with one-time account links: an invitation to a meeting's team and a password reset.

Rendered from templates/mail/invitation.* and password_reset.* (German; the invitee has no language yet)
and queued in the outbox (not committed): the caller commits them together with the link.
"""
from __future__ import annotations

from netzwerktreffen.core.models import AccountLink
from netzwerktreffen.mail import message as mail
from netzwerktreffen.mail import outbox

LOCALE = "de"


def queue_invitation(link: AccountLink, token: str) -> None:
    inviter = link.invited_by
    rendered = mail.render("invitation", LOCALE, meeting=link.meeting, expires_at=link.expires_at,
                           inviter=(inviter.name or inviter.email) if inviter else "",
                           link=mail.external_url("accounts.accept_invitation", token=token))
    outbox.queue("invitation", link.email, "", rendered)


def queue_password_reset(link: AccountLink, token: str) -> None:
    rendered = mail.render("password_reset", LOCALE, name=link.organiser.name, expires_at=link.expires_at,
                           link=mail.external_url("accounts.reset_password", token=token))
    outbox.queue("password_reset", link.email, link.organiser.name, rendered)
