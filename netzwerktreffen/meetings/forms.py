"""Forms for organisers: a meeting and its set-up (team, rooms, tables, blocks, sectors, topics).

Each form checks everything a person can get wrong and puts the message at the
field; ``…_data()`` methods return the values for the write functions in
``meetings.service``. Limits keep every value within what the database stores. Rows chosen by id
(a café table's host and physical table, a block's room) are taken only from what the form offered,
so an id of another meeting, or any other number, is a validation error, never a lookup.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, IntegerField, SelectField,
                     StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import ColorInput

from netzwerktreffen.core import defaults
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import format_time, language_name
from netzwerktreffen.core.models import CONFIRMED, Block, CafeChoices, CafeTable, Meeting, MeetingTable, Registration, Room, Sector, Topic
from netzwerktreffen.core.text import clean, slugify
from netzwerktreffen.meetings.service import RESERVED_SLUGS, unique
from netzwerktreffen.planning.cafe_choices import LEVEL_HELP, LEVEL_LABELS
from netzwerktreffen.web.auth import find_organiser
from netzwerktreffen.web.fields import Form, MultiCheckboxField, plausible_year

try:  # WTForms >= 3.3 wants SelectChoice; tuples are deprecated there
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
LOCAL_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_AFFINITY = 100


def options(pairs) -> list:
    """Select options from (value, label) pairs, in the form the installed WTForms prefers."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


def _slug_problem(value: str) -> str | None:
    if not SLUG.fullmatch(value):
        return _("Nur Kleinbuchstaben (a–z), Ziffern und Bindestriche, z. B. „netzwerktreffen-2026“.")
    return None


def _on_day(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock)


def block_span(start: time, rounds: int, minutes_per_round: int, changeover_minutes: int,
               day: date) -> tuple[datetime, datetime]:
    """Start and end of a block on ``day`` (no wrap-around at midnight, unlike time arithmetic)."""
    begin = _on_day(day, start)
    length = rounds * minutes_per_round + max(rounds - 1, 0) * changeover_minutes
    return begin, begin + timedelta(minutes=length)


def _clock(moment: datetime, day: date) -> str:
    text = format_time(moment.time())
    return text if moment.date() == day else _("%(time)s am Folgetag", time=text)


# -- Meeting -------------------------------------------------------------------------------------------


class MeetingForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)],
                        description=_l("z. B. „Netzwerktreffen Migration und Arbeit“"))
    series_name = StringField(_l("Name der Reihe"), validators=[Optional(), Length(max=200)],
                              description=_l("Wenn das Treffen Teil einer Reihe ist, z. B. „Netzwerktreffen Migration“."))
    series_number = IntegerField(_l("Nummer in der Reihe"), validators=[Optional(), NumberRange(min=1, max=999)],
                                 description=_l("Mit Reihe und Nummer heißt das Treffen z. B. „3. Netzwerktreffen Migration“."))
    slug = StringField(_l("Kurzname für die Adresse"), validators=[Length(max=80)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 5})
    date = DateField(_l("Datum"), validators=[InputRequired(message=_l("Bitte geben Sie ein gültiges Datum an.")),
                                              plausible_year])
    start_time = TimeField(_l("Beginn"), format=TIME_FORMATS,
                           validators=[InputRequired(message=_l("Bitte geben Sie eine Uhrzeit an, z. B. 09:30."))])
    end_time = TimeField(_l("Ende"), format=TIME_FORMATS,
                         validators=[InputRequired(message=_l("Bitte geben Sie eine Uhrzeit an, z. B. 13:00."))])
    venue = StringField(_l("Ort"), validators=[Optional(), Length(max=200)],
                        description=_l("z. B. „Landratsamt, Großer Sitzungssaal“"))
    address = TextAreaField(_l("Adresse"), validators=[Optional(), Length(max=1000)])
    is_public = BooleanField(_l("Anmeldeformular veröffentlichen"),
                             description=_l("Erst dann können sich Teilnehmende anmelden (im Anmeldezeitraum)."))
    registration_opens = DateTimeLocalField(_l("Anmeldung ab"), format=LOCAL_DATETIME_FORMATS,
                                            validators=[Optional(), plausible_year],
                                            description=_l("Leer lassen: ab sofort, sobald veröffentlicht."))
    registration_closes = DateTimeLocalField(_l("Anmeldung bis"), format=LOCAL_DATETIME_FORMATS,
                                             validators=[Optional(), plausible_year],
                                             description=_l("Leer lassen: bis zum Treffen."))
    capacity = IntegerField(_l("Plätze"), validators=[InputRequired(), NumberRange(min=1, max=10000)],
                            description=_l("Wer sich danach anmeldet, kommt auf die Warteliste. Mehr Plätze holen "
                                           "Menschen von der Warteliste nach."))
    languages = MultiCheckboxField(_l("Gesprächssprachen"),
                                   validators=[DataRequired(message=_l("Bitte wählen Sie mindestens eine Sprache."))])
    contact_name = StringField(_l("Ansprechperson"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("E-Mail der Ansprechperson"), validators=[Optional(), Email(), Length(max=254)])
    controller = TextAreaField(_l("Verantwortlich für den Datenschutz"), validators=[Optional(), Length(max=2000)],
                               description=_l("Name und Anschrift der verantwortlichen Stelle (Art. 13 DSGVO)."))
    retention_days = IntegerField(_l("Aufbewahrung der Anmeldedaten (Tage nach dem Treffen)"),
                                  validators=[InputRequired(), NumberRange(min=1, max=3650)])
    reminder_hours = IntegerField(_l("Erinnerungsmail (Stunden vor Beginn)"),
                                  validators=[InputRequired(), NumberRange(min=0, max=336)],
                                  description=_l("Mit dem persönlichen Ablauf; 0 = keine Erinnerung."))
    cafe_choices = SelectField(_l("Tischwahl zählt"), default=CafeChoices.STRONG.value,
                               choices=options(LEVEL_LABELS.items()), description=LEVEL_HELP)

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, obj=meeting, **kwargs)
        self.meeting = meeting
        codes = list(dict.fromkeys(list(meeting.languages if meeting else []) + defaults.LANGUAGES))
        self.languages.choices = options((code, language_name(code)) for code in codes)
        if meeting is None:
            self.slug.description = _l("Teil der Adresse des Anmeldeformulars (/m/kurzname). "
                                       "Leer lassen, um ihn aus dem Titel zu bilden.")
        else:
            self.slug.description = _l("Teil der Adresse des Anmeldeformulars (/m/kurzname). "
                                       "Ändern Sie ihn nicht mehr, wenn die Adresse schon verschickt ist.")

    def validate_slug(self, field):
        if not field.data:
            if self.meeting is not None:
                raise ValidationError(_("Bitte geben Sie einen Kurznamen an."))
            return
        problem = _slug_problem(field.data)
        if problem:
            raise ValidationError(problem)
        if field.data in RESERVED_SLUGS:
            raise ValidationError(_("Diesen Kurznamen verwendet die Anwendung selbst. Bitte wählen Sie einen anderen."))
        other = db.session.scalar(select(Meeting.id).where(Meeting.slug == field.data))
        if other is not None and (self.meeting is None or other != self.meeting.id):
            raise ValidationError(_("Diesen Kurznamen hat schon ein anderes Treffen."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.start_time.data and self.end_time.data and self.end_time.data <= self.start_time.data:
            self.end_time.errors.append(_("Das Ende muss nach dem Beginn liegen."))
            valid = False
        opens, closes = self.registration_opens.data, self.registration_closes.data
        if opens and closes and closes <= opens:
            self.registration_closes.errors.append(_("Das Ende der Anmeldung muss nach ihrem Beginn liegen."))
            valid = False
        if self.date.data and closes and closes.date() > self.date.data:
            self.registration_closes.errors.append(_("Die Anmeldung sollte spätestens am Tag des Treffens enden."))
            valid = False
        if self.is_public.data and not self.controller.data:
            self.controller.errors.append(_("Für ein veröffentlichtes Anmeldeformular braucht die "
                                            "Datenschutzerklärung die verantwortliche Stelle."))
            valid = False
        if valid and self.meeting is not None:
            valid = self._blocks_still_fit()
        return valid

    def _blocks_still_fit(self) -> bool:
        """New start/end times must still contain every agenda block."""
        day = self.date.data
        begin, end = _on_day(day, self.start_time.data), _on_day(day, self.end_time.data)
        for block in self.meeting.blocks:
            block_begin, block_end = block_span(block.start_time, block.rounds, block.minutes_per_round,
                                                block.changeover_minutes, day)
            if block_begin < begin:
                self.start_time.errors.append(_("Der Block „%(title)s“ beginnt schon um %(time)s.",
                                                title=block.title, time=format_time(block.start_time)))
                return False
            if block_end > end:
                self.end_time.errors.append(_("Der Block „%(title)s“ endet erst um %(time)s.",
                                              title=block.title, time=_clock(block_end, day)))
                return False
        return True

    def meeting_data(self) -> dict:
        """Column values for ``create_meeting``/``update_meeting``."""
        names = ("title", "series_name", "series_number", "slug", "description", "date", "start_time",
                 "end_time", "venue", "address", "is_public", "registration_opens", "registration_closes",
                 "capacity", "contact_name", "contact_email", "controller", "retention_days", "reminder_hours", "cafe_choices")
        data = {name: getattr(self, name).data for name in names}
        for name in ("title", "series_name", "description", "venue", "address", "contact_name", "controller"):
            data[name] = data[name] or ""
        data["contact_email"] = (data["contact_email"] or "").lower()
        data["languages"] = list(dict.fromkeys(self.languages.data))
        data["is_public"] = bool(data["is_public"])
        return data


class DeleteMeetingForm(Form):
    """Deleting a meeting for good: the organiser types its short name to confirm."""

    confirm = StringField(_l("Kurzname des Treffens zur Bestätigung"), validators=[DataRequired(), Length(max=80)])

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def validate_confirm(self, field):
        if field.data != self.meeting.slug:
            raise ValidationError(_("Bitte geben Sie genau „%(slug)s“ ein.", slug=self.meeting.slug))


class OrganiserForm(Form):
    """Adding a person to the team: an organiser account not yet in the team (``self.organiser``), or an
    address without an account (``self.organiser`` is None), which gets an invitation by e-mail."""

    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("Hat die Person noch kein Konto, bekommt sie eine Einladung per E-Mail "
                                      "und legt darin ihr Passwort fest."))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting, self.organiser = meeting, None

    def validate_email(self, field):
        if field.errors:
            return
        self.organiser = find_organiser(field.data)
        if self.organiser in self.meeting.organisers:
            raise ValidationError(_("Diese Person gehört schon zum Organisationsteam."))


# -- Rooms and tables ----------------------------------------------------------------------------------


class RoomForm(Form):
    name = StringField(_l("Name des Raums"), validators=[DataRequired(), Length(max=200)])
    grid_columns = IntegerField(_l("Spalten im Raumplan"), default=6,
                                validators=[InputRequired(), NumberRange(min=1, max=30)])
    grid_rows = IntegerField(_l("Reihen im Raumplan"), default=4,
                             validators=[InputRequired(), NumberRange(min=1, max=30)])

    def __init__(self, *args, room: Room | None = None, **kwargs):
        super().__init__(*args, obj=room, **kwargs)
        self.room = room

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.room is not None:
            for table in self.room.tables:
                if table.grid_x >= self.grid_columns.data:
                    self.grid_columns.errors.append(_("Tisch %(table)s steht in Spalte %(n)s.",
                                                      table=table.label, n=table.grid_x + 1))
                    valid = False
                    break
            for table in self.room.tables:
                if table.grid_y >= self.grid_rows.data:
                    self.grid_rows.errors.append(_("Tisch %(table)s steht in Reihe %(n)s.",
                                                   table=table.label, n=table.grid_y + 1))
                    valid = False
                    break
        return valid

    def room_data(self) -> dict:
        return {"name": self.name.data, "grid_columns": self.grid_columns.data, "grid_rows": self.grid_rows.data}


class TableForm(Form):
    """A physical table; the plan position is shown 1-based (Spalte 1) and stored 0-based."""

    number = IntegerField(_l("Nummer"), validators=[InputRequired(), NumberRange(min=1, max=9999)])
    name = StringField(_l("Name (freiwillig)"), validators=[Optional(), Length(max=200)],
                       description=_l("z. B. „Fenster“ oder „Café 1“"))
    seats = IntegerField(_l("Plätze am Tisch"), default=4, validators=[InputRequired(), NumberRange(min=1, max=50)])
    column = IntegerField(_l("Spalte im Raumplan"), default=1, validators=[InputRequired(), NumberRange(min=1)])
    row = IntegerField(_l("Reihe im Raumplan"), default=1, validators=[InputRequired(), NumberRange(min=1)])

    def __init__(self, *args, room: Room, table: MeetingTable | None = None, **kwargs):
        kwargs.setdefault("prefix", "table")
        if table is not None:
            kwargs.update(number=table.number, name=table.name, seats=table.seats,
                          column=table.grid_x + 1, row=table.grid_y + 1)
        super().__init__(*args, **kwargs)
        self.room, self.table = room, table

    def validate_number(self, field):
        for other in self.room.tables:
            if other.number == field.data and other is not self.table:
                raise ValidationError(_("In diesem Raum gibt es schon einen Tisch mit der Nummer %(n)s.", n=field.data))

    def validate_column(self, field):
        if isinstance(field.data, int) and field.data > self.room.grid_columns:
            raise ValidationError(ngettext("Der Raumplan hat nur %(n)s Spalte.", "Der Raumplan hat nur %(n)s Spalten.",
                                           num=self.room.grid_columns, n=self.room.grid_columns))

    def validate_row(self, field):
        if isinstance(field.data, int) and field.data > self.room.grid_rows:
            raise ValidationError(ngettext("Der Raumplan hat nur %(n)s Reihe.", "Der Raumplan hat nur %(n)s Reihen.",
                                           num=self.room.grid_rows, n=self.room.grid_rows))

    def table_data(self) -> dict:
        return {"number": self.number.data, "name": self.name.data or "", "seats": self.seats.data,
                "grid_x": self.column.data - 1, "grid_y": self.row.data - 1}


def suggested_table(room: Room) -> dict:
    """Next free number and the first free spot in the plan, for a new table."""
    number = max((t.number for t in room.tables), default=0) + 1
    used = {(t.grid_x, t.grid_y) for t in room.tables}
    free = [(x, y) for y in range(room.grid_rows) for x in range(room.grid_columns) if (x, y) not in used]
    x, y = free[0] if free else (0, 0)
    return {"number": number, "column": x + 1, "row": y + 1}


# -- Agenda blocks -------------------------------------------------------------------------------------


class BlockForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(), Length(max=200)])
    start_time = TimeField(_l("Beginn"), format=TIME_FORMATS,
                           validators=[InputRequired(message=_l("Bitte geben Sie eine Uhrzeit an, z. B. 10:00."))])
    rounds = IntegerField(_l("Runden"), validators=[InputRequired(), NumberRange(min=1, max=30)])
    minutes_per_round = IntegerField(_l("Minuten pro Runde"), validators=[InputRequired(), NumberRange(min=1, max=240)])
    changeover_minutes = IntegerField(_l("Minuten für den Wechsel"), default=2,
                                      validators=[InputRequired(), NumberRange(min=0, max=60)],
                                      description=_l("Zeit zwischen zwei Runden, um den Platz zu wechseln."))
    room = SelectField(_l("Raum"), coerce=int, default=0)

    kind = ""

    def __init__(self, *args, meeting: Meeting, block: Block | None = None, **kwargs):
        if block is not None:
            for name in ("title", "start_time", "rounds", "minutes_per_round", "changeover_minutes",
                         "group_size", "allow_repeats"):
                kwargs.setdefault(name, getattr(block, name))
            kwargs.setdefault("room", block.room_id or 0)
        super().__init__(*args, **kwargs)
        self.meeting, self.block = meeting, block
        self.room.choices = options([(0, _("– noch offen –"))] + [(r.id, r.name) for r in meeting.rooms])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid:
            day, meeting = self.meeting.date, self.meeting
            begin, end = block_span(self.start_time.data, self.rounds.data, self.minutes_per_round.data,
                                    self.changeover_minutes.data, day)
            meeting_begin, meeting_end = _on_day(day, meeting.start_time), _on_day(day, meeting.end_time)
            if begin < meeting_begin or end > meeting_end:
                self.start_time.errors.append(_(
                    "Der Block liefe von %(begin)s bis %(end)s, das Treffen geht aber nur von %(start)s "
                    "bis %(finish)s. Bitte ändern Sie Beginn, Runden oder Minuten.",
                    begin=_clock(begin, day), end=_clock(end, day),
                    start=format_time(meeting.start_time), finish=format_time(meeting.end_time)))
                valid = False
        return valid

    def block_data(self) -> dict:
        rooms = {r.id: r for r in self.meeting.rooms}
        return {"title": self.title.data, "start_time": self.start_time.data, "rounds": self.rounds.data,
                "minutes_per_round": self.minutes_per_round.data,
                "changeover_minutes": self.changeover_minutes.data, "room": rooms.get(self.room.data)}


