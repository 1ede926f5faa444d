"""The outbox: every mail is a row first, then sent exactly once by a worker.

- ``queue`` stores a rendered mail (optionally under a ``dedupe_key``, which
  makes queueing the same reminder or schedule twice impossible).
- ``deliver_due`` sends what is due: each row is *claimed* with one atomic
  ``UPDATE … WHERE status='queued'`` (so two workers never send the same row),
  sent over one SMTP connection per batch and marked ``sent`` right after the
  server accepted it. A failure puts the row back with a growing delay
  (30 s · 2^attempts, at most an hour) and its reason; after
  ``MAIL_MAX_ATTEMPTS`` it is ``failed`` and shown to the organiser.
- A row a crashed worker left in ``sending`` is taken up again once its lease
  (``next_attempt_at`` while sending) has run out. The Message-ID stays the
  same on every attempt.
- ``kick`` starts delivery in the background after a commit: in-process
  thread by default, RQ with ``REDIS_URL``, or at once with
  ``MAIL_DELIVERY = "inline"`` (tests).
"""
from __future__ import annotations

import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select, update

from netzwerktreffen.mail import message as mail
from netzwerktreffen.core.text import one_line
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (FAILED, QUEUED, SENDING, SENT, Meeting, OutboxMessage, PlanVersion,
                                        Registration, utcnow)
from netzwerktreffen.core.worker import enqueue
from netzwerktreffen.web.common import MAX_ID

log = logging.getLogger(__name__)

STATUSES = (QUEUED, SENDING, SENT, FAILED)
BATCH_SIZE = 500
BACKOFF_BASE = 30  # seconds
BACKOFF_CAP = 3600
MAX_ATTEMPTS = 8
LEASE_SECONDS = 300  # a row 'sending' for longer than this belonged to a crashed worker


def _setting(name: str, default):
    return current_app.config.get(name, default)


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after ``attempts`` failed ones: 30 s, 60 s, 120 s … at most an hour."""
    base = _setting("MAIL_BACKOFF_SECONDS", BACKOFF_BASE)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), BACKOFF_CAP))


# --------------------------------------------------------------------------
# Queueing


def is_queued(dedupe_key: str) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


def is_undeliverable(address: str) -> bool:
    domain = address.strip().rpartition("@")[2].lower().rstrip(".")
    return domain == "invalid" or domain.endswith(".invalid")


def queue(kind: str, to_email: str, to_name: str, rendered: mail.Rendered, *,
          meeting: Meeting | None = None, registration: Registration | None = None,
          dedupe_key: str | None = None, attachments: list[dict] | None = None,
          plan_version: PlanVersion | None = None) -> OutboxMessage | None:
    """Add a mail to the outbox (not committed); ``plan_version``: the plan whose rounds the mail carries.

    None when ``dedupe_key`` was queued before, or when the address can never
    be delivered (the reserved ``.invalid`` domain, e.g. walk-ins without one).
    """
    if dedupe_key and is_queued(dedupe_key):
        return None
    if is_undeliverable(to_email):
        return None
    row = OutboxMessage(
        meeting=meeting, registration=registration, plan_version_id=plan_version.id if plan_version else None,
        kind=kind, dedupe_key=dedupe_key,
        to_email=to_email.strip(), to_name=one_line(to_name)[:200], subject=rendered.subject[:500],
        body_text=rendered.text, body_html=rendered.html, attachments=attachments or [],
        message_id=mail.new_message_id(), status=QUEUED, attempts=0, next_attempt_at=utcnow(), last_error="")
    db.session.add(row)
    db.session.flush()
    return row


def retry(rows: list[OutboxMessage]) -> int:
    """The organiser tries failed (or waiting) mails again now."""
    count = 0
    for row in rows:
        if row.status in (FAILED, QUEUED):
            row.status, row.next_attempt_at = QUEUED, utcnow()
            row.attempts = min(row.attempts, _setting("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS) - 1)
            count += 1
    db.session.commit()
    return count


def retry_of(meeting: Meeting, message_id: int | None = None) -> int:
    """The meeting's failed and waiting mails (or the one of them with ``message_id``) tried again now."""
    query = select(OutboxMessage).where(OutboxMessage.meeting_id == meeting.id,
                                        OutboxMessage.status.in_((FAILED, QUEUED)))
    if message_id is not None:
        if not 0 < message_id <= MAX_ID:
            return 0
        query = query.where(OutboxMessage.id == message_id)
    count = retry(list(db.session.scalars(query)))
    kick()
    return count


