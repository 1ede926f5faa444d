"""The personal page's forms for ideas for next time (``afterwards.ideas``): a topic suggestion, and the
feedback with a 1–5 rating for each kind of block the meeting has."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from netzwerktreffen.afterwards import ideas
from netzwerktreffen.core.feedback import COMMENT_LENGTH, SUGGESTION_LENGTH
from netzwerktreffen.core.models import CAFE, SPEED, Registration
from netzwerktreffen.web.fields import Form


def _rating_text(value) -> str:
    return "" if value is None else str(value)


class RatingField(RadioField):
    """1 (wenig) to 5 (sehr): anything else (0, 6, "abc") is refused in plain words; none chosen is None."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, choices=[(str(k), str(k)) for k in ideas.RATINGS], coerce=_rating_text,
                         validate_choice=False, **kwargs)
        self.type = "RadioField"  # rendered by the ``field`` macro as radio buttons

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""

    def pre_validate(self, form):
        if self.data not in ("", None) and self.data not in {str(k) for k in ideas.RATINGS}:
            raise ValidationError(_("Bitte wählen Sie eine Bewertung von 1 (wenig) bis 5 (sehr)."))

    @property
    def rating(self) -> int | None:
        return int(self.data) if self.data else None


class SuggestionForm(Form):
    text = StringField(_l("Thema für ein nächstes Treffen"), validators=[
        DataRequired(message=_l("Bitte schreiben Sie ein Thema in das Feld.")),
        Length(max=SUGGESTION_LENGTH, message=_l("Bitte fassen Sie das Thema in höchstens %(max)d Zeichen."))],
        description=_l("Kurz, z. B. „Anerkennung ausländischer Abschlüsse“. Bis zu 5 Vorschläge."))


class FeedbackForm(Form):
    speed = RatingField(_l("Wie nützlich waren die Speed-Networking-Runden für Sie? (1 = wenig, 5 = sehr)"))
    cafe = RatingField(_l("Wie nützlich war das Pro-Action-Café für Sie? (1 = wenig, 5 = sehr)"))
    comment = TextAreaField(_l("Kommentar (freiwillig)"), validators=[
        Length(max=COMMENT_LENGTH, message=_l("Bitte fassen Sie Ihren Kommentar in höchstens %(max)d Zeichen."))])

    @classmethod
    def for_registration(cls, registration: Registration, **kwargs) -> FeedbackForm:
        """The form with the person's saved feedback, without the questions for kinds of block the meeting
        does not have."""
        saved = registration.feedback
        data = {"speed": saved.speed, "cafe": saved.cafe, "comment": saved.comment} if saved else {}
        form = cls(data=data, prefix="feedback", **kwargs)
        kinds = ideas.rated_kinds(registration.meeting)
        if SPEED not in kinds:
            del form.speed
        if CAFE not in kinds:
            del form.cafe
        return form

    def values(self) -> tuple[int | None, int | None, str]:
        speed, cafe = getattr(self, "speed", None), getattr(self, "cafe", None)
        return (speed.rating if speed else None, cafe.rating if cafe else None, self.comment.data or "")


def ideas_forms(registration: Registration, **forms) -> dict:
    """The two forms for the personal page, unfilled by whatever else was posted (a submitted one with its
    errors may be passed in)."""
    return {"suggestion_form": forms.get("suggestion_form") or SuggestionForm(prefix="idea", formdata=None),
            "feedback_form": forms.get("feedback_form") or FeedbackForm.for_registration(registration,
                                                                                          formdata=None)}
