"""Organiser pages for a meeting's mail: the outbox, previews, sending schedules, retrying failures."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import TextAreaField
from wtforms.validators import Length, ValidationError

from netzwerktreffen.afterwards import contacts
from netzwerktreffen.core.models import MailStatus, OutboxMessage
from netzwerktreffen.mail import outbox, previews
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.mail.followups import NotYet, queue_followups
from netzwerktreffen.mail.previews import PREVIEW_KINDS
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.web.auth import organiser_meeting, organisers_only
from netzwerktreffen.web.common import owned_or_404
from netzwerktreffen.web.fields import Form
from netzwerktreffen.web.headers import mail_frame

bp = organisers_only(Blueprint("mailing", __name__, url_prefix="/organisation/treffen/<slug>/post"))

STATUS_LABELS = {MailStatus.QUEUED: _l("wartet"), MailStatus.SENDING: _l("wird gesendet"),
                 MailStatus.SENT: _l("gesendet"), MailStatus.FAILED: _l("fehlgeschlagen")}
PAGE_SIZE = 200
NOTE_MAX = 4000


class SendForm(Form):
    note = TextAreaField(_l("Zusätzliche Nachricht (optional)"), validators=[Length(max=NOTE_MAX)])

    def validate_note(self, field):
        unknown = schedule_mail.unknown_placeholders(field.data)
        if unknown:
            raise ValidationError(_("Unbekannte Platzhalter: %(names)s",
                                    names=", ".join("{%s}" % name for name in unknown)))


class RetryForm(Form):
    pass


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    status = request.args.get("status", "")
    rows = outbox.newest(meeting, status if status in STATUS_LABELS else None, PAGE_SIZE)
    return render_template("mailing/index.html", meeting=meeting, rows=rows, counts=outbox.counts(meeting),
                           status=status, status_labels=STATUS_LABELS, kinds=PREVIEW_KINDS,
                           published=scheduling.published(meeting), before=scheduling.previously_published(meeting),
                           send_form=SendForm(), retry_form=RetryForm(), page_size=PAGE_SIZE)


@bp.route("/vorschau", methods=["GET", "POST"])
def preview(slug: str):
    """A mail rendered for one chosen participant, before it goes to everyone."""
    meeting = organiser_meeting(slug)
    people = previews.people(meeting)
    kind = previews.kind_of(request.values.get("kind"))
    chosen = previews.chosen(people, request.values.get("person"))
    form = SendForm(formdata=request.form if request.method == "POST" else None,
                    note=request.values.get("note", ""))
    rendered = attachments = None
    if chosen is not None and (request.method == "GET" or form.validate()):
        rendered, attachments = previews.render(kind, chosen, form.note.data or "")
    return render_template("mailing/preview.html", meeting=meeting, people=people, chosen=chosen, kind=kind,
                           kinds=PREVIEW_KINDS, form=form, rendered=rendered, attachments=attachments or [],
                           published=scheduling.published(meeting), placeholders=schedule_mail.PLACEHOLDER_NAMES,
                           meeting_over=contacts.meeting_over(meeting))


@bp.route("/vorschau/mail.html")
@mail_frame
def preview_html(slug: str):
    """The previewed mail's HTML alone, for the sandboxed frame on the preview page: served with a policy
    of its own that allows the mail's inline styles (the pages' policy allows none)."""
    meeting = organiser_meeting(slug)
    chosen = previews.chosen(previews.people(meeting), request.args.get("person"))
    note = request.args.get("note", "")
    if chosen is None or len(note) > NOTE_MAX or schedule_mail.unknown_placeholders(note):
        abort(404)
    rendered, _attachments = previews.render(previews.kind_of(request.args.get("kind")), chosen, note)
    return Response(rendered.html, mimetype="text/html")


def _back_to_preview(form: SendForm, slug: str, kind: str | None = None):
    """A note that did not validate: its errors as messages, and back to the preview of that mail."""
    for error in form.note.errors:
        flash(error, "error")
    return redirect(url_for("mailing.preview", slug=slug, kind=kind))


@bp.route("/ablauf-senden", methods=["POST"])
def send_schedules(slug: str):
    """Queue everyone's schedule of the published plan (people who already got it are skipped)."""
    meeting = organiser_meeting(slug)
    form = SendForm()
    if not form.validate_on_submit():
        return _back_to_preview(form, slug)
    try:
        schedule_mail.start_sending_schedules(meeting, note=form.note.data or "")
    except PlanningError as error:
        flash(str(error), "error")
        return redirect(url_for("mailing.index", slug=slug))
    flash(_("Die Abläufe werden jetzt vorbereitet und gesendet. Wer seinen Ablauf für diesen Plan schon "
            "bekommen hat, bekommt ihn nicht noch einmal. Den Stand sehen Sie hier im Postausgang."), "success")
    return redirect(url_for("mailing.index", slug=slug))


