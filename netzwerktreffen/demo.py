"""A realistic demo meeting: a district's network of labour-market integration actors."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from netzwerktreffen.chains.defaults import add_default_chains
from netzwerktreffen.core.chains import StationRole
from netzwerktreffen.core.coverage import CoverageRule, set_must_meet
from netzwerktreffen.core.defaults import add_default_catalogue, guiding_questions
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.names import display_name
from netzwerktreffen.core.models import (CAFE, CONFIRMED, SPEED, Answer, Block, CafeChoice, CafeTable, Meeting,
                                        MeetingTable, Organiser, ProgrammeKind, ProgrammePoint, Registration, Room,
                                        utcnow)
from netzwerktreffen.registration.questions import add_ready_set

DEMO_EMAIL = "demo@netzwerktreffen.example"
DEMO_PASSWORD = "netzwerktreffen-demo"

# (organisation, sector key, people, what they offer, what they look for)
ORGANISATIONS = [
    ("Jobcenter Landkreis Stendal", "jobcenter", 4, ["sgb2-beratung", "arbeitsvermittlung"], ["berufssprachkurs", "kinderbetreuung", "praktikum"]),
    ("Agentur für Arbeit Stendal", "agentur", 3, ["arbeitsvermittlung", "ausbildung"], ["anerkennung", "berufssprachkurs"]),
    ("Landkreis Stendal, Integrationskoordination", "kommune", 2, ["ankommen", "wohnen"], ["migrationsberatung", "ehrenamt"]),
    ("Hansestadt Stendal, Ausländerbehörde", "kommune", 2, ["aufenthaltsrecht"], ["migrationsberatung", "arbeitsvermittlung"]),
    ("Caritas Migrationsberatung für Erwachsene", "migrationsberatung", 2, ["migrationsberatung", "aufenthaltsrecht"], ["integrationskurs", "kinderbetreuung"]),
    ("AWO Jugendmigrationsdienst Altmark", "migrationsberatung", 2, ["migrationsberatung", "ausbildung"], ["praktikum", "ausbildung"]),
    ("Stark im Beruf Kontaktstelle Stendal", "migrationsberatung", 1, ["frauen-beruf", "kinderbetreuung"], ["praktikum", "arbeitsvermittlung"]),
    ("Kreisvolkshochschule Stendal", "sprachschule", 3, ["integrationskurs", "berufssprachkurs"], ["kinderbetreuung", "sgb2-beratung"]),
    ("Bénédict School Sachsen", "sprachschule", 1, ["berufssprachkurs", "integrationskurs"], ["fachkraefte", "praktikum"]),
    ("BAW Unternehmensschulung GmbH", "bildungstraeger", 2, ["qualifizierung", "praktikum"], ["sgb2-beratung", "fachkraefte"]),
    ("IQ Netzwerk Sachsen-Anhalt", "bildungstraeger", 2, ["anerkennung", "qualifizierung"], ["arbeitsvermittlung", "fachkraefte"]),
    ("Blickpunkt: Migrantinnen", "bildungstraeger", 1, ["frauen-beruf"], ["kinderbetreuung", "migrationsberatung"]),
    ("IHK Magdeburg", "kammer", 2, ["anerkennung", "ausbildung"], ["fachkraefte", "berufssprachkurs"]),
    ("Handwerkskammer Magdeburg", "kammer", 2, ["ausbildung", "anerkennung"], ["praktikum", "berufssprachkurs"]),
    ("Hochschule Magdeburg-Stendal, International Office", "hochschule", 2, ["studium"], ["fachkraefte", "wohnen"]),
    ("Westsächsische Hochschule Zwickau, International Office", "hochschule", 1, ["studium"], ["praktikum"]),
    ("Johanniter-Krankenhaus Genthin-Stendal", "arbeitgeber", 2, ["fachkraefte", "praktikum"], ["anerkennung", "berufssprachkurs"]),
    ("Altmark Pflege gGmbH", "arbeitgeber", 2, ["fachkraefte", "ausbildung"], ["berufssprachkurs", "anerkennung"]),
    ("Stadtwerke Stendal", "arbeitgeber", 1, ["praktikum", "ausbildung"], ["vielfalt-betrieb", "arbeitsvermittlung"]),
    ("Logistikzentrum Altmark GmbH", "arbeitgeber", 1, ["fachkraefte"], ["arbeitsvermittlung", "berufssprachkurs"]),
    ("Metallbau Schulze & Söhne", "arbeitgeber", 1, ["praktikum", "ausbildung"], ["ausbildung", "vielfalt-betrieb"]),
    ("Afrikanischer Kulturverein Altmark e. V.", "migrantenorganisation", 2, ["ehrenamt", "ankommen"], ["arbeitsvermittlung", "anerkennung"]),
    ("Syrischer Verein Stendal e. V.", "migrantenorganisation", 1, ["ehrenamt"], ["ausbildung", "wohnen"]),
    ("Ukrainische Gemeinde Altmark", "migrantenorganisation", 1, ["ankommen", "ehrenamt"], ["anerkennung", "kinderbetreuung"]),
    ("Netzwerk für Demokratie und Courage", "zivilgesellschaft", 1, ["vielfalt-betrieb"], ["fachkraefte"]),
    ("Ehrenamtsnetzwerk Willkommen in Stendal", "zivilgesellschaft", 2, ["ehrenamt", "wohnen"], ["migrationsberatung", "integrationskurs"]),
]

FIRST_NAMES = ["Anna", "Stefan", "Katrin", "Thomas", "Sabine", "Michael", "Julia", "Andreas", "Claudia",
               "Frank", "Petra", "Jens", "Susanne", "Matthias", "Nadine", "Ahmad", "Amina", "Mehmet", "Elif",
               "Olena", "Dmytro", "Fatemeh", "Reza", "Samira", "Yusuf", "Grace", "Emmanuel", "Irina", "Sergej",
               "Lena", "Tobias", "Birgit", "Uwe", "Heike", "Marco", "Aylin", "Tarek", "Hanna", "Jan", "Monika"]
LAST_NAMES = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
              "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Krüger", "Hartmann",
              "Lange", "Werner", "Al-Hassan", "Yılmaz", "Kaya", "Kovalenko", "Shevchenko", "Hosseini", "Haddad",
              "Mensah", "Okafor", "Petrov", "Weiß", "Weigel", "Khalafyan", "Straub", "Telli", "Tanis", "Mura"]
ROLES = ["Integrationskoordinatorin", "Arbeitsvermittler", "Beraterin", "Teamleitung", "Projektleitung",
         "Ausbildungsberater", "Sprachkursleitung", "Personalreferentin", "Vorsitzender", "Koordinatorin"]
SECOND_LANGUAGES = ["en", "en", "en", "ru", "ar", "tr", "uk", "fr", "fa"]
# Where each sector acts in the two chains (0: young refugees into training, 1: refugees into work), with what
# it offers there. Nobody covers "Schule" in the first chain: the poster shows the gap.
STATIONS_BY_SECTOR = {
    "kommune": [(1, "Ankunft", "Erstorientierung, Wohnung, Aufenthalt"), (0, "Ankunft", "Zuweisung und Jugendhilfe")],
    "migrantenorganisation": [(1, "Ankunft", "Begleitung in den ersten Wochen"),
                              (0, "Ankunft", "Patenschaften für Jugendliche")],
    "zivilgesellschaft": [(1, "Ankunft", "Ehrenamtliche Begleitung zu Ämtern")],
    "migrationsberatung": [(1, "Beratung", "Migrationsberatung für Erwachsene"),
                           (0, "Beratung", "Jugendmigrationsdienst")],
    "sprachschule": [(1, "Sprache", "Integrations- und Berufssprachkurse"), (0, "Sprache", "Jugendintegrationskurse")],
    "jobcenter": [(1, "Beratung", "Beratung nach SGB II, Förderplan"), (1, "Arbeit", "Arbeitsvermittlung")],
    "agentur": [(0, "Beratung", "Berufsberatung"), (0, "Berufsorientierung", "Einstiegsqualifizierung"),
                (1, "Arbeit", "Vermittlung, Arbeitgeberservice")],
    "hochschule": [(1, "Qualifizierung", "Studium und Brückenkurse")],
    "kammer": [(1, "Anerkennung", "Anerkennungsberatung und -verfahren"), (0, "Ausbildung", "Ausbildungsberatung")],
    "bildungstraeger": [(1, "Qualifizierung", "Anpassungsqualifizierung"),
                        (0, "Berufsorientierung", "Berufsorientierungskurse")],
    "arbeitgeber": [(1, "Arbeit", "Stellen und Einarbeitung"), (0, "Ausbildung", "Ausbildungsplätze")],
}

CAFE_QUESTIONS = [
    "Wie gelingt Kinderbetreuung während der Sprachkurse?",
    "Wie beschleunigen wir die Anerkennung ausländischer Abschlüsse?",
    "Wie finden Betriebe und Geflüchtete im ländlichen Raum zusammen?",
    "Wie erreichen wir Mütter mit Migrationsgeschichte?",
    "Wie verzahnen wir Sprachkurs und Praktikum?",
    "Was brauchen junge Geflüchtete für den Weg in die Ausbildung?",
    "Wie bleiben internationale Studierende nach dem Abschluss in der Region?",
    "Wie schaffen Betriebe eine vorurteilsbewusste Unternehmenskultur?",
    "Wie verbessern wir die Übergänge zwischen Beratungsstellen?",
    "Wie gewinnen wir Ehrenamtliche für die Begleitung?",
    "Wie kommen Menschen ohne Führerschein zur Arbeit im Landkreis?",
    "Wie nutzen wir die Prozesskette Integration in Arbeit im Alltag?",
]


def get_or_create_demo_organiser() -> Organiser:
    organiser = db.session.scalar(db.select(Organiser).where(Organiser.email == DEMO_EMAIL))
    if organiser is None:
        organiser = Organiser(email=DEMO_EMAIL, name="Demo-Organisation")
        organiser.set_password(DEMO_PASSWORD)
        db.session.add(organiser)
    return organiser


def create_demo_meeting(participants: int = 60, slug: str = "demo", seed: int = 7,
                        organiser: Organiser | None = None) -> Meeting:
    """Create and commit a demo meeting with ``participants`` confirmed registrations."""
    rng = random.Random(seed)
    meeting_date = (local_now() + timedelta(days=24)).date()
    meeting = Meeting(
        slug=slug, title="Netzwerktreffen Migration und Arbeit", series_name="Netzwerktreffen Migration",
        series_number=4, date=meeting_date, start_time=time(9, 30), end_time=time(13, 0),
        venue="Landratsamt Stendal, Großer Sitzungssaal", address="Hospitalstraße 1–2\n39576 Stendal",
        description=("Akteurinnen und Akteure der Arbeitsmarktintegration im Landkreis lernen sich im "
                     "Speed Networking kennen und vertiefen Schnittstellen im Pro-Action-Café: "
                     "Wer macht was, und wo können wir besser zusammenarbeiten?"),
        registration_opens=datetime.combine(local_now().date() - timedelta(days=14), time(8, 0)),
        registration_closes=datetime.combine(meeting_date - timedelta(days=2), time(23, 59)),
        capacity=participants + 4, languages=["de", "en", "ar", "uk"],
        contact_name="Stella Khalafyan", contact_email="integration@landkreis-stendal.example",
        controller="Landkreis Stendal, Der Landrat, Hospitalstraße 1–2, 39576 Stendal",
        retention_days=90, is_public=True)
    add_default_catalogue(meeting)
    add_default_chains(meeting)
    meeting.organisers.append(organiser or get_or_create_demo_organiser())

    hall = Room(name="Großer Sitzungssaal", position=0, grid_columns=8, grid_rows=5)
    foyer = Room(name="Foyer", position=1, grid_columns=6, grid_rows=4)
    meeting.rooms += [hall, foyer]
    spots = (participants + 1) // 2
    for number in range(1, spots + 1):
        hall.tables.append(MeetingTable(number=number, seats=3, grid_x=(number - 1) % 8, grid_y=(number - 1) // 8))
    hosts_wanted = max(2, participants // 4)
    for number in range(1, hosts_wanted + 1):
        foyer.tables.append(MeetingTable(number=number, name=f"Café {number}", seats=6,
                                         grid_x=(number - 1) % 6, grid_y=(number - 1) // 6))

    speed = Block(kind=SPEED, title="Speed Networking", position=0, start_time=time(10, 0), rounds=8,
                  minutes_per_round=6, changeover_minutes=2, group_size=2, room=hall)
    cafe = Block(kind=CAFE, title="Pro-Action-Café", position=1, start_time=time(11, 30), rounds=3,
                 minutes_per_round=25, changeover_minutes=5, room=foyer, guiding_questions=guiding_questions(3))
    meeting.blocks += [speed, cafe]
    meeting.programme_points += demo_programme()

    sectors = {s.key: s for s in meeting.sectors}
    topics = {t.key: t for t in meeting.topics}
    people = _demo_people(rng, participants)
    now = utcnow()
    registrations = []
    for index, (given, family, org, sector_key, offers, needs) in enumerate(people):
        name = display_name(given, family)
        languages = ["de"]
        if rng.random() < 0.45:
            languages.append(rng.choice(SECOND_LANGUAGES))
        if index % 23 == 11:  # a few people hold conversations only without German
            languages = ["en", rng.choice(["ar", "uk", "fa"])]
        email_name = name.lower().replace(" ", ".").translate(str.maketrans("äöüßı", "aousi")).replace("-", "")
        domain = "".join(ch for ch in org.lower().split(",")[0].split()[0] if ch.isalnum()) or "org"
        registrations.append(Registration(
            name=name, given_name=given, family_name=family, email=f"{email_name}.{index}@{domain}.example",
            organisation=org,
            sector=sectors[sector_key], role=rng.choice(ROLES), languages=sorted(set(languages)),
            offers=[topics[k] for k in offers], needs=[topics[k] for k in needs],
            blocks=[speed, cafe], locale="de", status=CONFIRMED,
            consent_version="demo", consent_at=now,
            consent_listing=rng.random() < 0.8, consent_listing_at=now,
            consent_contact=rng.random() < 0.7, consent_contact_at=now,
            created_at=now - timedelta(minutes=participants - index)))
    for person in registrations:
        colleagues = [p.name for p in registrations if p.organisation == person.organisation and p is not person]
        if colleagues and rng.random() < 0.3:
            person.not_with = colleagues[0]
        if rng.random() < 0.2:
            person.wishes = rng.choice(ORGANISATIONS)[0]
    meeting.registrations += registrations
    _mark_stations(random.Random(seed + 1), meeting, registrations)
    _guaranteed_meetings(meeting, registrations)

    questions = rng.sample(CAFE_QUESTIONS, k=min(hosts_wanted, len(CAFE_QUESTIONS)))
    hosts = rng.sample(registrations, k=min(hosts_wanted, len(registrations)))
    for position, (table, host) in enumerate(zip(foyer.tables, hosts)):
        question = questions[position % len(questions)]
        language = "" if "de" in host.languages else host.languages[0]
        cafe.cafe_tables.append(CafeTable(position=position, question=question, host=host,
                                          table=table, language=language))
    _rank_cafe_tables(rng, cafe.cafe_tables, [p for p in registrations if p not in hosts])
    _answer_ready_set(random.Random(seed + 1), meeting, registrations)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _mark_stations(rng: random.Random, meeting: Meeting, registrations: list[Registration]) -> None:
    """Each person marks their sector's stations (now and then only the first), with the offer text."""
    stations = [{s.name: s for s in chain.stations} for chain in meeting.chains]
    for person in registrations:
        marks = STATIONS_BY_SECTOR.get(person.sector.key, [])
        for chain, station, offer in marks[:1] if rng.random() < 0.25 else marks:
            person.stations.append(StationRole(station=stations[chain][station], offer=offer))


