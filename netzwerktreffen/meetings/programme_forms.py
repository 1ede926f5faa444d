"""The form for a programme point (talk, presentation, practice example, break, open exchange).

It refuses what cannot work with a German message at the field: a point outside the meeting's hours,
and one that overlaps an agenda block or another point (naming it and its times, "14:30–15:00 Uhr").
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from netzwerktreffen.core.models import Meeting
from netzwerktreffen.core.programme import KIND_LABELS, ProgrammeKind, ProgrammePoint, time_span
from netzwerktreffen.meetings.forms import options
from netzwerktreffen.meetings.programme import FIELDS, overlaps
from netzwerktreffen.web.fields import Form

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class ClockField(TimeField):
    """A time of day; what is not one gets a German message (WTForms' own is English)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Bitte geben Sie eine Uhrzeit an, z. B. 10:00.")) from None


class MinutesField(IntegerField):
    """Whole minutes; what is not a number gets a German message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Bitte geben Sie die Dauer in ganzen Minuten an, z. B. 10.")) from None


class ProgrammePointForm(Form):
    kind = SelectField(_l("Art"), default=ProgrammeKind.TALK,
                       choices=options((kind.value, label) for kind, label in KIND_LABELS.items()),
                       validate_choice=False)
    title = StringField(_l("Titel"), validators=[
        DataRequired(message=_l("Bitte geben Sie einen Titel an, z. B. „Begrüßung und Überblick“.")),
        Length(max=200)])
    title_en = StringField(_l("Titel auf Englisch (freiwillig)"), validators=[Length(max=200)])
    speakers = TextAreaField(_l("Wer spricht"), validators=[Length(max=1000)],
                             description=_l("Namen, z. B. „Anna Weiß, Jonas Weigel“; bei einer Pause leer lassen."))
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    start_time = ClockField(_l("Beginn"), format=TIME_FORMATS,
                           validators=[InputRequired(message=_l("Bitte geben Sie eine Uhrzeit an, z. B. 10:00."))])
    minutes = MinutesField(_l("Dauer in Minuten"), default=10, validators=[
        InputRequired(message=_l("Bitte geben Sie die Dauer in Minuten an, z. B. 10.")),
        NumberRange(min=1, max=600, message=_l("Die Dauer muss zwischen 1 und 600 Minuten liegen."))])

    def __init__(self, *args, meeting: Meeting, point: ProgrammePoint | None = None, **kwargs):
        if point is not None:
            for name in FIELDS:
                kwargs.setdefault(name, getattr(point, name))
        super().__init__(*args, **kwargs)
        self.meeting, self.point = meeting, point

    def validate_kind(self, field) -> None:
        if field.data not in {kind.value for kind in ProgrammeKind}:
            field.data = ProgrammeKind.TALK.value
            raise ValidationError(_("Bitte wählen Sie die Art des Programmpunkts aus der Liste."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        problem = self._outside_meeting() or self._overlap()
        if problem:
            self.start_time.errors.append(problem)
            return False
        return True

    def _outside_meeting(self) -> str | None:
        meeting, day = self.meeting, date(2000, 1, 1)
        begin = datetime.combine(day, self.start_time.data)
        end = begin + timedelta(minutes=self.minutes.data)
        if begin < datetime.combine(day, meeting.start_time) or end > datetime.combine(day, meeting.end_time):
            until = end.time() if end.date() == day else None
            return _("Der Programmpunkt liefe %(times)s, das Treffen geht aber nur %(meeting)s. Bitte ändern Sie "
                     "Beginn oder Dauer.",
                     times=time_span(begin.time(), until) if until else _("ab %(time)s bis nach Mitternacht",
                                                                         time=begin.strftime("%H:%M")),
                     meeting=time_span(meeting.start_time, meeting.end_time))
        return None

    def _overlap(self) -> str | None:
        found = overlaps(self.meeting, self.start_time.data, self.minutes.data, self.point)
        if not found:
            return None
        other = found[0]
        return _("Der Programmpunkt überschneidet sich mit „%(other)s“ (%(times)s). Bitte wählen Sie eine Zeit "
                 "davor oder danach.", other=other.title, times=other.times)

    def point_data(self) -> dict:
        return {"kind": self.kind.data, "title": self.title.data, "title_en": self.title_en.data or "",
                "speakers": self.speakers.data or "", "organisation": self.organisation.data or "",
                "start_time": self.start_time.data, "minutes": self.minutes.data}
