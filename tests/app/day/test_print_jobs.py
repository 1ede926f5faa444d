"""Large print-outs are made in the background: the request answers at once with a job page, the PDF follows."""
from __future__ import annotations

import io
import re

import pytest

pytest.importorskip("weasyprint")
from pypdf import PdfReader  # noqa: E402

from netzwerktreffen.day import print_jobs  # noqa: E402

from day_helpers import make_day_meeting, pdf_pages_text, publish_plan  # noqa: E402
from waiting import wait_until  # noqa: E402


def base(meeting) -> str:
    return f"/organisation/treffen/{meeting.slug}/tag"


def job_page_until_ready(client, location: str) -> str:
    def ready():
        page = client.get(location)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "fehlgeschlagen" not in text and "flash-error" not in text, text
        return text if "PDF herunterladen" in text else None
    return wait_until(ready, seconds=600, what="the PDF of the print job", every=0.5)


def download_link(page: str) -> str:
    return re.search(r'href="([^"]*/drucken/auftrag/[0-9a-f]{32}/[^"]+)"', page).group(1)


def test_a_300_person_badge_print_from_the_web_becomes_a_download(app, logged_in, organiser, tmp_path):
    from netzwerktreffen.core.extensions import db
    from netzwerktreffen.demo import create_demo_meeting
    meeting = create_demo_meeting(participants=300, slug="gross", organiser=organiser)
    db.session.commit()
    response = logged_in.get(f"{base(meeting)}/drucken/namensschilder.pdf")
    assert response.status_code == 303  # at once: no PDF is made within the request
    location = response.headers["Location"]
    assert re.search(r"/tag/drucken/auftrag/[0-9a-f]{32}$", location)
    first = logged_in.get(location).get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in first or "PDF herunterladen" in first  # no JS needed
    assert "Blätter" in first and "gross-namensschilder.pdf" in first
    page = job_page_until_ready(logged_in, location)
    pdf = logged_in.get(download_link(page))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="gross-namensschilder.pdf"' in pdf.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 75  # 300 badges, four a sheet
    text = " ".join(pdf_pages_text(pdf.data))
    assert all(person.name in text for person in meeting.registrations[::37])
    assert not any((tmp_path / "print").iterdir())  # deleted once downloaded


@pytest.fixture
def small_meeting(app, make_meeting, make_registration, organiser):
    return make_day_meeting(make_meeting, make_registration, organiser)


def test_print_job_reports_progress_then_hands_out_the_pdf_once(small_meeting, logged_in, monkeypatch, tmp_path):
    monkeypatch.setattr(print_jobs, "SYNC_SHEETS", 1)  # the three badge sheets count as a large print-out
    response = logged_in.get(f"{base(small_meeting)}/drucken/namensschilder.pdf")
    assert response.status_code == 303
    location = response.headers["Location"]
    page = job_page_until_ready(logged_in, location)
    assert "Das PDF ist fertig (3 Blätter)" in page and "spätestens nach 24 Stunden" in page
    link = download_link(page)
    pdf = logged_in.get(link)
    assert pdf.status_code == 200 and len(PdfReader(io.BytesIO(pdf.data)).pages) == 3
    assert "Anna Weber" in " ".join(pdf_pages_text(pdf.data))
    again = logged_in.get(link)  # deleted from the server as it was handed out
    assert again.status_code == 302
    gone = logged_in.get(location)
    assert gone.status_code == 404 and "Dieses PDF gibt es nicht mehr" in gone.get_data(as_text=True)


def test_small_print_outs_are_made_within_the_request(small_meeting, logged_in):
    response = logged_in.get(f"{base(small_meeting)}/drucken/namensschilder.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_another_meetings_job_and_made_up_ids_are_not_found(small_meeting, logged_in, make_meeting, organiser,
                                                            monkeypatch):
    monkeypatch.setattr(print_jobs, "SYNC_SHEETS", 1)
    other = make_meeting(slug="anderes", organisers=[organiser])
    location = logged_in.get(f"{base(small_meeting)}/drucken/namensschilder.pdf").headers["Location"]
    job_id = location.rsplit("/", 1)[1]
    job_page_until_ready(logged_in, location)
    assert logged_in.get(f"{base(other)}/drucken/auftrag/{job_id}").status_code == 404
    assert logged_in.get(f"{base(other)}/drucken/auftrag/{job_id}/x.pdf").status_code == 302
    assert logged_in.get(f"{base(small_meeting)}/drucken/auftrag/..%2F..%2Fsecret_key").status_code == 404
    assert logged_in.get(f"{base(small_meeting)}/drucken/auftrag/{'0' * 32}").status_code == 404