def demo_programme() -> list[ProgrammePoint]:
    """Short talks around the rounds, as at the Zwickau meeting (seed report 003): the coordinator's
    overview, two project presentations, a practice example, and a break before the café."""
    points = [
        (ProgrammeKind.TALK, "Begrüßung und Überblick", "Welcome and overview", "Stella Khalafyan",
         "Integrationskoordinatorin, Landkreis Stendal", time(9, 30), 10),
        (ProgrammeKind.PRESENTATION, "Projekt „Here’n’Now!“: Wege in Arbeit für junge Männer",
         "Project “Here’n’Now!”: paths into work for young men", "Thomas Weiß", "BAW Unternehmensschulung GmbH",
         time(9, 40), 10),
        (ProgrammeKind.PRACTICE, "„IT. Ganz schön smart“: Sprache und IT-Kompetenzen",
         "“IT. Ganz schön smart”: language and IT skills", "Maria Schubert", "Bénédict School Sachsen",
         time(9, 50), 10),
        (ProgrammeKind.PRESENTATION, "International Office: Angebote für internationale Studierende",
         "International Office: what international students are offered", "Dr. Jana Richter",
         "Hochschule Magdeburg-Stendal, International Office", time(11, 5), 10),
        (ProgrammeKind.BREAK, "Kaffeepause", "Coffee break", "", "", time(11, 15), 15),
    ]
    return [ProgrammePoint(kind=kind, title=title, title_en=title_en, speakers=speakers, organisation=organisation,
                           start_time=start, minutes=minutes, position=position)
            for position, (kind, title, title_en, speakers, organisation, start, minutes) in enumerate(points)]