class SpeedBlockForm(BlockForm):
    kind = "speed-networking"
    group_size = SelectField(_l("Gruppengröße"), coerce=int, default=2,
                             choices=options([(2, _l("zu zweit")), (3, _l("zu dritt")), (4, _l("zu viert"))]))
    allow_repeats = BooleanField(_l("Wiederholte Begegnungen erlauben"),
                                 description=_l("Nur wenn es sonst nicht genug neue Gesprächspartner gibt."))

    def block_data(self) -> dict:
        return super().block_data() | {"group_size": self.group_size.data,
                                       "allow_repeats": bool(self.allow_repeats.data)}


class CafeBlockForm(BlockForm):
    kind = "pro-action-cafe"
    guiding_questions = TextAreaField(_l("Leitfragen, eine Zeile pro Runde"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 5},
                                      description=_l("Leer lassen für die drei klassischen Fragen des Pro-Action-Cafés."))
    guiding_questions_en = TextAreaField(_l("Leitfragen auf Englisch (freiwillig)"), validators=[Optional(), Length(max=5000)],
                                         render_kw={"rows": 5}, description=_l("Für die englische Anmeldung, Seiten und Mails; wo "
                                                                              "eine fehlt, gilt die deutsche."))

    def __init__(self, *args, meeting: Meeting, block: Block | None = None, **kwargs):
        if block is not None:
            kwargs.setdefault("guiding_questions", "\n".join(block.guiding_questions or []))
            kwargs.setdefault("guiding_questions_en", "\n".join(block.guiding_questions_en or []))
        super().__init__(*args, meeting=meeting, block=block, **kwargs)

    def questions(self, field=None) -> list[str]:
        return [line.strip() for line in ((field or self.guiding_questions).data or "").splitlines() if line.strip()]

    def validate_guiding_questions_en(self, field):
        self.validate_guiding_questions(field)

    def validate_guiding_questions(self, field):
        questions, rounds = self.questions(field), self.rounds.data
        if questions and isinstance(rounds, int) and len(questions) != rounds:
            raise ValidationError(_("%(rounds)s Runden brauchen %(rounds)s Leitfragen (eine pro Zeile); "
                                    "hier stehen %(n)s. Oder lassen Sie das Feld leer.",
                                    rounds=rounds, n=len(questions)))
        if any(len(q) > 500 for q in questions):
            raise ValidationError(_("Eine Leitfrage darf höchstens 500 Zeichen haben."))

    def block_data(self) -> dict:
        questions, english = self.questions(), self.questions(self.guiding_questions_en)
        if not questions:  # the classic questions, in English too unless English ones are given
            questions, english = defaults.guiding_questions(self.rounds.data), english or defaults.guiding_questions(
                self.rounds.data, english=True)
        return super().block_data() | {"guiding_questions": questions, "guiding_questions_en": english}


