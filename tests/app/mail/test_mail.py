"""The outbox: rows first, sent once over SMTP, retried with backoff, shown to the organiser."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dates import berlin_today
from waiting import wait_until
from netzwerktreffen import jobs
from netzwerktreffen.mail import message as mail
from netzwerktreffen.mail import outbox
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import FAILED, QUEUED, SENT, OutboxMessage, utcnow


def rows(**filters) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def register(client, meeting, email="olena@vhs.example", name="Olena Kovalenko"):
    response = client.post(f"/m/{meeting.slug}", data={
        "given_name": name.rpartition(" ")[0], "family_name": name.rpartition(" ")[2], "email": email,
        "organisation": "VHS Esslingen", "sector": str(meeting.sectors[0].id),
        "languages": ["de"], "consent_processing": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)


def message_ids(server) -> list[str]:
    return [m["Message-ID"] for m in server.messages()]


@pytest.mark.parametrize("app_config", [{"MAIL_DELIVERY": "manual"}])
def test_registration_mail_is_a_row_first_then_sent(client, make_meeting, outbox, app_config):
    meeting = make_meeting()
    register(client, meeting)
    [row] = rows()
    assert row.kind == "confirmation" and row.status == QUEUED and row.attempts == 0
    assert row.to_email == "olena@vhs.example" and "Anmeldebestätigung" in row.subject
    assert "Olena Kovalenko" in row.body_text and "<html" in row.body_html
    [message] = outbox()  # the fixture sends what is due
    assert rows()[0].status == SENT and rows()[0].sent_at is not None
    assert message["Message-ID"] == row.message_id
    assert [p.get_content_type() for p in message.walk()][:3] == ["multipart/alternative", "text/plain", "text/html"]


@pytest.mark.parametrize("app_config", [{"MAIL_DELIVERY": "background"}])
def test_public_page_sends_in_the_background_thread(client, make_meeting, app_config, app):
    meeting = make_meeting()
    register(client, meeting)
    wait_until(lambda: rows()[0].status == SENT, what="the confirmation to be sent")
    assert len(list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))) == 1


def test_registration_mail_over_real_smtp(client, make_meeting, smtp_server):
    meeting = make_meeting()
    register(client, meeting)
    [message] = smtp_server.messages()
    assert message["To"].addresses[0].addr_spec == "olena@vhs.example"
    assert message.get_body(("plain",)).get_content().startswith("Guten Tag Olena Kovalenko,")
    assert "Olena Kovalenko" in message.get_body(("html",)).get_content()
    assert rows()[0].status == SENT


def test_one_smtp_connection_for_a_batch(published_meeting, smtp_server, monkeypatch):
    meeting = published_meeting()
    connects = []
    original = mail.SMTPTransport.connect
    monkeypatch.setattr(mail.SMTPTransport, "connect", lambda self: (connects.append(1), original(self))[1])
    ids = schedule_mail.queue_schedules(meeting, kick_delivery=False)
    result = outbox.deliver_due()
    assert result.sent == len(ids) == 6 and len(connects) == 1
    assert sorted(message_ids(smtp_server)) == sorted(r.message_id for r in rows())


def test_smtp_server_down_mid_batch_every_mail_arrives_exactly_once(published_meeting, smtp_server, monkeypatch,
                                                                    logged_in):
    meeting = published_meeting()
    ids = schedule_mail.queue_schedules(meeting, kick_delivery=False)
    original = mail.SMTPTransport.send
    sent = []

    def send_then_crash_server(self, message):
        original(self, message)
        sent.append(message["Message-ID"])
        if len(sent) == 2:
            smtp_server.stop()  # the server goes away with the connection open, mid-batch

    monkeypatch.setattr(mail.SMTPTransport, "send", send_then_crash_server)
    first = outbox.deliver_due()
    assert first.sent == 2 and first.stopped  # the batch stopped when the server was unreachable
    states = [r.status for r in rows()]
    assert states.count(SENT) == 2 and states.count(QUEUED) == 4
    waiting = rows(status=QUEUED)
    assert all(r.last_error and r.next_attempt_at > utcnow() for r in waiting)  # backoff, with the reason
    # the organiser sees the reason
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/post/").get_data(as_text=True)
    assert "Connection refused" in page or "Errno" in page or "Disconnected" in page
    # nothing is due yet: a run now sends nothing
    assert outbox.deliver_due().sent == 0
    smtp_server.start()
    later = outbox.deliver_due(now=utcnow() + timedelta(hours=2))
    assert later.sent == 4
    received = message_ids(smtp_server)
    assert len(received) == len(set(received)) == 6  # each exactly once, before and after the outage
    assert sorted(received) == sorted(sent) == sorted(r.message_id for r in rows())
    assert all(r.status == SENT for r in rows()) and len(ids) == 6


def test_rejected_mail_is_retried_with_backoff_then_failed_and_shown(published_meeting, smtp_server, logged_in,
                                                                     app):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    meeting = published_meeting()
    smtp_server.on_data = lambda envelope: ("451 4.3.0 Mailbox voll" if "person3@" in envelope.rcpt_tos[0]
                                            else None)
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    now = utcnow()
    delays = []
    for attempt in range(3):
        result = outbox.deliver_due(now=now)
        [bad] = [r for r in rows() if r.to_email == "person3@example.org"]
        assert bad.attempts == attempt + 1 and "Mailbox voll" in bad.last_error
        delays.append((bad.next_attempt_at - utcnow()).total_seconds())
        now = bad.next_attempt_at + timedelta(seconds=1)
    assert 25 < delays[0] <= 30 and 55 < delays[1] <= 60  # 30 s · 2^(attempts-1)
    assert bad.status == FAILED and result.failed == 1
    assert len(smtp_server.envelopes) == 5  # the others, once each
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/post/?status=failed").get_data(as_text=True)
    assert "Mailbox voll" in page and "person3@example.org" in page and "fehlgeschlagen" in page
    # the organiser tries again once the mailbox has room
    smtp_server.on_data = None
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/post/erneut")
    assert response.status_code == 302
    assert "1 Mail wird erneut versucht." in logged_in.get(response.location).get_data(as_text=True)
    outbox.deliver_due()
    assert rows(to_email="person3@example.org")[0].status == SENT
    assert len(smtp_server.envelopes) == 6


def test_a_row_is_claimed_once(published_meeting):
    meeting = published_meeting()
    [first, *_] = schedule_mail.queue_schedules(meeting, kick_delivery=False)
    now = utcnow()
    assert outbox.claim(first, now) is True
    assert outbox.claim(first, now) is False  # a second worker gets nothing
    # a crashed worker's row comes back only after its lease
    assert outbox.recover_stale(utcnow()) == 0
    assert outbox.recover_stale(utcnow() + timedelta(minutes=6)) == 1
    assert rows()[0].status == QUEUED and "unterbrochen" in rows()[0].last_error


def test_worker_killed_mid_batch_every_mail_arrives_exactly_once(published_meeting, smtp_server, database, app):
    """A worker process dies while sending (the SMTP server kills it during a DATA); a new one finishes the job."""
    meeting = published_meeting()
    ids = schedule_mail.queue_schedules(meeting, kick_delivery=False)
    env = dict(os.environ, DATABASE_URL=database[1], SECRET_KEY="test", SMTP_HOST="127.0.0.1",
               SMTP_PORT=str(smtp_server.port), SMTP_SECURITY="none", BASE_URL="http://netzwerktreffen.test")
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "netzwerktreffen", "send-mail"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []

    def kill_on_fourth(envelope):
        seen.append(envelope)
        if len(seen) == 4:
            os.kill(worker.pid, signal.SIGKILL)  # the worker dies before the server answers
            return "451 4.3.2 try again later"
        return None

    smtp_server.on_data = kill_on_fourth
    worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL
    states = sorted(r.status for r in rows())
    assert states == sorted([SENT] * 3 + ["sending"] * 3)  # the dead worker's claimed chunk
    smtp_server.on_data = None
    # a restarted worker: the row left in 'sending' is taken up again once its lease ran out
    result = outbox.deliver_due(now=utcnow() + timedelta(minutes=10))
    assert result.recovered == 3 and result.sent == 3
    received = message_ids(smtp_server)
    assert len(received) == len(set(received)) == len(ids) == 6
    assert sorted(received) == sorted(r.message_id for r in rows())


def test_reminders_are_sent_once(frozen_clock, published_meeting, smtp_server, runner):
    from datetime import datetime, time as clock
    meeting = published_meeting()
    meeting.date, meeting.start_time, meeting.reminder_hours = berlin_today() + timedelta(days=1), clock(9, 30), 48
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "6 Erinnerungen" in result.output
    again = runner.invoke(args=["send-reminders"])
    assert "0 Erinnerungen" in again.output
    messages = smtp_server.messages()
    assert len(messages) == 6 and all("Erinnerung" in m["Subject"] for m in messages)
    assert all(any(p.get_content_type() == "text/calendar" for p in m.iter_attachments()) for m in messages)
    # not due: too early, after the start, or switched off
    start = datetime.combine(meeting.date, meeting.start_time)
    assert not schedule_mail.reminder_due(meeting, start - timedelta(hours=49))
    assert schedule_mail.reminder_due(meeting, start - timedelta(hours=47))
    assert not schedule_mail.reminder_due(meeting, start + timedelta(minutes=1))
    meeting.reminder_hours = 0
    assert not schedule_mail.reminder_due(meeting, start - timedelta(hours=1))


def test_send_schedules_command_waits_and_reports(published_meeting, smtp_server, runner):
    meeting = published_meeting()
    result = runner.invoke(args=["send-schedules", meeting.slug, "--note", "Bis bald, {name}!"])
    assert result.exit_code == 0, result.output
    assert "6 Ablauf-Mails" in result.output and "6 gesendet, 0 fehlgeschlagen" in result.output
    assert len(smtp_server.envelopes) == 6
    texts = {m["To"].addresses[0].addr_spec: m.get_body(("plain",)).get_content() for m in smtp_server.messages()}
    assert "Bis bald, Anna Weber!" in texts["person0@example.org"]
    # the same plan version is never sent twice
    again = runner.invoke(args=["send-schedules", meeting.slug])
    assert "0 Ablauf-Mails" in again.output and len(smtp_server.envelopes) == 6
    bad = runner.invoke(args=["send-schedules", meeting.slug, "--note", "{vorname}"])
    assert bad.exit_code != 0 and "{vorname}" in bad.output
    missing = runner.invoke(args=["send-schedules", "gibt-es-nicht"])
    assert missing.exit_code != 0


def test_send_schedules_without_published_plan(make_meeting, runner):
    meeting = make_meeting()
    result = runner.invoke(args=["send-schedules", meeting.slug])
    assert result.exit_code != 0 and "veröffentlichten Plan" in result.output


def test_preview_for_a_chosen_participant_then_send_to_all(published_meeting, logged_in, outbox):
    meeting = published_meeting()
    grace = next(r for r in meeting.registrations if r.name == "Grace Mensah")
    base = f"/organisation/treffen/{meeting.slug}/post"
    page = logged_in.get(f"{base}/vorschau?kind=schedule&person={grace.id}").get_data(as_text=True)
    assert "Ihr persönlicher Ablauf: 3. Netzwerktreffen Migration" in page
    assert "Guten Tag Grace Mensah" in page and "netzwerktreffen-ablauf.ics" in page
    assert "SUMMARY:Speed Networking" in page  # the attachment is shown too
    # placeholders in the organiser's note, resolved for the chosen person
    response = logged_in.post(f"{base}/vorschau", data={
        "kind": "schedule", "person": str(grace.id), "note": "Liebe(r) {name} von {organisation}: {treffen} am {datum}"})
    page = response.get_data(as_text=True)
    assert "Liebe(r) Grace Mensah von Afrikanischer Kulturverein: 3. Netzwerktreffen Migration am" in page
    unknown = logged_in.post(f"{base}/vorschau", data={"kind": "schedule", "person": str(grace.id),
                                                       "note": "Hallo {vorname}"}).get_data(as_text=True)
    assert "Unbekannte Platzhalter: {vorname}" in unknown
    for kind in ("change", "reminder", "confirmation", "waitlisted", "promoted", "cancelled", "link"):
        assert logged_in.get(f"{base}/vorschau?kind={kind}&person={grace.id}").status_code == 200
    assert rows() == []  # a preview stores and sends nothing
    response = logged_in.post(f"{base}/ablauf-senden", data={"note": "Bis bald, {name}"})
    assert response.status_code == 302
    messages = outbox()
    assert len(messages) == 6
    anna = next(m for m in messages if m["To"].addresses[0].addr_spec == "person0@example.org")
    assert "Bis bald, Anna Weber" in anna.get_body(("plain",)).get_content()
    page = logged_in.get(f"{base}/").get_data(as_text=True)
    assert page.count("Ihr persönlicher Ablauf") >= 6
    one = rows()[0]
    detail = logged_in.get(f"{base}/nachricht/{one.id}").get_data(as_text=True)
    assert one.message_id.strip("<>") in detail and one.subject in detail


def test_placeholders_work_in_every_mail_kind(published_meeting):
    meeting = published_meeting()
    person = meeting.registrations[0]
    for kind in ("schedule", "change", "reminder"):
        rendered, _files = schedule_mail.render(kind, person, [], note="{name} · {ort} · {link} · {kalender}")
        for text in (rendered.text, rendered.html):
            assert "Anna Weber · Stadthalle Nürtingen, Heiligkreuzstraße 4, 72622 Nürtingen" in text
            assert f"/r/{person.token}" in text and f"/kalender/{person.feed_token}.ics" in text


def test_mail_in_the_recipients_language(published_meeting):
    meeting = published_meeting(locales=["en"])
    english, _files = schedule_mail.render("schedule", meeting.registrations[0], [])
    german, _files = schedule_mail.render("schedule", meeting.registrations[1], [])
    assert 'lang="en"' in english.html and 'lang="de"' in german.html
    assert english.subject == "Your personal schedule: 3. Netzwerktreffen Migration"
    assert german.subject == "Ihr persönlicher Ablauf: 3. Netzwerktreffen Migration"
    assert "Dear Anna Weber," in english.text and "Guten Tag Olena Kovalenko," in german.text


def test_hostile_names_are_escaped_in_headers_html_and_ical(published_meeting, smtp_server):
    hostile = 'Eve "Evil", Müller; <b>fett</b>\r\nBcc: victim@example.org\nATTENDEE:mailto:x@evil'
    meeting = published_meeting(names=["Anna Weber", hostile])
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    outbox.deliver_due()
    messages = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages()}
    eve = messages["person1@example.org"]
    assert eve["Bcc"] is None and "\n" not in str(eve["To"])
    assert all(e.rcpt_tos == [e.rcpt_tos[0]] for e in smtp_server.envelopes)
    assert "victim@example.org" not in [r for e in smtp_server.envelopes for r in e.rcpt_tos]
    raw_headers = smtp_server.envelopes[[e.rcpt_tos[0] for e in smtp_server.envelopes].index("person1@example.org")] \
        .content.split(b"\r\n\r\n", 1)[0].decode()
    assert "\nBcc:" not in raw_headers and "\nATTENDEE" not in raw_headers
    # the name survives as one display name (Python's parser puts a space where a folded encoded word was split)
    assert "".join(eve["To"].addresses[0].display_name.split()) == "".join(hostile.split())
    # Anna meets Eve in round 1: her mail shows the name escaped in HTML and intact in the text
    anna = messages["person0@example.org"]
    html = anna.get_body(("html",)).get_content()
    assert "<b>fett</b>" not in html and "&lt;b&gt;fett&lt;/b&gt;" in html
    assert 'Eve "Evil", Müller; <b>fett</b> Bcc: victim@example.org ATTENDEE:mailto:x@evil' in \
        anna.get_body(("plain",)).get_content()
    import icalendar
    [attachment] = list(anna.iter_attachments())
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    events = calendar.walk("VEVENT")
    assert all("ATTENDEE" not in event for event in events)
    first = sorted(events, key=lambda e: e.decoded("dtstart"))[0]
    assert 'Eve "Evil", Müller; <b>fett</b> Bcc: victim@example.org ATTENDEE:mailto:x@evil' in str(first["description"])
    raw = attachment.get_content()
    assert "\nATTENDEE" not in raw and "Müller\\;" in raw.replace("\r\n ", "")
    import vobject
    parsed = vobject.readOne(raw)
    assert any("Eve \"Evil\", Müller; <b>fett</b>" in e.description.value for e in parsed.vevent_list)


def test_change_notices_from_the_outbox_page(published_meeting, logged_in, outbox):
    from netzwerktreffen.planning import service as planning
    from netzwerktreffen.planning import scheduler_io as scheduling
    meeting = published_meeting()
    base = f"/organisation/treffen/{meeting.slug}/post"
    page = logged_in.get(f"{base}/").get_data(as_text=True)
    assert "Änderungen mitteilen" not in page  # nothing to compare yet
    before = scheduling.published(meeting)
    people = [scheduling.participant_id(r) for r in sorted(meeting.registrations, key=lambda r: r.id)]
    after = planning.store_version(meeting, before.instance, planning.swap(
        before.plan, scheduling.block_key(meeting.blocks[0]), 0, people[3], people[5]), source="manual")
    planning.publish(after)
    page = logged_in.get(f"{base}/").get_data(as_text=True)
    assert "Änderungen mitteilen" in page
    response = logged_in.post(f"{base}/aenderungen-senden", follow_redirects=True)
    assert "4 Änderungsmitteilungen" in response.get_data(as_text=True)
    assert sorted(m["To"].addresses[0].addr_spec for m in outbox()) == [f"person{k}@example.org" for k in (2, 3, 4, 5)]
    # the meeting's tabs lead here
    assert f'href="{base}/"' in logged_in.get(f"/organisation/treffen/{meeting.slug}").get_data(as_text=True)


def test_rq_worker_sends_the_outbox_with_real_redis(app, published_meeting, smtp_server, monkeypatch, database,
                                                    redis_url):
    """With REDIS_URL, delivery is a job on Redis; the RQ worker (`flask worker`) sends the mails."""
    import uuid
    url = redis_url
    meeting = published_meeting()
    app.config.update(REDIS_URL=url, RQ_QUEUE=f"test-mail-{uuid.uuid4().hex[:8]}", MAIL_DELIVERY="background")
    ids = schedule_mail.queue_schedules(meeting)  # queues the rows and a delivery job on Redis
    assert len(ids) == 6 and smtp_server.envelopes == []  # nothing was sent by the web process
    for key, value in {"DATABASE_URL": database[1], "SECRET_KEY": "test", "SMTP_HOST": "127.0.0.1",
                       "SMTP_PORT": str(smtp_server.port), "SMTP_SECURITY": "none", "REDIS_URL": url}.items():
        monkeypatch.setenv(key, value)
    from netzwerktreffen.jobs import run_worker
    run_worker(app, burst=True)
    assert sorted(message_ids(smtp_server)) == sorted(r.message_id for r in rows())
    assert all(r.status == SENT for r in rows())


@pytest.mark.parametrize("app_config", [{"MAIL_DELIVERY": "background"}])
def test_send_to_all_renders_and_sends_in_the_background(published_meeting, logged_in, app_config, app):
    meeting = published_meeting()
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/post/ablauf-senden", data={"note": ""})
    assert response.status_code == 302
    wait_until(lambda: [r.status for r in rows()] == [SENT] * 6, what="six schedules to be sent")
    assert len(list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))) == 6


def test_send_schedules_reports_mails_still_waiting_when_the_server_is_down(published_meeting, smtp_server, runner):
    meeting = published_meeting()
    smtp_server.stop()
    result = runner.invoke(args=["send-schedules", meeting.slug, "--timeout", "1"])
    assert result.exit_code == 1
    assert "0 gesendet, 0 fehlgeschlagen, 6 warten noch" in result.output
    assert all(r.status == QUEUED and r.attempts == 0 and "127.0.0.1" in r.last_error for r in rows())
    smtp_server.start()
    assert outbox.deliver_due(now=utcnow() + timedelta(minutes=5)).sent == 6


def test_organiser_note_is_escaped_in_html(published_meeting):
    meeting = published_meeting(names=["<img src=x onerror=alert(1)>"])
    rendered, _files = schedule_mail.render("schedule", meeting.registrations[0], [],
                                            note="<script>alert('{name}')</script>")
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<img" not in rendered.html and "&lt;img src=x onerror=alert(1)&gt;" in rendered.html
    assert "<script>alert('<img src=x onerror=alert(1)>')</script>" in rendered.text  # plain text stays text


def test_sweep_queues_due_reminders_and_sends_leftovers(frozen_clock, published_meeting, smtp_server):
    """What the worker does every minute: due reminders, retries, and rows of a crashed worker."""
    from datetime import time as clock
    meeting = published_meeting()
    meeting.date, meeting.start_time, meeting.reminder_hours = berlin_today() + timedelta(days=1), clock(9, 30), 48
    db.session.commit()
    [first, *_rest] = schedule_mail.queue_schedules(meeting, kick_delivery=False)
    outbox.claim(first, utcnow())  # as if a worker died holding it
    result = jobs.sweep()
    assert result["reminders"] == 6 and result["sent"] == 11  # 5 schedules + 6 reminders
    assert rows(id=first)[0].status == "sending"  # still leased
    assert jobs.sweep()["reminders"] == 0


def test_undeliverable_addresses_are_never_queued(app, make_meeting, make_registration):
    """Walk-ins registered without an address get a reserved .invalid one: no mail is queued for it."""
    from sqlalchemy import func
    meeting = make_meeting()
    walk_in = make_registration(meeting, name="Spontan Gekommen", email="walkin-abc@netzwerktreffen.invalid")
    before = db.session.scalar(select(func.count(OutboxMessage.id)))
    from netzwerktreffen.registration.service import notify
    notify(walk_in, "confirmation")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == before
    assert outbox.is_undeliverable("x@invalid") and outbox.is_undeliverable("x@a.INVALID")
    assert not outbox.is_undeliverable("x@example.org")