def _guaranteed_meetings(meeting: Meeting, registrations: list[Registration]) -> None:
    """Seed report 004 ("Stark im Beruf"): every migration counselling point meets the Jobcenter or the
    Agentur für Arbeit and two more partners; and three people who must meet someone ("Unbedingt treffen"),
    one of them a colleague, which the plan page explains as not possible."""
    meeting.coverage_rules += [
        CoverageRule(who_sectors=["migrationsberatung"], meets_sectors=["jobcenter", "agentur"], at_least=1,
                     position=0),
        CoverageRule(who_sectors=["migrationsberatung"], at_least=2, position=1,
                     meets_sectors=["sprachschule", "bildungstraeger", "kammer", "arbeitgeber"])]

    def first(organisation: str, skip: int = 0) -> Registration | None:
        """The organisation's first (or next) person who speaks German."""
        found = [p for p in registrations if p.organisation.startswith(organisation) and "de" in p.languages]
        return found[skip] if len(found) > skip else None

    wishes = [(first("Stark im Beruf"), [first("Jobcenter"), first("Agentur für Arbeit")]),
              (first("Altmark Pflege"), [first("Kreisvolkshochschule"), first("IQ Netzwerk")]),
              (first("Kreisvolkshochschule"), [first("Kreisvolkshochschule", 1), first("IHK")])]
    for person, others in wishes:
        names = [other.name for other in others if other is not None]
        if person is not None and names:
            set_must_meet(person, "\n".join(names))


