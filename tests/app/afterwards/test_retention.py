"""Personal data is deleted when the retention period ends, and nothing of it is left behind."""
from __future__ import annotations

from datetime import date, timedelta

import json

from sqlalchemy import JSON, String, Text, select

from netzwerktreffen import jobs
from netzwerktreffen.afterwards import retention
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.i18n import local_now
from netzwerktreffen.core.coverage import set_must_meet
from netzwerktreffen.core.models import (CafeChoice, Meeting, OutboxMessage, PlanLock, PlanVersion, Registration,
                                    registration_blocks)

NAMES = ["Zarah Löschmann", "Piotr Vergessen", "Amina Fristende", "Jonas Aufbewahr", "Lea Dsgvo", "Omar Tilgung"]


def texts_in_database() -> str:
    """Every text and JSON value of every table (plans, instances, mail attachments), as one string."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if columns:
            for row in db.session.execute(select(*columns)):
                found += [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in row if v]
    return "\n".join(found)


def berlin_today() -> date:
    return local_now().date()


def past_meeting(published_meeting, slug="vorbei", days_ago=100, names=NAMES):
    """A published meeting held ``days_ago`` days ago (retention 90 days), with mails, a choice and a lock."""
    meeting = published_meeting(slug=slug, names=names)
    meeting.date = berlin_today() - timedelta(days=days_ago)
    people = sorted(meeting.registrations, key=lambda r: r.id)
    cafe = meeting.blocks[1]
    people[2].cafe_choices.append(CafeChoice(cafe_table=cafe.cafe_tables[1], rank=0))
    set_must_meet(people[3], "Wunschperson Unbedingtgetroffen")
    db.session.add(PlanLock(block=meeting.blocks[0], round=0, registration=people[0], other=people[1]))
    cafe.cafe_tables[1].host_name = "Gast-Gastgeberin Ohnekonto"
    cafe.cafe_tables[0].harvest_notes = ["Kita-Plätze fehlen"]
    cafe.cafe_tables[0].harvest_author = people[0].name
    db.session.commit()
    assert len(schedule_mail.queue_schedules(meeting, kick_delivery=False)) == 6  # with names in the .ics
    return meeting


def test_due_meetings_are_purged_completely_and_others_are_kept(app, published_meeting, outbox):
    meeting = past_meeting(published_meeting)
    kept = published_meeting(slug="kommt-noch")  # next month: its people stay
    schedule_mail.queue_schedules(kept, kick_delivery=False)
    files_before = len(outbox())  # schedule mails of both meetings, written as .eml files
    assert files_before == 12
    assert "Zarah Löschmann" in texts_in_database()
    meeting_id, kept_id = meeting.id, kept.id
    token = meeting.registrations[0].token

    done = retention.purge_due()

    assert [(m.slug, p.registrations, p.plan_versions) for m, p in done] == [("vorbei", 6, 1)]
    assert done[0][1].messages == 6 and done[0][1].files == 6
    everything = texts_in_database()
    for name in NAMES + ["Gast-Gastgeberin Ohnekonto", "Wunschperson Unbedingtgetroffen", token]:
        assert name not in everything
    for model in (Registration, PlanVersion, OutboxMessage):
        assert db.session.scalar(select(db.func.count()).select_from(model).where(model.meeting_id == meeting_id)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(PlanLock)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(CafeChoice)) == 0
    assert db.session.scalar(select(db.func.count()).select_from(registration_blocks)) == 12  # the other meeting: 6 people, 2 blocks
    # the meeting itself stays, with its agenda and the two facts
    purged = db.session.get(Meeting, meeting_id)
    assert purged.purged_at is not None and purged.purged_registrations == 6
    assert [b.title for b in purged.blocks] == ["Speed Networking", "Pro-Action-Café"]
    assert [t.question for t in purged.blocks[1].cafe_tables][0].startswith("Wie gelingt")
    assert purged.blocks[1].cafe_tables[0].harvest_notes == ["Kita-Plätze fehlen"]  # the result stays
    # the other meeting is untouched: people, plan and mail files
    assert len(db.session.get(Meeting, kept_id).registrations) == 6
    assert db.session.scalar(select(db.func.count()).select_from(PlanVersion)
                             .where(PlanVersion.meeting_id == kept_id)) == 1
    assert len(outbox()) == files_before - 6
    assert retention.purge_due() == []  # nothing twice


def test_the_personal_link_is_gone_after_the_purge(client, published_meeting):
    meeting = past_meeting(published_meeting)
    token = meeting.registrations[0].token
    assert client.get(f"/r/{token}").status_code == 200
    retention.purge(meeting)
    assert client.get(f"/r/{token}").status_code == 404


def test_deletion_day_is_meeting_day_plus_retention(app, published_meeting):
    meeting = past_meeting(published_meeting, days_ago=10)
    meeting.retention_days = 30
    db.session.commit()
    day = meeting.date + timedelta(days=30)
    assert retention.deletion_date(meeting) == day
    assert retention.purge_due(on=day - timedelta(days=1)) == []
    assert len(meeting.registrations) == 6
    assert [m.slug for m, _ in retention.purge_due(on=day)] == ["vorbei"]


def test_a_failed_purge_leaves_everything_as_it_was(app, published_meeting, monkeypatch):
    meeting = past_meeting(published_meeting)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(retention, "utcnow", broken)  # fails after every delete has run, before the commit
    try:
        retention.purge(meeting)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the purge should have failed")
    db.session.expire_all()
    assert len(meeting.registrations) == 6 and meeting.purged_at is None
    assert db.session.scalar(select(db.func.count()).select_from(PlanLock)) == 1
    assert "Zarah Löschmann" in texts_in_database()


def test_organiser_deletes_early_only_after_the_meeting(logged_in, published_meeting):
    upcoming = published_meeting(slug="bald")
    page = logged_in.get("/organisation/treffen/bald").get_data(as_text=True)
    deletion = (upcoming.date + timedelta(days=90)).strftime("%d.%m.%Y")
    assert f"Die Anmeldedaten werden am {deletion} gelöscht." in page
    assert "Anmeldedaten jetzt löschen" not in page
    response = logged_in.post("/organisation/treffen/bald/daten-loeschen", follow_redirects=True)
    assert "erst nach dem Treffen" in response.get_data(as_text=True)
    assert len(upcoming.registrations) == 6

    past_meeting(published_meeting, slug="vorbei", days_ago=3)
    page = logged_in.get("/organisation/treffen/vorbei").get_data(as_text=True)
    assert "Anmeldedaten jetzt löschen" in page
    response = logged_in.post("/organisation/treffen/vorbei/daten-loeschen", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Die personenbezogenen Daten von 6 Anmeldungen sind gelöscht" in text
    assert f"Personenbezogene Daten gelöscht am {berlin_today().strftime('%d.%m.%Y')} (6 Anmeldungen)." in text
    assert "Zarah Löschmann" not in texts_in_database()
    again = logged_in.post("/organisation/treffen/vorbei/daten-loeschen", follow_redirects=True)
    assert "schon gelöscht" in again.get_data(as_text=True)
    assert len(upcoming.registrations) == 6


def test_another_organiser_cannot_delete(client, auth, make_organiser, published_meeting):
    past_meeting(published_meeting)
    make_organiser(email="fremd@example.org")
    auth.login(email="fremd@example.org")
    assert client.post("/organisation/treffen/vorbei/daten-loeschen").status_code == 404
    assert "Zarah Löschmann" in texts_in_database()


def test_cli_dry_run_and_purge(runner, published_meeting):
    past_meeting(published_meeting)
    dry = runner.invoke(args=["purge-due", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "vorbei: 6 Anmeldungen" in dry.output and "Probelauf" in dry.output
    assert "Zarah Löschmann" in texts_in_database()
    result = runner.invoke(args=["purge-due"])
    assert result.exit_code == 0, result.output
    assert "vorbei: 6 Anmeldungen, 1 Planversionen, 6 Mails gelöscht." in result.output
    assert "Zarah Löschmann" not in texts_in_database()


def test_the_periodic_sweep_purges(app, published_meeting):
    past_meeting(published_meeting)
    assert jobs.sweep()["purged"] == 1
    assert "Zarah Löschmann" not in texts_in_database()


def test_past_meetings_show_what_is_left_to_do(logged_in, published_meeting):
    past_meeting(published_meeting, days_ago=3)
    page = logged_in.get("/organisation/treffen/vorbei").get_data(as_text=True)
    assert "Nach dem Treffen" in page and "Dankesmail ansehen und senden" in page
    assert "/organisation/treffen/vorbei/ernte/" in page
    logged_in.post("/organisation/treffen/vorbei/daten-loeschen")
    dashboard = logged_in.get("/organisation/").get_data(as_text=True)
    assert f"Anmeldedaten gelöscht am {berlin_today().strftime('%d.%m.%Y')}" in dashboard


def test_no_one_is_added_after_the_purge_and_leftovers_are_purged_too(logged_in, published_meeting,
                                                                      make_registration):
    meeting = past_meeting(published_meeting)
    meeting.registration_closes = None  # no closing date: still closed, the meeting is over
    db.session.commit()
    from netzwerktreffen.registration.service import registration_open
    assert not registration_open(meeting)  # the public form is closed once the meeting is over
    retention.purge(meeting)
    for url in ("/organisation/treffen/vorbei/anmeldungen/neu", "/organisation/treffen/vorbei/anmeldungen/import",
                "/organisation/treffen/vorbei/tag/spontan"):
        response = logged_in.post(url, data={}, follow_redirects=True)
        assert "es lassen sich keine Personen mehr hinzufügen" in response.get_data(as_text=True)
    assert len(db.session.get(Meeting, meeting.id).registrations) == 0
    # should anyone still get in (e.g. straight into the database), the next run deletes them too
    make_registration(meeting, name="Spät Eingetragen", email="spaet@example.org")
    done = retention.purge_due()
    assert [(m.slug, p.registrations) for m, p in done] == [("vorbei", 1)]
    assert db.session.get(Meeting, meeting.id).purged_registrations == 7
    assert "Spät Eingetragen" not in texts_in_database()


def test_a_failing_purge_does_not_stop_the_mail_or_other_meetings(app, published_meeting, monkeypatch, outbox):
    first = past_meeting(published_meeting, slug="kaputt")
    second = past_meeting(published_meeting, slug="geht", names=["Zweite Person"] + NAMES[1:])
    real = retention.purge

    def purge(meeting, **kwargs):
        if meeting.slug == "kaputt":
            raise RuntimeError("disk full")
        return real(meeting, **kwargs)
    monkeypatch.setattr(retention, "purge", purge)
    assert jobs.sweep()["purged"] == 1
    assert db.session.get(Meeting, second.id).purged_at is not None
    assert db.session.get(Meeting, first.id).purged_at is None and len(first.registrations) == 6
    # the mail of the meeting that could not be purged was still delivered
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.meeting_id == first.id, OutboxMessage.status == "sent")) == 6


def test_registration_closes_when_the_meeting_is_over(app, published_meeting):
    from datetime import datetime, time

    from netzwerktreffen.registration.service import registration_open
    meeting = published_meeting()
    meeting.registration_closes = None
    day = meeting.date
    assert registration_open(meeting, now=datetime.combine(day, time(12, 59)))
    assert not registration_open(meeting, now=datetime.combine(day, time(13, 0)))
