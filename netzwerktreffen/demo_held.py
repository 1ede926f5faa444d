"""A demo meeting that has taken place: ``flask demo --held``. It shows what exists only afterwards: the report,
the café's harvest, ideas and feedback, who met whom, and new contacts against the series' earlier meeting.

Two meetings of the series "Netzwerktreffen Migration" are made with the demo's people (``demo``): the 3rd a
quarter of a year ago and the 4th ten days ago, each planned by the optimiser (a short, fixed time; the same
seed gives the same plan) and published. At the 4th, a few people did not come, everyone else was checked in,
the café hosts wrote down their results, and participants suggested topics and gave feedback.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.models import Feedback, Meeting, Organiser, TopicSuggestion
from netzwerktreffen.core.models import utcnow
from netzwerktreffen.demo import create_demo_meeting
from netzwerktreffen.planning import service as planning

SUGGESTIONS = [
    "Anerkennung ausländischer Berufsabschlüsse", "Anerkennung von Berufsabschlüssen",
    "Kinderbetreuung während der Sprachkurse", "Kinderbetreuung und Sprachkurs",
    "Berufssprachkurse für Geflüchtete aus der Ukraine", "Übergang Schule – Ausbildung",
    "Arbeitgeber gewinnen: Praktika und Einstiegsqualifizierung", "Wohnungssuche und Arbeit",
    "Frauen in Arbeit bringen", "Digitale Beratung in mehreren Sprachen",
]
COMMENTS = [
    "Sehr hilfreich, endlich weiß ich, wen ich bei der Anerkennung anrufen kann.",
    "Die Runden waren etwas kurz, sonst super.",
    "Gern öfter – und mit mehr Arbeitgebern.",
    "Das Café hat mir mehr gebracht als die kurzen Runden.",
    "Gute Organisation, danke!",
]
HARVEST = [
    ("Wir verweisen oft ins Leere, weil wir die Zuständigen nicht kennen.",
     "Eine gemeinsame Kontaktliste je Station; kurze Wege per Telefon statt Formular.",
     "Kontaktliste bis Ende des Monats an alle; nächstes Treffen prüft, ob sie genutzt wird."),
    ("Sprachkurse enden, bevor die Arbeit beginnt; danach fehlt Begleitung.",
     "Berufsbezogene Sprachförderung parallel zur Einstiegsqualifizierung.",
     "Jobcenter und Sprachkursträger stimmen Termine ab; Kammer lädt Betriebe ein."),
    ("Anerkennungsverfahren dauern lange, die Menschen verlieren Zeit.",
     "Frühe Beratung schon beim Integrationskurs; Übersetzungen gebündelt beauftragen.",
     "Beratungsstelle bietet monatliche Sprechstunde im Jobcenter an."),
]


def _held_on(meeting: Meeting, days_ago: int, number: int) -> None:
    """Move a fresh demo meeting into the past: its day, the registration period before it, its number."""
    day = local_now().date() - timedelta(days=days_ago)
    meeting.date = day
    meeting.series_number = number
    meeting.registration_opens = datetime.combine(day - timedelta(days=30), time(8, 0))
    meeting.registration_closes = datetime.combine(day - timedelta(days=2), time(23, 59))


def _plan(meeting: Meeting, time_limit: float, seed: int) -> None:
    solved = planning.solve_meeting(meeting, time_limit=time_limit, seed=seed)
    planning.publish(solved.version)


def _afterwards(rng: random.Random, meeting: Meeting) -> None:
    """What happened on the day and after: no-shows, check-in, harvest, suggestions, feedback."""
    now = utcnow()
    hosts = {t.host_id for b in meeting.blocks for t in b.cafe_tables}
    for person in meeting.registrations:
        if person.id not in hosts and rng.random() < 0.06:
            person.no_show = True
        else:
            person.checked_in_at = now - timedelta(days=10)
    for block in meeting.blocks:
        for k, table in enumerate(block.cafe_tables):
            if k % 4 != 3:  # one host in four wrote nothing down
                table.harvest_notes = list(HARVEST[k % len(HARVEST)])
                table.harvest_next_steps = HARVEST[(k + 1) % len(HARVEST)][2]
                table.harvest_author = table.host.name if table.host else ""
                table.harvest_updated_at = now
    came = [p for p in meeting.registrations if not p.no_show]
    for person in rng.sample(came, k=len(came) // 3):
        db.session.add(TopicSuggestion(meeting=meeting, registration=person, text=rng.choice(SUGGESTIONS)))
    for person in rng.sample(came, k=len(came) // 2):
        db.session.add(Feedback(meeting=meeting, registration=person, speed=rng.choice([3, 4, 4, 5, 5]),
                                cafe=rng.choice([3, 4, 5, 5, 5]),
                                comment=rng.choice(COMMENTS) if rng.random() < 0.4 else ""))
    db.session.commit()


def create_held_demo(participants: int = 60, slug: str = "demo-bericht", seed: int = 7,
                     organiser: Organiser | None = None, time_limit: float = 5.0) -> Meeting:
    """The 4th meeting of the series, held ten days ago, and the 3rd a quarter of a year before; committed."""
    earlier = create_demo_meeting(participants, slug=f"{slug}-3", seed=seed, organiser=organiser)
    _held_on(earlier, days_ago=100, number=3)
    db.session.commit()
    _plan(earlier, time_limit, seed)
    meeting = create_demo_meeting(participants, slug=slug, seed=seed, organiser=organiser or earlier.organisers[0])
    _held_on(meeting, days_ago=10, number=4)
    db.session.commit()
    _plan(meeting, time_limit, seed)
    _afterwards(random.Random(seed), meeting)
    return meeting