def newest(meeting: Meeting, status: str | None = None, limit: int = 200) -> list[OutboxMessage]:
    """The meeting's newest mails (only those with ``status``, when given), newest first."""
    query = select(OutboxMessage).where(OutboxMessage.meeting_id == meeting.id)
    if status:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


# --------------------------------------------------------------------------
# Sending


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0  # given up for good in this run
    retrying: int = 0  # failed this time, will be tried again
    recovered: int = 0  # rows of crashed workers taken up again
    stopped: str = ""  # why the batch stopped early (SMTP server unreachable)


def recover_stale(now: datetime | None = None) -> int:
    """Put rows that a crashed worker left in 'sending' back into the queue once their lease ran out."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.status == SENDING, OutboxMessage.next_attempt_at < now)
        .values(status=QUEUED, last_error="Versand wurde unterbrochen (Worker beendet); neuer Versuch.")
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def due_ids(now: datetime, limit: int, ids: list[int] | None = None) -> list[int]:
    query = (select(OutboxMessage.id).where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(limit))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    return list(db.session.scalars(query))


def claim(row_id: int, now: datetime) -> bool:
    """Take one row for sending; False when another worker was quicker."""
    return claim_many([row_id], now) == [row_id]


def claim_many(row_ids: list[int], now: datetime) -> list[int]:
    """Take the rows that are still queued and due, in one atomic UPDATE … RETURNING; returns their ids.

    A row another worker took first is not returned. The claimed rows hold a lease
    (``next_attempt_at`` while 'sending'); after it a crashed worker's rows go back to the queue.
    """
    lease = timedelta(seconds=_setting("MAIL_LEASE_SECONDS", LEASE_SECONDS))
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(row_ids), OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=utcnow() + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False))
    claimed = set(result.scalars())
    db.session.commit()
    return [row_id for row_id in row_ids if row_id in claimed]


def release(row_ids: list[int], delay: timedelta = timedelta(0), reason: str = "") -> None:
    """Give claimed rows back unsent, without counting the attempt."""
    if not row_ids:
        return
    values = {"status": QUEUED, "attempts": OutboxMessage.attempts - 1, "next_attempt_at": utcnow() + delay}
    if reason:
        values["last_error"] = reason[:2000]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(row_ids), OutboxMessage.status == SENDING)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _finish(row_id: int, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status == SENDING)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _failed(row_id: int, attempts: int, error: BaseException | str) -> str:
    """Back into the queue with backoff, or failed for good; returns the new status."""
    reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    give_up = attempts >= _setting("MAIL_MAX_ATTEMPTS", MAX_ATTEMPTS)
    status = FAILED if give_up else QUEUED
    _finish(row_id, status=status, last_error=reason[:2000], next_attempt_at=utcnow() + backoff(attempts))
    return status


def deliver_due(limit: int | None = None, now: datetime | None = None, ids: list[int] | None = None) -> Delivery:
    """Send every due mail (oldest first) over one connection. Safe to run in several workers at once.

    Rows are claimed in chunks of ``CLAIM_CHUNK`` (one commit for the chunk) and each is marked
    sent right after the server accepted it. A chunk whose lease is half over is given back.
    """
    now = now or utcnow()
    result = Delivery(recovered=recover_stale(now))
    pending = due_ids(now, limit or BATCH_SIZE, ids)
    if not pending:
        return result
    lease_seconds = _setting("MAIL_LEASE_SECONDS", LEASE_SECONDS)
    with mail.transport() as carrier:
        for start in range(0, len(pending), CLAIM_CHUNK):
            claimed = claim_many(pending[start:start + CLAIM_CHUNK], now)
            claimed_at = time.monotonic()
            for position, row_id in enumerate(claimed):
                if time.monotonic() - claimed_at > lease_seconds / 2:
                    release(claimed[position:])  # no other worker may take them over while we still send
                    break
                outcome = _send_one(carrier, row_id, result)
                if outcome == "down":
                    rest = claimed[position + 1:] + pending[start + CLAIM_CHUNK:]
                    release(claimed[position + 1:], backoff(1), result.stopped)
                    _postpone(rest, result.stopped)
                    log.warning("SMTP server unreachable, batch stopped: %s", result.stopped)
                    return result
    return result


CLAIM_CHUNK = 25


def _postpone(row_ids: list[int], reason: str) -> None:
    """The SMTP server is down: the rest of the batch waits as long, instead of one connection attempt each."""
    if not row_ids:
        return
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(row_ids), OutboxMessage.status == QUEUED)
        .values(next_attempt_at=utcnow() + backoff(1), last_error=reason[:2000])
        .execution_options(synchronize_session=False))
    db.session.commit()


def _send_one(carrier, row_id: int, result: Delivery) -> str:
    """Send one claimed row and record the outcome: 'sent', 'retry', 'failed' or 'down'."""
    row = db.session.get(OutboxMessage, row_id, populate_existing=True)
    try:
        message = mail.build_message(row)
    except Exception as error:  # a row that cannot become a message will never send
        log.exception("outbox row %s cannot be built", row_id)
        _finish(row_id, status=FAILED, last_error=f"{type(error).__name__}: {error}"[:2000])
        result.failed += 1
        return "failed"
    attempts = row.attempts
    try:
        carrier.send(message)
    except mail.TransportDown as error:
        # not sent at all: back without counting this as an attempt
        result.stopped = str(error)
        result.retrying += 1
        release([row_id], backoff(max(attempts, 1)), str(error))
        return "down"
    except smtplib.SMTPNotSupportedError:  # an address with umlauts before the @, and no SMTPUTF8: never
        _finish(row_id, status=FAILED, last_error=mail.SMTPUTF8_REFUSED)
        result.failed += 1
        return "failed"
    except (smtplib.SMTPException, OSError) as error:
        log.warning("mail %s to %s failed: %s", row_id, row.to_email, error)
        if _failed(row_id, attempts, error) == FAILED:
            result.failed += 1
            return "failed"
        result.retrying += 1
        return "retry"
    _finish(row_id, status=SENT, sent_at=utcnow(), last_error="")
    result.sent += 1
    return "sent"


def next_due() -> datetime | None:
    """When the earliest waiting mail is due (or a stuck 'sending' row can be recovered)."""
    return db.session.scalar(select(func.min(OutboxMessage.next_attempt_at))
                             .where(OutboxMessage.status.in_((QUEUED, SENDING))))


def counts(meeting: Meeting) -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count(OutboxMessage.id))
                              .where(OutboxMessage.meeting_id == meeting.id).group_by(OutboxMessage.status))
    found = {status: 0 for status in STATUSES}
    found.update({status: number for status, number in rows})
    return found


# --------------------------------------------------------------------------
# Background delivery


def deliver_task() -> dict:
    """The worker's job: send what is due; in-process, come back when a retry falls due."""
    result = deliver_due()
    if not current_app.config.get("REDIS_URL"):
        _retry_later(current_app._get_current_object())
    return result.__dict__