BLOCK_FORMS = {SpeedBlockForm.kind: SpeedBlockForm, CafeBlockForm.kind: CafeBlockForm}


class CafeTableForm(Form):
    question = TextAreaField(_l("Frage oder Projekt des Tisches"), validators=[DataRequired(), Length(max=1000)])
    question_en = TextAreaField(_l("Auf Englisch (freiwillig)"), validators=[Optional(), Length(max=1000)],
                                description=_l("Für die englische Anmeldung, Seiten und Mails; leer: die deutsche Frage."))
    host = SelectField(_l("Gastgeberin oder Gastgeber (angemeldet)"), coerce=int, default=0)
    host_name = StringField(_l("… oder Name, wenn nicht angemeldet"), validators=[Optional(), Length(max=200)])
    table = SelectField(_l("Tisch"), coerce=int, default=0)
    language = SelectField(_l("Gesprächssprache"), default="")

    def __init__(self, *args, block: Block, cafe_table: CafeTable | None = None, **kwargs):
        kwargs.setdefault("prefix", "cafe")
        if cafe_table is not None:
            kwargs.update(question=cafe_table.question, question_en=cafe_table.question_en, host=cafe_table.host_id or 0,
                          host_name=cafe_table.host_name, table=cafe_table.table_id or 0,
                          language=cafe_table.language)
        super().__init__(*args, **kwargs)
        self.block, self.cafe_table = block, cafe_table
        meeting = block.meeting
        hosts = sorted(confirmed_people(meeting), key=lambda r: r.name.lower())
        if cafe_table is not None and cafe_table.host is not None and cafe_table.host not in hosts:
            hosts.append(cafe_table.host)
        # the rows on offer; any other submitted id (of another meeting, or any other number) fails the
        # select's own check ("Keine gültige Auswahl.") and is never looked up
        self.offered_hosts = {r.id: r for r in hosts}
        self.offered_tables = {t.id: t for room in _rooms_block_first(meeting, block) for t in room.tables}
        self.host.choices = options([(0, _("– niemand ausgewählt –"))] + [
            (r.id, f"{r.name} ({r.organisation})") for r in hosts])
        self.table.choices = options([(0, _("– noch offen –"))] + [
            (t.id, _("%(room)s – Tisch %(table)s", room=t.room.name, table=t.label))
            for t in self.offered_tables.values()])
        languages = list(meeting.languages or [])
        if cafe_table is not None and cafe_table.language and cafe_table.language not in languages:
            languages.append(cafe_table.language)
        self.language.choices = options([("", _("jede Sprache"))] + [(code, language_name(code)) for code in languages])

    def _others(self):
        return [c for c in self.block.cafe_tables if c is not self.cafe_table]

    def validate_host(self, field):
        if field.data and any(c.host_id == field.data for c in self._others()):
            raise ValidationError(_("Diese Person ist in diesem Block schon Gastgeberin oder Gastgeber eines Tisches."))

    def validate_host_name(self, field):
        if field.data and self.host.data:
            raise ValidationError(_("Bitte wählen Sie eine angemeldete Person oder tragen Sie einen Namen ein, "
                                    "nicht beides."))

    def validate_table(self, field):
        if field.data and any(c.table_id == field.data for c in self._others()):
            raise ValidationError(_("An diesem Tisch sitzt in diesem Block schon ein anderes Café-Thema."))

    def cafe_table_data(self) -> dict:
        host, table = self.offered_hosts.get(self.host.data), self.offered_tables.get(self.table.data)
        return {"question": self.question.data, "question_en": (self.question_en.data or "").strip(), "host": host, "host_name": "" if host else (self.host_name.data or ""),
                "table": table, "language": self.language.data or ""}