# how many café tables a guest ranks: most rank two or three, some none
CHOICE_COUNTS = (0, 1, 2, 2, 3, 3, 3, 3)


def _rank_cafe_tables(rng: random.Random, tables: list[CafeTable], guests: list[Registration]) -> None:
    """Café choices as participants make them on the registration form (``CafeChoice``, rank 0 = first):
    by question, popular questions more often (a few questions draw most of the interest), only at tables
    whose language the guest speaks (no language = German), one table per question."""
    questions = list(dict.fromkeys(t.question for t in tables))
    popularity = {q: 1 / (k + 1) ** 0.8 for k, q in enumerate(rng.sample(questions, k=len(questions)))}
    for guest in guests:
        spoken = set(guest.languages or ["de"])
        open_to_guest = {}
        for table in tables:
            if (table.language or "de") in spoken:
                open_to_guest.setdefault(table.question, []).append(table)
        # weighted sampling without replacement: the largest random() ** (1 / weight) first
        ranked = sorted(open_to_guest, key=lambda q: -rng.random() ** (1 / popularity[q]))
        count = rng.choice(CHOICE_COUNTS)
        guest.cafe_choices = [CafeChoice(cafe_table=rng.choice(open_to_guest[q]), rank=rank)
                              for rank, q in enumerate(ranked[:count])]