_timer: threading.Timer | None = None
_timer_lock = threading.Lock()


def _retry_later(app: Flask) -> None:
    """In-process mode: one timer that kicks delivery again when the next retry is due."""
    global _timer
    due = next_due()
    if due is None:
        return
    delay = max((due - utcnow()).total_seconds(), 0) + 1
    with _timer_lock:
        if _timer is not None and _timer.is_alive():
            return
        _timer = threading.Timer(min(delay, BACKOFF_CAP), _kick_app, args=(app,))
        _timer.daemon = True
        _timer.start()


def _kick_app(app: Flask) -> None:
    global _timer
    with _timer_lock:
        _timer = None
    with app.app_context():
        kick()


def kick() -> None:
    """Start sending in the background (call after committing queued rows). Never raises."""
    mode = current_app.config.get("MAIL_DELIVERY", "background")
    try:
        if mode == "inline":
            deliver_due()
        elif mode == "background":
            enqueue("netzwerktreffen.tasks.deliver_mail", timeout=1800)
        # "manual": a cron job or ``flask send-mail`` sends
    except Exception:  # the mail stays queued; the next run sends it
        log.exception("could not start mail delivery")


def send_and_wait(ids: list[int], timeout: float = 120.0, poll: float = 0.5) -> dict[str, int]:
    """Deliver these rows now (or let the RQ worker do it) and wait until each is sent or failed.

    Returns how many are sent, failed and still waiting (in backoff when the time ran out).
    """
    deadline = time.monotonic() + timeout
    use_worker = bool(current_app.config.get("REDIS_URL"))
    if use_worker:
        kick()
    while True:
        if not use_worker:
            deliver_due(ids=ids)
        db.session.expire_all()
        states = dict(db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).where(OutboxMessage.id.in_(ids))
            .group_by(OutboxMessage.status)).all())
        open_ = states.get(QUEUED, 0) + states.get(SENDING, 0)
        if not open_ or time.monotonic() >= deadline:
            return {"sent": states.get(SENT, 0), "failed": states.get(FAILED, 0), "waiting": open_}
        time.sleep(poll if use_worker else min(poll * 4, max(deadline - time.monotonic(), 0)))