def confirmed_people(meeting: Meeting) -> list[Registration]:
    return [r for r in meeting.registrations if r.status == CONFIRMED]


def _rooms_block_first(meeting: Meeting, block: Block) -> list[Room]:
    return sorted(meeting.rooms, key=lambda r: (r.id != block.room_id, r.position, r.id))


# -- Sectors, topics, affinities -----------------------------------------------------------------------


class _KeyedForm(Form):
    """Common to sectors and topics: a name, and a key unique within the meeting (derived when empty)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name auf Englisch (freiwillig)"), validators=[Optional(), Length(max=200)],
                          description=_l("Für die englische Anmeldung, Seiten und Mails; leer: der deutsche Name."))
    key = StringField(_l("Schlüssel"), validators=[Length(max=60)],
                      description=_l("Kurz, für CSV-Dateien: Kleinbuchstaben, Ziffern, Bindestriche. "
                                     "Leer lassen, um ihn aus dem Namen zu bilden."))

    model: type = Sector

    def __init__(self, *args, meeting: Meeting, item=None, **kwargs):
        super().__init__(*args, obj=item, **kwargs)
        self.meeting, self.item = meeting, item

    def validate_key(self, field):
        if not field.data:
            return
        problem = _slug_problem(field.data)
        if problem:
            raise ValidationError(problem)
        other = db.session.scalar(select(self.model.id).where(
            self.model.meeting_id == self.meeting.id, self.model.key == field.data))
        if other is not None and (self.item is None or other != self.item.id):
            raise ValidationError(_("Diesen Schlüssel gibt es in diesem Treffen schon."))

    def key_value(self) -> str:
        if self.key.data:
            return self.key.data
        taken = set(db.session.scalars(select(self.model.key).where(
            self.model.meeting_id == self.meeting.id, *([self.model.id != self.item.id] if self.item else []))))
        return unique(slugify(self.name.data), taken, fallback="eintrag")


class SectorForm(_KeyedForm):
    model = Sector
    color = StringField(_l("Farbe"), widget=ColorInput(), default="#888888")
    position = IntegerField(_l("Stelle in der Prozesskette"), validators=[InputRequired(), NumberRange(min=0, max=999)],
                            description=_l("Ankommen → Sprache → Beratung → Anerkennung → Qualifizierung → Arbeit: "
                                           "kleinere Zahlen stehen weiter vorn."))

    def __init__(self, *args, meeting: Meeting, item=None, **kwargs):
        kwargs.setdefault("prefix", "sector")
        if item is None:
            kwargs.setdefault("position", max((s.position for s in meeting.sectors), default=-1) + 1)
        super().__init__(*args, meeting=meeting, item=item, **kwargs)

    def validate_color(self, field):
        if not COLOR.fullmatch(field.data or ""):
            raise ValidationError(_("Bitte eine Farbe im Format #RRGGBB angeben, z. B. #0d6efd."))

    def sector_data(self) -> dict:
        return {"key": self.key_value(), "name": self.name.data, "name_en": (self.name_en.data or "").strip(), "color": self.color.data.lower(),
                "position": self.position.data}


class TopicForm(_KeyedForm):
    model = Topic

    def __init__(self, *args, meeting: Meeting, item=None, **kwargs):
        kwargs.setdefault("prefix", "topic")
        super().__init__(*args, meeting=meeting, item=item, **kwargs)

    def topic_data(self) -> dict:
        return {"key": self.key_value(), "name": self.name.data, "name_en": (self.name_en.data or "").strip()}


class AffinityForm(Form):
    """Only the CSRF token; the matrix cells are read by ``parse_affinities``."""


def default_affinity(a: Sector, b: Sector) -> float:
    return 0.0 if a.id == b.id else 1.0


def affinity_cell(a: Sector, b: Sector) -> str:
    """The input name for an unordered pair: the smaller id first."""
    low, high = sorted((a.id, b.id))
    return f"affinity-{low}-{high}"


def format_affinity(value: float) -> str:
    """1.5 -> '1,5' (German) or '1.5' (English); 2.0 -> '2'. parse_affinities reads both."""
    return format_decimal(value, format="0.###")


def stored_affinities(meeting: Meeting) -> dict[str, str]:
    """The matrix as stored, for the form: {cell name: value as shown}."""
    return {affinity_cell(row.sector_a, row.sector_b): format_affinity(row.value) for row in meeting.affinities}


def parse_affinities(meeting: Meeting, formdata) -> tuple[dict[tuple[int, int], float | None], dict[str, str]]:
    """Read the matrix: {(low id, high id): value or None for the default} and {cell: message}."""
    values, errors = {}, {}
    sectors = meeting.sectors
    for i, a in enumerate(sectors):
        for b in sectors[i:]:
            name = affinity_cell(a, b)
            raw = clean(formdata.get(name, "")) or ""
            if raw == "":
                values[tuple(sorted((a.id, b.id)))] = None
                continue
            try:
                value = float(raw.replace(",", ".").replace(" ", ""))
            except ValueError:
                value = None
            pair = f"{a.name} × {b.name}"
            if value is None or not math.isfinite(value):
                errors[name] = _("%(pair)s: „%(raw)s“ ist keine Zahl.", pair=pair, raw=raw[:40])
            elif value < 0:
                errors[name] = _("%(pair)s: Der Wert darf nicht negativ sein.", pair=pair)
            elif value > MAX_AFFINITY:
                errors[name] = _("%(pair)s: Der Wert darf höchstens %(max)s sein.", pair=pair, max=MAX_AFFINITY)
            else:
                values[tuple(sorted((a.id, b.id)))] = value
    return values, errors
