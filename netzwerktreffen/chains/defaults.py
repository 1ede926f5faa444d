"""The two process chains of the Landkreis Stendal (seed report 002), which every new meeting starts with:
every step from arrival to training or work, in order, each with a short description (German, English)."""
from __future__ import annotations

from netzwerktreffen.core.chains import ChainStation, ProcessChain
from netzwerktreffen.core.models import Meeting

# (name, English name, [(station, English, description, English description), ...])
CHAINS = [
    ("Integration von jungen Geflüchteten in Ausbildung", "Integrating young refugees into vocational training", [
        ("Ankunft", "Arrival",
         "Ankommen im Landkreis: Meldung, Unterkunft, erste Orientierung, Jugendhilfe.",
         "Arriving in the district: registration, housing, first orientation, youth welfare."),
        ("Sprache", "Language",
         "Deutsch lernen: Jugendintegrationskurs, Sprachförderung in der Schule.",
         "Learning German: youth integration course, language support at school."),
        ("Schule", "School",
         "Schulpflicht, Berufsvorbereitung an der Berufsschule, Schulabschluss nachholen.",
         "Compulsory schooling, pre-vocational classes, catching up on a school certificate."),
        ("Beratung", "Counselling",
         "Jugendmigrationsdienst, Berufsberatung der Agentur für Arbeit, Jugendberufsagentur.",
         "Youth migration service, careers guidance of the employment agency, youth job agency."),
        ("Berufsorientierung", "Career orientation",
         "Praktika, Berufe kennenlernen, Einstiegsqualifizierung (z. B. BRAFOjG, KAUSA).",
         "Internships, getting to know trades, entry qualification (e.g. BRAFOjG, KAUSA)."),
        ("Ausbildung", "Vocational training",
         "Ausbildungsplatz finden und halten: Betrieb, Kammer, ausbildungsbegleitende Hilfen.",
         "Finding and keeping an apprenticeship: company, chamber, support during training."),
    ]),
    ("Integration von Geflüchteten in Arbeit", "Integrating refugees into work", [
        ("Ankunft", "Arrival",
         "Ankommen im Landkreis: Aufenthalt, Wohnung, erste Orientierung.",
         "Arriving in the district: residence status, housing, first orientation."),
        ("Sprache", "Language",
         "Integrationskurs und berufsbezogene Deutschsprachförderung.",
         "Integration course and job-related German courses."),
        ("Beratung", "Counselling",
         "Migrationsberatung, Jobcenter und Agentur für Arbeit: Profil, Ziele, Förderung.",
         "Migration counselling, job centre and employment agency: profile, goals, funding."),
        ("Anerkennung", "Recognition",
         "Anerkennung ausländischer Abschlüsse: Beratung, Antrag, Bescheid (IQ, IHK, HWK).",
         "Recognition of foreign qualifications: advice, application, decision (IQ, chambers)."),
        ("Qualifizierung", "Qualification",
         "Anpassungsqualifizierung, Weiterbildung, Fachkraft im Fokus.",
         "Bridging courses, further training, skilled-worker programmes."),
        ("Arbeit", "Work",
         "Vermittlung und Einstellung in eine beitragspflichtige Beschäftigung, Begleitung im Betrieb.",
         "Placement and hiring into regular employment, support at the workplace."),
    ]),
]


def add_default_chains(meeting: Meeting) -> None:
    """Give a meeting the two Stendal chains with their stations (without committing)."""
    for position, (name, name_en, stations) in enumerate(CHAINS):
        meeting.chains.append(ProcessChain(name=name, name_en=name_en, position=position, stations=[
            ChainStation(name=station, name_en=station_en, description=text, description_en=text_en, position=k)
            for k, (station, station_en, text, text_en) in enumerate(stations)]))
