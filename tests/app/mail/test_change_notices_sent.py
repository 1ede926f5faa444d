""""Änderungen mitteilen" compares each person's new rounds with the plan they were actually mailed."""
from __future__ import annotations

from sqlalchemy import select, update

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import FAILED, OutboxMessage, PlanVersion
from netzwerktreffen.mail import schedules as schedule_mail
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning


def people_of(meeting):
    return [scheduling.participant_id(r) for r in sorted(meeting.registrations, key=lambda r: r.id)]


def publish_swap(meeting, base, a, b, round_index=0):
    """A new published version: ``base`` with a and b swapped in a round of speed networking."""
    plan = planning.swap(base.plan, scheduling.block_key(meeting.blocks[0]), round_index, a, b)
    version = planning.store_version(meeting, base.instance, plan, source="manual")
    planning.publish(version)
    return version


def change_recipients(outbox):
    return sorted(m["To"].addresses[0].addr_spec for m in outbox() if "Geänderter Ablauf" in m["Subject"])


def test_notice_compares_with_the_version_that_was_mailed(published_meeting, logged_in, outbox):
    """v1 published and mailed, v2 published but never mailed, v3 published: the notice compares v3 with v1.
    v1 pairs (0,1) (2,3) (4,5) in round 1 and (0,2) (1,4) (3,5) in round 2; v2 swaps 3 and 5 in round 1,
    v3 is v1 with 2 and 4 swapped in round 2. Persons 3 and 5 have the same rounds in v1 and v3 (only v2,
    never mailed, differed): they get nothing. Compared with v2, as before, all six would have been told."""
    meeting = published_meeting()
    v1 = scheduling.published(meeting)
    base = f"/organisation/treffen/{meeting.slug}/post"
    logged_in.post(f"{base}/ablauf-senden")
    assert len(outbox()) == 6
    people = people_of(meeting)
    v2 = publish_swap(meeting, v1, people[3], people[5])
    v3 = publish_swap(meeting, v1, people[2], people[4], round_index=1)
    assert scheduling.previously_published(meeting).id == v2.id
    response = logged_in.post(f"{base}/aenderungen-senden", follow_redirects=True)
    assert "4 Änderungsmitteilungen zu Version 3" in response.get_data(as_text=True)
    assert change_recipients(outbox) == [f"person{k}@example.org" for k in (0, 1, 2, 4)]
    # each notice remembers that its person now has version 3: pressing again tells no one
    sent = schedule_mail.versions_sent(meeting)
    assert {sent[r.id].number for r in meeting.registrations} == {1, 3}
    assert [sent[r.id].number for r in sorted(meeting.registrations, key=lambda r: r.id)] == [3, 3, 3, 1, 3, 1]
    response = logged_in.post(f"{base}/aenderungen-senden", follow_redirects=True)
    assert "0 Änderungsmitteilungen" in response.get_data(as_text=True)
    assert len(change_recipients(outbox)) == 4
    # back to v2's rounds (v4 = v2's plan): 3 and 5 still have v1 (changed now), the others v3 (changed too)
    v4 = planning.store_version(meeting, v2.instance, v2.plan, source="manual")
    planning.publish(v4)
    assert schedule_mail.send_change_notices(meeting, v3.plan, v4.plan, kick_delivery=False) == 6


def test_a_failed_mail_does_not_count_as_sent(published_meeting, outbox):
    """Person 4's change notice to v2 failed for good: the next notice compares with v1, which person 4 has."""
    meeting = published_meeting()
    v1 = scheduling.published(meeting)
    schedule_mail.queue_schedules(meeting)
    people = people_of(meeting)
    v2 = publish_swap(meeting, v1, people[3], people[5])
    assert schedule_mail.send_change_notices(meeting, v1.plan, v2.plan) == 4
    person4 = next(r for r in meeting.registrations if r.email == "person4@example.org")
    db.session.execute(update(OutboxMessage).where(OutboxMessage.registration_id == person4.id,
                                                   OutboxMessage.kind == "change").values(status=FAILED))
    db.session.commit()
    assert schedule_mail.versions_sent(meeting)[person4.id].id == v1.id
    v3 = planning.store_version(meeting, v1.instance, v1.plan, source="manual")  # v1's rounds again
    planning.publish(v3)
    before = len(change_recipients(outbox))
    assert schedule_mail.send_change_notices(meeting, v2.plan, v3.plan) == 3  # 2, 3 and 5 had v2; 4 has v1
    assert len(change_recipients(outbox)) == before + 3


def test_someone_never_mailed_a_plan_gets_the_notice_once_others_were(published_meeting, outbox):
    """Schedules went out, but person 5's mail never did (removed here): the change notice carries their
    rounds, although they are the same as in the version before."""
    meeting = published_meeting()
    v1 = scheduling.published(meeting)
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    person5 = next(r for r in meeting.registrations if r.email == "person5@example.org")
    db.session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.registration_id == person5.id))
    db.session.commit()
    people = people_of(meeting)
    v2 = publish_swap(meeting, v1, people[2], people[4], round_index=1)  # 3 and 5 keep their rounds
    assert schedule_mail.send_change_notices(meeting, v1.plan, v2.plan, kick_delivery=False) == 5
    assert schedule_mail.versions_sent(meeting)[person5.id].id == v2.id


def test_migration_remembers_the_version_of_existing_mails(published_meeting, app):
    """The upgrade reads the version of existing schedule mails from their key, and for change notices and
    reminders takes the version that was published when they were queued."""
    from flask_migrate import downgrade, upgrade
    meeting = published_meeting()
    v1 = scheduling.published(meeting)
    schedule_mail.queue_schedules(meeting, kick_delivery=False)
    people = people_of(meeting)
    v2 = publish_swap(meeting, v1, people[3], people[5])
    schedule_mail.send_change_notices(meeting, v1.plan, v2.plan, kick_delivery=False)
    expected = {row.id: row.plan_version_id for row in db.session.scalars(select(OutboxMessage))}
    assert sorted(set(expected.values())) == [v1.id, v2.id]
    db.session.remove()
    try:
        downgrade(revision="e12d0lang001")
        upgrade()
    finally:
        upgrade()  # never leave the shared test database behind the models
    db.session.remove()
    assert {row.id: row.plan_version_id for row in db.session.scalars(select(OutboxMessage))} == expected
    assert db.session.get(PlanVersion, v2.id).number == 2