def _demo_people(rng: random.Random, count: int):
    """Given and family names with organisations: organisations of 1–4 people, repeated with new people as needed."""
    people, used = [], set()
    while len(people) < count:
        for org, sector, size, offers, needs in ORGANISATIONS:
            for _ in range(size):
                if len(people) >= count:
                    break
                while True:
                    given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                    if (given, family) not in used:
                        used.add((given, family))
                        break
                people.append((given, family, org, sector,
                               rng.sample(offers, k=rng.randint(1, len(offers))),
                               rng.sample(needs, k=rng.randint(1, len(needs)))))
    return people


# what demo participants write in the ready set's free-text questions (registration.questions.READY_SET)
DEMO_TEXTS = [
    "Zu wenig Kinderbetreuung während der Sprachkurse", "Lange Wartezeiten bei der Anerkennung der Abschlüsse",
    "Teilzeitausbildung wird kaum angeboten", "Schlechte Busverbindungen auf dem Land",
    "Die Abstimmung zwischen Jobcenter und Beratungsstellen", "Arbeitgeber kennen die Förderprogramme nicht",
    "Mehr Mentoring durch Frauen, die es schon geschafft haben", "Die kurzen Wege im Netzwerk sind eine Stärke",
]


def _answer_ready_set(rng: random.Random, meeting: Meeting, people: list[Registration]) -> None:
    """The ready set of questions, answered by about four in five (with its own random numbers, so the rest
    of the demo stays as it was)."""
    for question in add_ready_set(meeting):
        for person in people:
            if rng.random() < 0.2:
                continue
            if question.kind == "multiple":
                value = rng.sample(question.options, rng.randint(1, 3))
            elif question.kind == "single":
                value = rng.choice(question.options)
            else:
                value = rng.choice(DEMO_TEXTS)
            person.answers.append(Answer(question=question, value=value))
