"""Shared by the planning tests: ten people from the seeds' sectors, a planned meeting, waiting for a job."""
from __future__ import annotations

from datetime import time as clock

import pytest

from netzwerktreffen.core.extensions import db
from waiting import wait_until
from netzwerktreffen.core.models import CAFE, SPEED, Block, PlanningJob
from netzwerktreffen.planning import jobs

PEOPLE = [  # name, organisation, sector, languages
    ("Anna Weber", "Jobcenter Esslingen", "jobcenter", ["de"]),
    ("Jens Koch", "Jobcenter Esslingen", "jobcenter", ["de", "en"]),
    ("Olena Kovalenko", "VHS Esslingen", "sprachschule", ["de", "uk"]),
    ("Mehmet Kaya", "IHK Region Stuttgart", "kammer", ["de", "tr"]),
    ("Grace Mensah", "Afrikanischer Kulturverein", "migrantenorganisation", ["en"]),
    ("Sabine Wolf", "Caritas MBE", "migrationsberatung", ["de", "en"]),
    ("Tarek Haddad", "Stadt Nürtingen", "kommune", ["de", "ar"]),
    ("Heike Lange", "Pflegeheim Sonnenhof", "arbeitgeber", ["de"]),
    ("Uwe Richter", "BAW Bildung", "bildungstraeger", ["de", "en"]),
    ("Amina Hosseini", "Hochschule Esslingen", "hochschule", ["de", "en", "fa"]),
]


@pytest.fixture
def planned_meeting(make_meeting, make_registration, organiser):
    """A meeting with ten people and one speed-networking block of four rounds."""
    def make(slug="plan", rounds=4, cafe=False, **fields):
        meeting = make_meeting(slug=slug, organisers=[organiser], blocks=False, **fields)
        speed = Block(kind=SPEED, title="Speed Networking", position=0, start_time=clock(10, 0), rounds=rounds,
                      minutes_per_round=6, changeover_minutes=2, group_size=2)
        meeting.blocks.append(speed)
        if cafe:
            meeting.blocks.append(Block(kind=CAFE, title="Café", position=1, start_time=clock(11, 0), rounds=2,
                                        minutes_per_round=20, changeover_minutes=5))
        db.session.commit()
        topics = {t.key: t for t in meeting.topics}
        for k, (name, org, sector, languages) in enumerate(PEOPLE):
            make_registration(meeting, name=name, email=f"person{k}@example.org", organisation=org,
                              sector=sector, languages=languages, blocks=list(meeting.blocks),
                              offers=[topics["berufssprachkurs"]] if sector == "sprachschule" else [],
                              needs=[topics["berufssprachkurs"]] if sector == "jobcenter" else [])
        return meeting
    return make



def wait_for(job_id, seconds=60):
    """The planning job once it has ended (done, failed or stopped)."""
    def ended():
        db.session.expire_all()
        job = db.session.get(PlanningJob, job_id)
        return job if job.status not in jobs.ACTIVE else None
    return wait_until(ended, seconds, "the planning job to end")