def test_interrupted_and_expired_print_jobs(small_meeting, app, monkeypatch, tmp_path):
    import json
    import os
    import time
    monkeypatch.setattr(print_jobs, "enqueue", lambda *args, **kwargs: None)  # nobody makes the PDF
    with app.test_request_context():
        job = print_jobs.start(small_meeting, '<section class="page">a</section></body>', "x.pdf")
    assert print_jobs.get(small_meeting, job.id).status == print_jobs.QUEUED
    status = tmp_path / "print" / job.id / "status.json"
    stale = dict(json.loads(status.read_text()), updated=time.time() - print_jobs.STALE_SECONDS - 1)
    status.write_text(json.dumps(stale))
    found = print_jobs.get(small_meeting, job.id)
    assert found.status == print_jobs.FAILED and "unterbrochen" in found.error
    day_ago = time.time() - print_jobs.KEEP_HOURS * 3600 - 60
    os.utime(tmp_path / "print" / job.id, (day_ago, day_ago))
    from netzwerktreffen.jobs import sweep
    sweep()
    assert not (tmp_path / "print" / job.id).exists()


@pytest.mark.slow
def test_browser_job_page_reloads_itself_until_the_download_is_there(small_meeting, live_server, browser_page,
                                                                     organiser, monkeypatch, tmp_path):
    publish_plan(small_meeting)
    monkeypatch.setattr(print_jobs, "SYNC_SHEETS", 1)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.fill("#email", organiser.email)
    page.fill("#password", "richtig-geheim-42")
    page.click("button:has-text('Anmelden')")
    page.goto(f"{live_server}{base(small_meeting)}/#drucken")
    page.screenshot(path=str(tmp_path / "print-section.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.check("input[name=falten][value='1']")
    page.click("button:has-text('PDF erstellen')")  # the tent cards: a print job (monkeypatched threshold)
    assert "/drucken/auftrag/" in page.url
    page.screenshot(path=str(tmp_path / "job.png"), full_page=True)
    link = page.locator("a:has-text('PDF herunterladen')")
    link.wait_for(timeout=120_000)  # the page reloads itself: nobody clicks "reload"
    page.screenshot(path=str(tmp_path / "job-done.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "tag-tischkarten-zum-falten.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")


def test_rq_worker_makes_the_pdf_of_a_print_job(small_meeting, app, logged_in, monkeypatch, database, redis_url,
                                                tmp_path):
    """With REDIS_URL the print job goes to Redis and an RQ worker (the `flask worker` code) makes the PDF."""
    import uuid

    monkeypatch.setattr(print_jobs, "SYNC_SHEETS", 1)
    app.config.update(REDIS_URL=redis_url, RQ_QUEUE=f"test-{uuid.uuid4().hex[:8]}")
    location = logged_in.get(f"{base(small_meeting)}/drucken/namensschilder.pdf").headers["Location"]
    assert "Das PDF wird im Hintergrund erstellt: 0 von 1 Teilen fertig" in logged_in.get(location).get_data(
        as_text=True)  # nothing ran in the web process
    # the worker builds its own app from the environment, like `flask --app netzwerktreffen worker`
    monkeypatch.setenv("DATABASE_URL", database[1])
    monkeypatch.setenv("SECRET_KEY", "test")
    monkeypatch.setenv("PRINT_DIR", str(tmp_path / "print"))
    from netzwerktreffen.jobs import run_worker
    run_worker(app, burst=True)
    page = job_page_until_ready(logged_in, location)
    assert logged_in.get(download_link(page)).data.startswith(b"%PDF")
