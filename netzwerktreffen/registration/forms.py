"""The registration form, used by participants (with consent) and organisers (without); the CSV upload."""
from __future__ import annotations

from babel import Locale
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from flask_babel import gettext as _

from netzwerktreffen.core.bilingual import in_ui_language
from netzwerktreffen.core.coverage import MUST_MEET_LIMIT, must_meet_lines, must_meet_text
from netzwerktreffen.core.models import Meeting, Registration
from netzwerktreffen.registration.answers import AskedQuestions
from netzwerktreffen.registration.service import RegistrationData
from netzwerktreffen.web.fields import (Form, MultiCheckboxField, NameFields, LanguagesField, language_choices,
                                        default_languages)


class ResendLinkForm(Form):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email()])


class CancelForm(Form):
    """Cancelling gives the seat away: only with the box ticked (checked here, not only in the browser)."""
    confirm = BooleanField(_l("Ja, ich sage meine Teilnahme ab."),
                           validators=[DataRequired(message=_l("Bitte bestätigen Sie, dass Sie absagen möchten."))])


class StationsField(MultiCheckboxField):
    """The stations of the meeting's chains; one that is not (or no longer) there is refused in plain words."""

    def pre_validate(self, form):
        offered = {value for value, _label in self.choices or []}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_("Eine der angekreuzten Stationen gibt es bei diesem Treffen nicht (mehr). "
                                    "Bitte kreuzen Sie die Stationen noch einmal an."))


def must_meet_limit(form, field) -> None:
    """At most three people to meet for certain."""
    if len(must_meet_lines(field.data or "")) > MUST_MEET_LIMIT:
        raise ValidationError(_l("Bitte nennen Sie höchstens %(n)s Personen, die Sie unbedingt treffen müssen "
                                 "(eine pro Zeile).", n=MUST_MEET_LIMIT))


class RegistrationForm(NameFields):
    asks_questions = True  # the meeting's own questions (registration.answers) come with the form
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("An diese Adresse schicken wir die Bestätigung und Ihren persönlichen Link."))
    organisation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(_l("Bereich"), coerce=int, validators=[InputRequired()],
                         description=_l("Zu welcher Art von Einrichtung gehört Ihre Organisation?"))
    role = StringField(_l("Funktion"), validators=[Optional(), Length(max=200)],
                       description=_l("z. B. Integrationskoordinatorin, Ausbilder, Beraterin"))
    offers = MultiCheckboxField(_l("Was ich anbiete"), coerce=int)
    needs = MultiCheckboxField(_l("Was ich suche"), coerce=int)
    languages = LanguagesField(_l("Sprachen, in denen ich ein Gespräch führen kann"),
                                   validators=[DataRequired(message=_l("Bitte wählen Sie mindestens eine Sprache."))])
    blocks = MultiCheckboxField(_l("Ich nehme teil an"), coerce=int)
    station_ids = StationsField(_l("Wo in der Prozesskette sind Sie oder Ihre Organisation tätig?"), coerce=int)
    cafe_choice_1 = SelectField(_l("Pro-Action-Café: 1. Wunsch"), coerce=int, validators=[Optional()])
    cafe_choice_2 = SelectField(_l("Pro-Action-Café: 2. Wunsch"), coerce=int, validators=[Optional()])
    cafe_choice_3 = SelectField(_l("Pro-Action-Café: 3. Wunsch"), coerce=int, validators=[Optional()])
    wishes = TextAreaField(_l("Personen oder Organisationen, die ich gern treffen möchte"),
                           validators=[Optional(), Length(max=2000)],
                           description=_l("Eine Angabe pro Zeile."))
    must_meet = TextAreaField(_l("Unbedingt treffen"), validators=[Optional(), Length(max=600), must_meet_limit],
                              description=_l("Bis zu drei Personen, die Sie auf jeden Fall treffen müssen: "
                                             "Vor- und Nachname, eine Person pro Zeile. Wir planen so, dass "
                                             "Sie sie treffen, wenn sie teilnehmen und es möglich ist."))
    not_with = TextAreaField(_l("Personen, mit denen ich nicht zusammengesetzt werden soll"),
                             validators=[Optional(), Length(max=2000)],
                             description=_l("z. B. Kolleginnen und Kollegen aus dem eigenen Haus. Eine Angabe pro Zeile."))
    accessibility = TextAreaField(_l("Barrierefreiheit: Was brauchen Sie, um gut teilnehmen zu können?"),
                                  validators=[Optional(), Length(max=2000)])
    consent_processing = BooleanField(
        _l("Ich willige in die Verarbeitung meiner Angaben zu den oben beschriebenen Zwecken ein."),
        validators=[DataRequired(message=_l("Ohne diese Einwilligung können wir Ihre Anmeldung nicht annehmen."))])
    consent_listing = BooleanField(_l("Mein Name, meine Organisation und mein Bereich dürfen auf der Teilnehmendenliste erscheinen."))
    consent_contact = BooleanField(_l("Nach dem Treffen dürfen Personen, die ich getroffen habe, meine Kontaktdaten erhalten."))


