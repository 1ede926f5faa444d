"""Shared by the tests of issue 7 (print-outs, check-in, re-planning): a small meeting with a published plan."""
from __future__ import annotations

import re
import time
from datetime import time as clock

from netzwerktreffen.planning import service as planning
from netzwerktreffen.day import replanning
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CAFE, SPEED, Block, CafeTable, MeetingTable, Room

PEOPLE = [  # name, organisation, sector, languages
    ("Anna Weber", "Jobcenter Esslingen", "jobcenter", ["de"]),
    ("Jens Koch", "Jobcenter Esslingen", "jobcenter", ["de", "en"]),
    ("Olena Kovalenko", "VHS Esslingen", "sprachschule", ["de", "uk"]),
    ("Mehmet Kaya", "IHK Region Stuttgart", "kammer", ["de", "tr"]),
    ("Grace Mensah", "Afrikanischer Kulturverein", "migrantenorganisation", ["de", "en"]),
    ("Sabine Wolf", "Caritas MBE", "migrationsberatung", ["de", "en"]),
    ("Tarek Haddad", "Stadt Nürtingen", "kommune", ["de", "ar"]),
    ("Heike Lange", "Pflegeheim Sonnenhof", "arbeitgeber", ["de"]),
    ("Uwe Richter", "BAW Bildung", "bildungstraeger", ["de", "en"]),
    ("Amina Hosseini", "Hochschule Esslingen", "hochschule", ["de", "en", "fa"]),
    ("Björn Øster-Müller", "Agentur für Arbeit Göppingen", "agentur", ["de"]),
    ("Zeynep Aydın", "JMD Esslingen", "migrationsberatung", ["de", "tr"]),
]
QUESTIONS = ["Wie gelingt Kinderbetreuung während der Sprachkurse?",
             "Wie werden Abschlüsse schneller anerkannt?"]


def make_day_meeting(make_meeting, make_registration, organiser, slug="tag", rounds=4, tables=4, cafe=True,
                     people=PEOPLE):
    """A meeting with a room whose tables sit at grid positions (fewer tables than spots when
    ``tables`` is small), a speed-networking block and, with ``cafe``, a two-table café."""
    meeting = make_meeting(slug=slug, organisers=[organiser], blocks=False, capacity=len(people) + 2)
    hall = Room(name="Saal", grid_columns=4, grid_rows=3,
                tables=[MeetingTable(number=n, seats=2, grid_x=(n - 1) % 4, grid_y=(n - 1) // 4)
                        for n in range(1, tables + 1)])
    foyer = Room(name="Foyer", grid_columns=3, grid_rows=2,
                 tables=[MeetingTable(number=n, name=f"Café {n}", seats=8, grid_x=n, grid_y=1) for n in (1, 2)])
    meeting.rooms += [hall, foyer]
    meeting.blocks.append(Block(kind=SPEED, title="Speed Networking", position=0, start_time=clock(10, 0),
                                rounds=rounds, minutes_per_round=6, changeover_minutes=2, group_size=2, room=hall))
    if cafe:
        meeting.blocks.append(Block(kind=CAFE, title="Pro-Action-Café", position=1, start_time=clock(11, 0),
                                    rounds=2, minutes_per_round=20, changeover_minutes=5,
                                    guiding_questions=["Was ist die Frage hinter der Frage?", "Was fehlt?"]))
    db.session.commit()
    topics = {t.key: t for t in meeting.topics}
    for k, (name, org, sector, languages) in enumerate(people):
        make_registration(meeting, name=name, email=f"person{k}@example.org", organisation=org, sector=sector,
                          languages=languages, blocks=list(meeting.blocks),
                          offers=[topics["berufssprachkurs"]] if sector == "sprachschule" else [],
                          needs=[topics["berufssprachkurs"]] if sector == "jobcenter" else [])
    if cafe:
        hosts = {r.name: r for r in meeting.registrations}
        cafe_block = meeting.blocks[1]
        for k, (host, question) in enumerate(zip(("Olena Kovalenko", "Mehmet Kaya"), QUESTIONS)):
            cafe_block.cafe_tables.append(CafeTable(position=k, question=question, host=hosts[host],
                                                    table=foyer.tables[k]))
    db.session.commit()
    return meeting


def publish_plan(meeting, seconds: float = 5.0):
    """Plan every block and publish: the scheduler for what it supports, the café built greedily while
    the scheduler cannot plan cafés (a valid plan: hosts at their tables, nobody twice at a table)."""
    instance = scheduling.build_instance(meeting)
    plan, _methods = replanning.solve_blocks(instance, time.monotonic() + seconds)
    version = planning.store_version(meeting, instance, plan, source="optimiser")
    planning.publish(version)
    return version


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def render_pdf(meeting, kind, **options) -> bytes:
    """One print-out as PDF, made as in a web request (links need a request's host)."""
    from flask import current_app

    from netzwerktreffen.day import printing
    with current_app.test_request_context():
        return printing.render_pdf(meeting, kind, **options)


def pdf_pages_text(pdf: bytes) -> list[str]:
    """The text of every page of a PDF, whitespace folded."""
    import io

    from pypdf import PdfReader
    return [flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def rendered_pages(pdf: bytes, folder, dpi: int = 100) -> list:
    """Every page of a PDF as a greyscale PIL image (poppler's pdftoppm; the test skips without it)."""
    import shutil
    import subprocess

    import pytest
    from PIL import Image
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian: poppler-utils) is not installed")
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path), str(folder / "page")], check=True)
    return [Image.open(image).convert("L") for image in sorted(folder.glob("page*.png"))]


def decode_qr_codes(pdf: bytes, folder) -> list[str]:
    """The text of every QR code on every page of a PDF, page by page (zxing-cpp; the test skips without it)."""
    import pytest
    zxingcpp = pytest.importorskip("zxingcpp")
    return [result.text for page in rendered_pages(pdf, folder, dpi=150) for result in zxingcpp.read_barcodes(page)]
