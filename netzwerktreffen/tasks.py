"""The background tasks, by name: ``enqueue("netzwerktreffen.tasks.<name>", *args)``.

Each runs inside an app context, in the worker thread (embedded) or an RQ worker
(``flask worker``). Nobody imports this module: the queue looks tasks up by
their dotted name, so no service depends on the worker and the worker on no
service. Arguments are plain JSON values (ids, numbers, text).
"""
from __future__ import annotations

from netzwerktreffen.accounts import service as accounts
from netzwerktreffen.day import print_jobs
from netzwerktreffen.mail import outbox, schedules
from netzwerktreffen.planning import jobs as planning


def deliver_mail() -> dict:
    """Send what is due in the outbox; in-process, come back when a retry falls due."""
    return outbox.deliver_task()


def run_planning_job(job_id: int) -> None:
    """Solve a planning job: progress into its row, the draft stored at the end."""
    planning.run_job(job_id)


def queue_schedules(meeting_id: int, note: str = "") -> int:
    """The organiser's "send to all": render and queue everyone's schedule, then send."""
    return schedules.queue_schedules_task(meeting_id, note)


def send_password_reset(email: str) -> None:
    """The "Passwort vergessen?" form: a reset link by mail when the address has an account."""
    accounts.request_password_reset(email)


def make_print(job_id: str) -> None:
    """A large print-out: its PDF made from the stored HTML, progress in the job's status file."""
    print_jobs.run(job_id)