@bp.route("/dank-senden", methods=["POST"])
def send_followups(slug: str):
    """After the meeting: the thank-you mail to everyone who came (each person once)."""
    meeting = organiser_meeting(slug)
    form = SendForm()
    if not form.validate_on_submit():
        return _back_to_preview(form, slug, kind="followup")
    try:
        count = queue_followups(meeting, note=form.note.data or "")
    except NotYet as error:
        flash(str(error), "error")
        return redirect(url_for("mailing.index", slug=slug))
    flash(ngettext("%(n)s Dankesmail ist in der Warteschlange. Wer sie schon bekommen hat, bekommt sie nicht noch einmal.", "%(n)s Dankesmails sind in der Warteschlange. Wer sie schon bekommen hat, bekommt sie nicht noch "
            "einmal.", num=count, n=count), "success")
    return redirect(url_for("mailing.index", slug=slug))


@bp.route("/aenderungen-senden", methods=["POST"])
def send_changes(slug: str):
    """After publishing a changed plan: a change notice to each person whose rounds differ."""
    meeting = organiser_meeting(slug)
    if RetryForm().validate_on_submit():
        current, before = scheduling.published(meeting), scheduling.previously_published(meeting)
        if current is None or before is None:
            flash(_("Es gibt keinen früher veröffentlichten Plan zum Vergleichen."), "error")
        else:
            count = schedule_mail.send_change_notices(meeting, before.plan, current.plan, version=current)
            flash(ngettext("%(n)s Änderungsmitteilung zu Version %(b)s ist in der Warteschlange, verglichen "
                           "mit dem Ablauf, den die Person zuletzt per Mail bekommen hat.",
                           "%(n)s Änderungsmitteilungen zu Version %(b)s sind in der Warteschlange, jeweils verglichen "
                           "mit dem Ablauf, den die Person zuletzt per Mail bekommen hat.",
                           num=count, n=count, b=current.number), "success")
    return redirect(url_for("mailing.index", slug=slug))


@bp.route("/erneut", methods=["POST"])
def retry(slug: str):
    """Try failed mails (or one of them) again now."""
    meeting = organiser_meeting(slug)
    if RetryForm().validate_on_submit():
        message = request.form.get("message", "")
        count = outbox.retry_of(meeting, int(message) if message.isdigit() else None)
        flash(ngettext("%(n)s Mail wird erneut versucht.", "%(n)s Mails werden erneut versucht.", num=count, n=count), "success")
    return redirect(url_for("mailing.index", slug=slug))


@bp.route("/nachricht/<int:message_id>")
def show(slug: str, message_id: int):
    meeting = organiser_meeting(slug)
    row = owned_or_404(OutboxMessage, message_id, meeting)
    return render_template("mailing/message.html", meeting=meeting, row=row, status_labels=STATUS_LABELS,
                           kinds=PREVIEW_KINDS, retry_form=RetryForm())


@bp.route("/nachricht/<int:message_id>/mail.html")
@mail_frame
def show_html(slug: str, message_id: int):
    """A queued or sent mail's HTML alone, for the sandboxed frame on its page (see preview_html)."""
    meeting = organiser_meeting(slug)
    row = owned_or_404(OutboxMessage, message_id, meeting)
    if not row.body_html:
        abort(404)
    return Response(row.body_html, mimetype="text/html")
