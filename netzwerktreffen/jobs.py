"""What runs beside the web requests: the periodic sweep and the RQ worker.

The sweep (every ``MAIL_SWEEP_SECONDS``, 60) queues due reminders, sends what is
due in the outbox (also mail a crashed worker left), deletes the personal
data of meetings whose retention period has ended and print-outs older than a day. Without Redis it runs in a
thread of the web process; with Redis beside ``flask worker``.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from netzwerktreffen.afterwards import retention
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.worker import queue
from netzwerktreffen.day import print_jobs
from netzwerktreffen.mail import outbox, schedules
from netzwerktreffen.web.addresses import NoExternalURL

log = logging.getLogger(__name__)

_sweeper: threading.Thread | None = None
_sweeper_lock = threading.Lock()


def sweep() -> dict:
    """Queue due reminders, send whatever is due, then delete what the retention period allows."""
    try:
        reminders = schedules.send_reminders(kick_delivery=False)
    except NoExternalURL:  # no address for the links yet: the reminders wait, the mail that is due goes out
        db.session.rollback()
        log.warning("reminders not queued: neither BASE_URL nor an organiser's address is known")
        reminders = 0
    result = outbox.deliver_due()
    purged = len(retention.purge_due())  # after sending: a failing deletion must not stop the mail
    print_jobs.remove_expired()  # print-outs nobody downloaded hold personal data: gone after a day
    return {"purged": purged, "reminders": reminders, **result.__dict__}


def start_sweeper(app: Flask, interval: float | None = None) -> threading.Thread:
    """A daemon thread that sweeps every ``MAIL_SWEEP_SECONDS`` (60); once per process."""
    global _sweeper
    with _sweeper_lock:
        if _sweeper is not None and _sweeper.is_alive():
            return _sweeper
        seconds = interval or app.config.get("MAIL_SWEEP_SECONDS", 60)

        def loop():
            while True:
                time.sleep(seconds)
                with app.app_context():
                    try:
                        sweep()
                    except Exception:
                        log.exception("mail sweep failed")
                    finally:
                        db.session.remove()

        _sweeper = threading.Thread(target=loop, name="netzwerktreffen-mail-sweep", daemon=True)
        _sweeper.start()
        return _sweeper


def init_app(app: Flask) -> None:
    """In the web process without Redis, sweep in a thread (started by the first request)."""
    if app.testing or app.config.get("REDIS_URL") or app.config.get("MAIL_DELIVERY", "background") != "background":
        return

    @app.before_request
    def _start_sweeper():
        start_sweeper(app)


def run_worker(app: Flask, burst: bool = False) -> None:
    """``flask worker``: process jobs from Redis until stopped (or until the queue is empty with burst)."""
    from rq import Worker
    if not burst:  # reminders and mail retries are checked every minute beside the RQ worker
        start_sweeper(app)
    Worker([queue(app)], connection=queue(app).connection).work(burst=burst)