class PersonalForm(RegistrationForm):
    """The person changes their registration: consented already; optional consents stay revocable."""

    consent_processing = None


class OrganiserRegistrationForm(RegistrationForm):
    """What an organiser may change for a person: everything but the person's own consents (and answers)."""

    asks_questions = False
    consent_processing = None
    consent_listing = None
    consent_contact = None


class ManualRegistrationForm(OrganiserRegistrationForm):
    """An organiser registers someone by hand (phone, paper), recording the consent given to them."""

    consent_processing = BooleanField(
        _l("Die Person hat mir gegenüber in die Verarbeitung ihrer Angaben eingewilligt "
           "(z. B. am Telefon), nachdem sie die Datenschutzhinweise erhalten hat."),
        validators=[DataRequired(message=_l("Ohne Einwilligung der Person dürfen Sie sie nicht anmelden."))])
    consent_listing = BooleanField(_l("Sie ist einverstanden, auf der Teilnehmendenliste zu erscheinen."))
    consent_contact = BooleanField(_l("Sie ist einverstanden, dass Personen, die sie trifft, "
                                      "nach dem Treffen ihre Kontaktdaten erhalten."))
    locale = SelectField(_l("Sprache der E-Mails"), default="de")
    send_confirmation = BooleanField(_l("Bestätigung mit persönlichem Link per E-Mail schicken"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [(code, Locale(code).display_name) for code in current_app.config["LANGUAGES"]]


class ImportForm(Form):
    file = FileField(_l("CSV-Datei"), validators=[FileRequired(_l("Bitte wählen Sie eine CSV-Datei aus."))])


def build_form(form_class: type[RegistrationForm], meeting: Meeting,
               registration: Registration | None = None, **kwargs) -> RegistrationForm:
    """A form with the meeting's sectors, topics, languages, blocks and chain stations as choices, and the
    meeting's own questions."""
    form = _with_station_offers(form_class, meeting)(obj=registration, **kwargs)
    form.asked = AskedQuestions(meeting, registration) if form_class.asks_questions else None
    form.sector.choices = [(-1, "– " + str(_l("bitte wählen")) + " –")] + [(s.id, s.display_name) for s in meeting.sectors]
    topics = sorted(((t.id, t.display_name) for t in meeting.topics), key=lambda choice: choice[1].casefold())
    form.offers.choices = topics
    form.needs.choices = topics
    form.languages.choices = language_choices(meeting, registration)
    form.blocks.choices = [(b.id, b.title) for b in meeting.blocks]
    tables = [(t.id, t.display_question) for b in meeting.blocks if b.is_cafe for t in b.cafe_tables]
    for field in cafe_choice_fields(form):
        field.choices = [(0, "–")] + tables
    if not form.is_submitted():
        if registration is not None:
            form.sector.data = registration.sector_id or -1
            form.offers.data = [t.id for t in registration.offers]
            form.needs.data = [t.id for t in registration.needs]
            form.blocks.data = [b.id for b in registration.blocks]
            form.station_ids.data = [role.station_id for role in registration.stations]
            for role in registration.stations:
                if hasattr(form, _offer_field(role.station_id)):
                    getattr(form, _offer_field(role.station_id)).data = role.offer
            form.languages.data = list(registration.languages)
            form.must_meet.data = must_meet_text(registration)
            ranked = [c.cafe_table_id for c in registration.cafe_choices]
            for field, choice in zip(cafe_choice_fields(form), ranked + [0, 0, 0]):
                field.data = choice
        else:
            form.sector.data = -1
            form.languages.data = default_languages(meeting)
            form.blocks.data = [b.id for b in meeting.blocks]
    _group_stations(form, meeting)
    return form


def _offer_field(station_id: int) -> str:
    return f"station_offer_{station_id}"


def _with_station_offers(form_class: type[RegistrationForm], meeting: Meeting) -> type[RegistrationForm]:
    """The form class with one optional "what we offer there" field per station of the meeting's chains."""
    fields = {_offer_field(station.id): StringField(
        _("Was Sie bei „%(station)s“ anbieten (freiwillig)", station=station.display_name),
        validators=[Optional(), Length(max=300)]) for chain in meeting.chains for station in chain.stations}
    return type(form_class.__name__, (form_class,), fields) if fields else form_class


def _group_stations(form: RegistrationForm, meeting: Meeting) -> None:
    """The choices of ``station_ids``, and ``form.station_groups`` for the template: per chain, each station
    with its description, whether it is ticked, and its offer field."""
    form.station_ids.choices = [(s.id, s.display_name) for chain in meeting.chains for s in chain.stations]
    ticked = set(form.station_ids.data or [])
    form.station_groups = [(chain, [(s, in_ui_language(s.description, s.description_en), s.id in ticked,
                                     getattr(form, _offer_field(s.id))) for s in chain.stations])
                           for chain in meeting.chains if chain.stations]


def cafe_choice_fields(form: RegistrationForm) -> list:
    return [form.cafe_choice_1, form.cafe_choice_2, form.cafe_choice_3]


def has_cafe_tables(meeting: Meeting) -> bool:
    return any(b.is_cafe and b.cafe_tables for b in meeting.blocks)


def validate_submitted(form: RegistrationForm) -> bool:
    """Validate a submitted form, including the "please choose" sector; False when not submitted."""
    if not form.is_submitted():
        return False
    valid = form.validate()
    if form.asked is not None and not form.asked.read(request.form):
        valid = False
    chosen = [f.data for f in cafe_choice_fields(form) if f.data]
    if len(chosen) != len(set(chosen)):
        form.cafe_choice_2.errors = list(form.cafe_choice_2.errors) + [
            str(_l("Bitte wählen Sie jeden Tisch nur einmal."))]
        valid = False
    if form.sector.data in (None, -1):
        form.sector.errors = list(form.sector.errors) + [str(_l("Bitte wählen Sie einen Bereich."))]
        return False
    return valid


def form_data(form: RegistrationForm, meeting: Meeting,
              registration: Registration | None = None) -> RegistrationData:
    sectors = {s.id: s for s in meeting.sectors}
    topics = {t.id: t for t in meeting.topics}
    blocks = {b.id: b for b in meeting.blocks}
    cafe_tables = {t.id: t for b in meeting.blocks if b.is_cafe for t in b.cafe_tables}
    consent_listing = form.consent_listing.data if form.consent_listing else (
        registration.consent_listing if registration else False)
    consent_contact = form.consent_contact.data if form.consent_contact else (
        registration.consent_contact if registration else False)
    return RegistrationData(
        name="", given_name=form.given_name.data or "", family_name=form.family_name.data or "",
        email=form.email.data, organisation=form.organisation.data,
        sector=sectors.get(form.sector.data), role=form.role.data or "",
        offers=[topics[i] for i in form.offers.data or [] if i in topics],
        needs=[topics[i] for i in form.needs.data or [] if i in topics],
        languages=list(form.languages.data or []),
        blocks=[blocks[i] for i in form.blocks.data or [] if i in blocks],
        wishes=form.wishes.data or "", must_meet=form.must_meet.data or "", not_with=form.not_with.data or "",
        accessibility=form.accessibility.data or "",
        consent_listing=bool(consent_listing), consent_contact=bool(consent_contact),
        cafe_choices=[cafe_tables[f.data] for f in cafe_choice_fields(form) if f.data in cafe_tables],
        stations=_chosen_stations(form, meeting),
        answers=form.asked.values() if form.asked is not None else None)


def _chosen_stations(form: RegistrationForm, meeting: Meeting) -> list:
    """The ticked stations with what the person offers there (an offer without a tick is not kept)."""
    stations = {s.id: s for chain in meeting.chains for s in chain.stations}
    return [(stations[i], getattr(form, _offer_field(i)).data or "")
            for i in dict.fromkeys(form.station_ids.data or []) if i in stations]
