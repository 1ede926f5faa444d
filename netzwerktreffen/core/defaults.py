"""Defaults for labour-market integration networks: sectors along the
integration process chain, topics, sector affinities, languages and the
three classic Pro-Action-Café questions."""
from __future__ import annotations

from netzwerktreffen.core.models import Meeting, Sector, SectorAffinity, Topic

# (key, name, colour), in the order of the integration process chain:
# arrival -> language -> counselling -> recognition -> training -> work.
SECTORS = [
    ("kommune", "Kommune", "#6c757d"),
    ("migrantenorganisation", "Migrantenorganisation", "#d63384"),
    ("zivilgesellschaft", "Zivilgesellschaft", "#b36b00"),
    ("migrationsberatung", "Migrationsberatung", "#6f42c1"),
    ("sprachschule", "Sprachschule/VHS", "#0d6efd"),
    ("jobcenter", "Jobcenter", "#dc3545"),
    ("agentur", "Agentur für Arbeit", "#c2185b"),
    ("hochschule", "Hochschule", "#20c997"),
    ("kammer", "IHK/HWK", "#198754"),
    ("bildungstraeger", "Bildungsträger", "#0dcaf0"),
    ("arbeitgeber", "Arbeitgeber", "#fd7e14"),
]

# English names of the default sectors, topics and guiding questions (by their German name): the English
# registration form, pages and mails show them (Sector.name_en, Topic.name_en, Block.guiding_questions_en).
SECTOR_NAMES_EN = {
    "Kommune": "Local authority",
    "Migrantenorganisation": "Migrant organisation",
    "Zivilgesellschaft": "Civil society",
    "Migrationsberatung": "Migration counselling",
    "Sprachschule/VHS": "Language school/adult education centre",
    "Jobcenter": "Job centre",
    "Agentur für Arbeit": "Employment agency",
    "Hochschule": "University",
    "IHK/HWK": "Chamber of commerce/crafts",
    "Bildungsträger": "Training provider",
    "Arbeitgeber": "Employer",
}

# Pairs that are neighbouring stations of the process chain, or that hand
# people over to each other every day. Everything else between different
# sectors counts 1, the same sector 0 (the scheduler's defaults).
AFFINITY = [
    ("kommune", "migrationsberatung", 2.0),
    ("kommune", "migrantenorganisation", 1.5),
    ("migrantenorganisation", "migrationsberatung", 2.0),
    ("migrantenorganisation", "sprachschule", 1.5),
    ("zivilgesellschaft", "migrationsberatung", 1.5),
    ("zivilgesellschaft", "migrantenorganisation", 1.5),
    ("migrationsberatung", "sprachschule", 2.0),
    ("migrationsberatung", "jobcenter", 2.0),
    ("sprachschule", "jobcenter", 2.0),
    ("sprachschule", "agentur", 1.5),
    ("sprachschule", "bildungstraeger", 1.5),
    ("jobcenter", "agentur", 1.5),
    ("jobcenter", "bildungstraeger", 2.0),
    ("jobcenter", "arbeitgeber", 2.0),
    ("agentur", "kammer", 2.0),
    ("agentur", "arbeitgeber", 2.0),
    ("agentur", "hochschule", 1.5),
    ("hochschule", "kammer", 1.5),
    ("hochschule", "arbeitgeber", 2.0),
    ("kammer", "bildungstraeger", 2.0),
    ("kammer", "arbeitgeber", 2.5),
    ("bildungstraeger", "arbeitgeber", 2.0),
]

