"""Large print-outs in the background, so that no web request waits for WeasyPrint.

The web request renders a document's HTML (seconds at most, and it knows the address people reach the app
at). A document of at most ``SYNC_SHEETS`` sheets is turned into a PDF at once; a larger one (300 slips or
badges take a minute or more) becomes a print job: a folder ``PRINT_DIR/<job id>/`` (default
``instance/print``) with the HTML, ``status.json`` and at the end the PDF. The task
``netzwerktreffen.tasks.make_print`` (the web process's worker thread, or ``flask worker`` with Redis: it
must see the same instance folder) makes the PDF in pieces of 20 sheets and writes its progress after each.
The job page reloads itself (no JavaScript) until the download is ready. A PDF is deleted when it has been
downloaded, every job after ``KEEP_HOURS`` (the sweep, and each new job); a job whose progress has not moved
for ``STALE_SECONDS`` belonged to a process that ended and is reported as interrupted.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from netzwerktreffen.core.models import Meeting
from netzwerktreffen.core.worker import enqueue
from netzwerktreffen.day.printing import CHUNK_PAGES, merge_pdfs, split_pages
from netzwerktreffen.web.pdf import html_to_pdf

log = logging.getLogger(__name__)

MAKE_PRINT = "netzwerktreffen.tasks.make_print"
SYNC_SHEETS = CHUNK_PAGES  # up to this many sheets the PDF is made within the request (a few seconds)
KEEP_HOURS = 24
STALE_SECONDS = 600  # no progress for this long: the process making the PDF has ended
TIMEOUT_SECONDS = 3600  # an RQ worker gives a print job this long
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def sheets(html: str) -> int:
    """How many sheets a print-out has (each is a ``<section class="page …">``)."""
    return html.count('<section class="page')


@dataclass
class PrintJob:
    id: str
    meeting_id: int
    filename: str  # the name of the download
    status: str
    title: str = ""  # what is printed ("Namensschilder …"), in the organiser's language
    done: int = 0  # pieces made
    total: int = 1
    sheets: int = 0
    error: str = ""
    updated: float = 0.0  # time.time() of the last progress

    @property
    def percent(self) -> int:
        return 100 if self.status == DONE else int(100 * self.done / max(self.total, 1))

    @property
    def active(self) -> bool:
        return self.status in (QUEUED, RUNNING)


def _root() -> Path:
    return Path(current_app.config.get("PRINT_DIR") or Path(current_app.instance_path) / "print")


def _folder(job_id: str) -> Path:
    if not _JOB_ID.match(job_id or ""):
        raise KeyError(job_id)
    return _root() / job_id


def _write(folder: Path, job: PrintJob) -> None:
    job.updated = time.time()
    partial = folder / "status.json.part"
    partial.write_text(json.dumps(job.__dict__), encoding="utf-8")
    os.replace(partial, folder / "status.json")  # readers see the old or the new status, never half of one


def _read(job_id: str) -> PrintJob | None:
    try:
        return PrintJob(**json.loads((_folder(job_id) / "status.json").read_text(encoding="utf-8")))
    except (KeyError, OSError, ValueError, TypeError):
        return None


def make(meeting: Meeting, html: str, filename: str, title: str = "") -> bytes | PrintJob:
    """The PDF of a print-out when it is small (made now), else the print job that makes it."""
    if sheets(html) <= SYNC_SHEETS:
        return html_to_pdf(html)
    return start(meeting, html, filename, title)


def start(meeting: Meeting, html: str, filename: str, title: str = "") -> PrintJob:
    """Keep the HTML of a large print-out and queue the making of its PDF; returns at once."""
    remove_expired()
    job = PrintJob(id=uuid.uuid4().hex, meeting_id=meeting.id, filename=filename, status=QUEUED, title=title,
                   total=len(split_pages(html)), sheets=sheets(html))
    folder = _folder(job.id)
    folder.mkdir(parents=True)
    (folder / "document.html").write_text(html, encoding="utf-8")
    _write(folder, job)
    try:
        enqueue(MAKE_PRINT, job.id, timeout=TIMEOUT_SECONDS, job_id=f"print-{job.id}")
    except Exception as error:  # noqa: BLE001 - Redis refused: make it in this process rather than never
        log.warning("print job %s: the queue refused it (%s: %s); making it in this process", job.id,
                    type(error).__name__, error)
        enqueue(MAKE_PRINT, job.id, in_process=True)
    return job


def run(job_id: str) -> None:
    """The task: the PDF in pieces of ``CHUNK_PAGES`` sheets, the progress written after each piece."""
    job = _read(job_id)
    if job is None or job.status != QUEUED:
        return
    folder = _folder(job_id)
    job.status = RUNNING
    _write(folder, job)
    try:
        pieces = split_pages((folder / "document.html").read_text(encoding="utf-8"))
        job.total, pdfs = len(pieces), []
        for piece in pieces:
            pdfs.append(html_to_pdf(piece))
            job.done += 1
            _write(folder, job)
        partial = folder / "document.pdf.part"
        partial.write_bytes(merge_pdfs(pdfs))
        os.replace(partial, folder / "document.pdf")
        (folder / "document.html").unlink()
        job.status = DONE
    except Exception:  # noqa: BLE001 - whatever broke, the page must say so instead of waiting forever
        log.exception("print job %s failed", job_id)
        if not folder.exists():  # removed meanwhile (expired): nothing to report
            return
        job.status, job.error = FAILED, _("Das PDF konnte nicht erstellt werden. Bitte versuchen Sie es noch "
                                          "einmal.")
    _write(folder, job)


def get(meeting: Meeting, job_id: str) -> PrintJob | None:
    """The meeting's print job (None for an unknown, expired or another meeting's job); a job that has not
    moved for ``STALE_SECONDS`` is reported as interrupted."""
    job = _read(job_id)
    if job is None or job.meeting_id != meeting.id:
        return None
    if job.active and time.time() - job.updated > STALE_SECONDS:
        job.status, job.error = FAILED, _("Das Erstellen wurde unterbrochen (der Server wurde neu gestartet). "
                                          "Bitte erstellen Sie das PDF noch einmal.")
    return job


def take(meeting: Meeting, job_id: str) -> tuple[PrintJob, bytes] | None:
    """The finished PDF, deleted from the server as it is handed out (None when it is not (any more) there)."""
    job = get(meeting, job_id)
    if job is None or job.status != DONE:
        return None
    folder = _folder(job_id)
    try:
        pdf = (folder / "document.pdf").read_bytes()
    except OSError:
        return None
    shutil.rmtree(folder, ignore_errors=True)
    return job, pdf


def remove_expired(hours: float = KEEP_HOURS) -> int:
    """Delete the print jobs older than ``hours`` (their PDFs hold personal data); returns how many."""
    root = _root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - hours * 3600
    removed = 0
    for folder in root.iterdir():
        try:
            if _JOB_ID.match(folder.name) and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