TOPICS = [
    ("ankommen", "Erstorientierung und Ankommen"),
    ("aufenthaltsrecht", "Aufenthalts- und Arbeitsrecht"),
    ("integrationskurs", "Integrationskurse"),
    ("berufssprachkurs", "Berufsbezogene Deutschsprachförderung"),
    ("kinderbetreuung", "Kinderbetreuung während der Kurse"),
    ("migrationsberatung", "Migrationsberatung (MBE/JMD)"),
    ("sgb2-beratung", "Leistungen und Beratung nach SGB II"),
    ("anerkennung", "Anerkennung ausländischer Abschlüsse"),
    ("qualifizierung", "Anpassungs- und Nachqualifizierung"),
    ("ausbildung", "Ausbildung und Einstiegsqualifizierung"),
    ("studium", "Studium und internationale Studierende"),
    ("arbeitsvermittlung", "Arbeitsvermittlung"),
    ("praktikum", "Praktika und Hospitationen"),
    ("fachkraefte", "Fachkräftegewinnung"),
    ("frauen-beruf", "Berufseinstieg von Frauen und Müttern"),
    ("ehrenamt", "Ehrenamtliche Begleitung"),
    ("vielfalt-betrieb", "Vielfalt und Antidiskriminierung im Betrieb"),
    ("wohnen", "Wohnungssuche"),
]

TOPIC_NAMES_EN = {
    "Erstorientierung und Ankommen": "First orientation and arrival",
    "Aufenthalts- und Arbeitsrecht": "Residence and employment law",
    "Integrationskurse": "Integration courses",
    "Berufsbezogene Deutschsprachförderung": "Job-related German courses",
    "Kinderbetreuung während der Kurse": "Childcare during courses",
    "Migrationsberatung (MBE/JMD)": "Migration counselling (MBE/JMD)",
    "Leistungen und Beratung nach SGB II": "Benefits and counselling under SGB II",
    "Anerkennung ausländischer Abschlüsse": "Recognition of foreign qualifications",
    "Anpassungs- und Nachqualifizierung": "Bridging and further qualification",
    "Ausbildung und Einstiegsqualifizierung": "Vocational training and entry qualification",
    "Studium und internationale Studierende": "University studies and international students",
    "Arbeitsvermittlung": "Job placement",
    "Praktika und Hospitationen": "Internships and job shadowing",
    "Fachkräftegewinnung": "Recruiting skilled workers",
    "Berufseinstieg von Frauen und Müttern": "Women and mothers entering work",
    "Ehrenamtliche Begleitung": "Volunteer mentoring",
    "Vielfalt und Antidiskriminierung im Betrieb": "Diversity and anti-discrimination at work",
    "Wohnungssuche": "Finding a home",
}

# Conversation languages offered on the registration form (ISO 639-1).
LANGUAGES = ["de", "en", "ar", "tr", "ru", "uk", "fa", "fr", "es", "pl", "ro", "ku", "ti", "so", "it", "el"]

GUIDING_QUESTIONS = [
    "Was ist die Frage hinter der Frage?",
    "Was fehlt noch?",
    "Was lerne ich gerade, was sind meine nächsten Schritte, welche Hilfe brauche ich noch?",
]
GUIDING_QUESTIONS_EN = [
    "What is the question behind the question?",
    "What is still missing?",
    "What am I learning right now, what are my next steps, what help do I still need?",
]


def guiding_questions(rounds: int, english: bool = False) -> list[str]:
    """The classic questions for the first three rounds; later rounds repeat the last."""
    questions = GUIDING_QUESTIONS_EN if english else GUIDING_QUESTIONS
    return [questions[min(i, len(questions) - 1)] for i in range(rounds)]


def add_default_catalogue(meeting: Meeting) -> None:
    """Give a new meeting the default sectors, topics and affinity table."""
    by_key = {}
    for position, (key, name, color) in enumerate(SECTORS):
        by_key[key] = Sector(key=key, name=name, name_en=SECTOR_NAMES_EN.get(name, ""), color=color, position=position)
        meeting.sectors.append(by_key[key])
    for key, name in TOPICS:
        meeting.topics.append(Topic(key=key, name=name, name_en=TOPIC_NAMES_EN.get(name, "")))
    for a, b, value in AFFINITY:
        meeting.affinities.append(SectorAffinity(sector_a=by_key[a], sector_b=by_key[b], value=value))
