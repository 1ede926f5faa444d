"""Locks on the plan page (issue 11): checked when added, listed and removable, never a 500 when stored
ones go stale; publishing refuses a plan that breaks a lock or a hard rule; moving a person in the café
takes the table as the page shows it."""
from __future__ import annotations

import html
import re
from datetime import time as clock

import pytest
from sqlalchemy import func, select

import scheduler
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning import locks
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.day import replanning
from netzwerktreffen.planning.today import replan_instance
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import (CAFE, CANCELLED, DRAFT, PUBLISHED, SPEED, WAITLISTED, Block, CafeTable,
                                    MeetingTable, PlanLock, PlanVersion, Room)

SPEED_ROUND_0 = [(0, 1), (2, 3), (4, 5)]  # conftest.SPEED_PAIRS[0]: who sits together in round 1


def base(meeting, number=1) -> str:
    return f"/organisation/treffen/{meeting.slug}/plan/v{number}"


def people_of(meeting):
    return sorted(meeting.registrations, key=lambda r: r.id)


def pid(person) -> str:
    return scheduling.participant_id(person)


def page_text(response) -> str:
    """What a person reads: the page without tags, scripts and attribute values, entities decoded."""
    text = response.get_data(as_text=True)
    text = re.sub(r"<script.*?</script>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def lock_count() -> int:
    return db.session.scalar(select(func.count(PlanLock.id)))


def post_lock(client, meeting, **data):
    return client.post(base(meeting) + "/festlegen", data=data, follow_redirects=True)


@pytest.fixture
def meeting(published_meeting):
    return published_meeting()


# --------------------------------------------------------------------------
# 1. a lock is checked when it is added


def test_a_valid_lock_is_stored_and_listed(meeting, logged_in):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    response = post_lock(logged_in, meeting, block=scheduling.block_key(speed), round="1", a=pid(p[0]), b=pid(p[1]))
    text = page_text(response)
    assert response.status_code == 200
    assert "Festgelegt. Die Festlegung gilt auch beim nächsten Neuplanen." in text
    [lock] = db.session.scalars(select(PlanLock)).all()
    assert (lock.block_id, lock.round, lock.registration_id, lock.other_id) == (speed.id, 1, p[0].id, p[1].id)
    # the plan page lists it: block, round counted from 1, names, and that it applies
    assert "Festlegungen" in text
    assert "Anna Weber und Olena Kovalenko zusammen" in text
    section = text[text.index("Festlegungen gelten"):]
    assert re.search(r"Speed Networking Runde Festlegung Status Aktion 2 Anna Weber und Olena Kovalenko "
                     r"zusammen gilt Entfernen", section), section[:400]


def test_a_cafe_lock_takes_the_table_as_shown_and_is_listed(meeting, logged_in):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    response = post_lock(logged_in, meeting, block=scheduling.block_key(cafe), round="0", a=pid(p[2]),
                         target=" Tisch 8 ")
    assert "Festgelegt." in page_text(response)
    [lock] = db.session.scalars(select(PlanLock)).all()
    assert lock.cafe_table == cafe.cafe_tables[1] and lock.round == 0 and lock.registration_id == p[2].id
    text = page_text(response)
    assert "Mehmet Kaya an Tisch 8 Anerkennung beschleunigen – aber wie? gilt" in text


@pytest.mark.parametrize("change, message", [
    (lambda p, speed, cafe: dict(a=pid(p[0]), b=pid(p[0])), "Anna Weber ist mit sich selbst festgelegt."),
    (lambda p, speed, cafe: dict(a=pid(p[0]), b=""), "Bitte wählen Sie eine Person aus der Liste."),
    (lambda p, speed, cafe: dict(a="r2147483648", b=pid(p[1])), "Bitte wählen Sie eine Person aus der Liste."),
    (lambda p, speed, cafe: dict(a="r99999999999999999999", b=pid(p[1])),
     "Bitte wählen Sie eine Person aus der Liste."),
    (lambda p, speed, cafe: dict(a="Anna", b=pid(p[1])), "Bitte wählen Sie eine Person aus der Liste."),
    (lambda p, speed, cafe: dict(round="drei", a=pid(p[0]), b=pid(p[1])), "Bitte wählen Sie eine Runde."),
    (lambda p, speed, cafe: dict(round="3", a=pid(p[0]), b=pid(p[1])),
     "„Speed Networking“ hat die Runden 1 bis 3."),
    (lambda p, speed, cafe: dict(round="-1", a=pid(p[0]), b=pid(p[1])),
     "„Speed Networking“ hat die Runden 1 bis 3."),
    (lambda p, speed, cafe: dict(block="b0", a=pid(p[0]), b=pid(p[1])), "Bitte wählen Sie einen Block des Treffens."),
    (lambda p, speed, cafe: dict(block=scheduling.block_key(cafe), a=pid(p[2]), target="9"),
     "Einen Tisch „9“ gibt es in „Pro-Action-Café“ nicht."),
    (lambda p, speed, cafe: dict(block=scheduling.block_key(cafe), a=pid(p[2]), target=""),
     "Bitte geben Sie den Tisch an"),
])
def test_bad_form_input_gets_a_german_message(meeting, logged_in, change, message):
    speed, cafe = meeting.blocks
    data = dict(block=scheduling.block_key(speed), round="0", target="")
    data.update(change(people_of(meeting), speed, cafe))
    response = post_lock(logged_in, meeting, **data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Nicht festgelegt: " + message in text
    assert lock_count() == 0


def test_people_must_be_registered_confirmed_attending_and_here(meeting, logged_in, published_meeting,
                                                                 make_registration):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    other = published_meeting(slug="anderes")
    stranger = people_of(other)[2]
    key = scheduling.block_key(speed)

    def refused(a, b, message, round_="0"):
        text = page_text(post_lock(logged_in, meeting, block=key, round=round_, a=pid(a), b=pid(b)))
        assert "Nicht festgelegt: " + message in text, text[:600]
        assert lock_count() == 0

    refused(p[0], stranger, "Eine der Personen ist nicht für dieses Treffen angemeldet.")
    p[5].status = CANCELLED
    db.session.commit()
    refused(p[4], p[5], "Tarek Haddad hat abgesagt.")
    p[5].status = WAITLISTED
    db.session.commit()
    refused(p[5], p[4], "Tarek Haddad steht auf der Warteliste.")
    p[4].blocks = [cafe]
    db.session.commit()
    refused(p[3], p[4], "Sabine Wolf nimmt an „Speed Networking“ nicht teil.")
    p[3].no_show = True
    db.session.commit()
    refused(p[2], p[3], "Grace Mensah ist als nicht erschienen vermerkt.")
    # a late arrival (walk-in after round 1 was held) is here from round 2 on; round 1 is over
    speed.rounds_held = 1
    late = make_registration(meeting, name="Lena Spät", email="spaet@example.org", organisation="Kita Sonnenschein",
                             sector="kommune", blocks=[speed, cafe])
    late.walk_in = True
    db.session.commit()
    refused(late, p[0], "Runde 1 ist schon vorbei.")
    response = post_lock(logged_in, meeting, block=key, round="1", a=pid(late), b=pid(p[0]))
    assert "Festgelegt." in page_text(response)
    assert lock_count() == 1


def test_a_pair_that_may_never_meet_cannot_be_locked(meeting, logged_in):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    key = scheduling.block_key(speed)
    p[1].organisation = p[0].organisation  # colleagues
    p[3].not_with = "  mehmet KAYA "  # typed by hand: the instance builder's matching
    p[5].languages = ["en"]
    db.session.commit()
    for a, b, message in [(p[0], p[1], "Anna Weber und Olena Kovalenko arbeiten in derselben Organisation."),
                          (p[2], p[3], "Mehmet Kaya und Grace Mensah sollen nicht zusammensitzen."),
                          (p[4], p[5], "Sabine Wolf und Tarek Haddad haben keine gemeinsame Sprache.")]:
        text = page_text(post_lock(logged_in, meeting, block=key, round="2", a=pid(a), b=pid(b)))
        assert "Nicht festgelegt: " + message in text
    assert lock_count() == 0


def test_locks_of_one_round_must_fit_into_one_group(meeting):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    locks.add_lock(speed, 0, p[0].id, other_id=p[1].id)
    with pytest.raises(PlanningError, match="schon zusammen festgelegt"):
        locks.add_lock(speed, 0, p[1].id, other_id=p[0].id)
    # Anna with Mehmet too would make a group of three; six people in pairs have no such group
    with pytest.raises(PlanningError) as refused:
        locks.add_lock(speed, 0, p[0].id, other_id=p[2].id)
    assert str(refused.value) == ("Mit den übrigen Festlegungen von Runde 1 säßen 3 Personen in einer Gruppe "
                                  "(Anna Weber, Olena Kovalenko und Mehmet Kaya); eine Gruppe hat dort höchstens 2.")
    # meeting twice in one block: never without repeats
    with pytest.raises(PlanningError, match="ein zweites Mal"):
        locks.add_lock(speed, 2, p[0].id, other_id=p[1].id)
    # a locked group that would put colleagues together
    speed.group_size = 3
    p[2].organisation = p[1].organisation
    db.session.commit()
    with pytest.raises(PlanningError, match="säßen Anna Weber, Olena Kovalenko und Mehmet Kaya in einer "
                                                     "Gruppe. Olena Kovalenko und Mehmet Kaya arbeiten in derselben"):
        locks.add_lock(speed, 0, p[0].id, other_id=p[2].id)
    assert lock_count() == 1


def test_cafe_locks_that_can_never_hold_are_refused(meeting):
    speed, cafe = meeting.blocks
    p = people_of(meeting)  # Anna hosts table 7, Olena table 8; four guests, two per table
    first, second = cafe.cafe_tables
    with pytest.raises(PlanningError, match="Anna Weber ist Gastgeberin oder Gastgeber an Tisch 7 und "
                                                     "bleibt dort."):
        locks.add_lock(cafe, 0, p[0].id, cafe_table=second)
    locks.add_lock(cafe, 0, p[2].id, cafe_table=first)
    with pytest.raises(PlanningError, match="Mehmet Kaya ist für Runde 1 schon an Tisch 7 festgelegt und "
                                                     "kann nicht zugleich"):
        locks.add_lock(cafe, 0, p[2].id, cafe_table=second)
    with pytest.raises(PlanningError, match="an jeden Tisch setzt man sich nur einmal"):
        locks.add_lock(cafe, 1, p[2].id, cafe_table=first)
    locks.add_lock(cafe, 0, p[3].id, cafe_table=first)
    with pytest.raises(PlanningError, match="An Tisch 7 wären in Runde 1 3 Gäste festgelegt; dort ist "
                                                     "Platz für höchstens 2."):
        locks.add_lock(cafe, 0, p[4].id, cafe_table=first)
    second.language = "en"
    db.session.commit()
    with pytest.raises(PlanningError, match="Tarek Haddad spricht Englisch nicht, die Sprache von Tisch 8."):
        locks.add_lock(cafe, 1, p[5].id, cafe_table=second)
    foreign = cafe_table_of_another_block(meeting)
    with pytest.raises(PlanningError, match="Diesen Tisch gibt es in „Pro-Action-Café“ nicht."):
        locks.add_lock(cafe, 1, p[5].id, cafe_table=foreign)
    assert lock_count() == 2


def cafe_table_of_another_block(meeting) -> CafeTable:
    """A café table in a second café block of the same meeting."""
    block = Block(kind=CAFE, title="Zweites Café", position=2, start_time=clock(12, 0), rounds=1,
                  minutes_per_round=20, cafe_tables=[CafeTable(question="Anderswo", position=0)])
    meeting.blocks.append(block)
    db.session.commit()
    return block.cafe_tables[0]


# --------------------------------------------------------------------------
# 2. locks stored before the checks (or gone stale) never cause a 500


def stale_locks(meeting):
    """Locks inserted directly, as before the checks: a self-lock, a cancelled person, rounds and tables
    that do not exist, a host at a foreign table, a lock that fits (kept)."""
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    tables = list(cafe.cafe_tables)
    p[5].status = CANCELLED
    db.session.add_all([
        PlanLock(block=speed, round=0, registration=p[0], other=p[0]),
        PlanLock(block=speed, round=1, registration=p[4], other=p[5]),
        PlanLock(block=speed, round=7, registration=p[2], other=p[3]),
        PlanLock(block=speed, round=2, registration=p[1], other=None),
        PlanLock(block=cafe, round=0, registration=p[0], cafe_table=tables[1]),
        PlanLock(block=cafe, round=1, registration=p[2], cafe_table=None),
        PlanLock(block=speed, round=1, registration=p[1], other=p[4]),  # Olena + Sabine: fine, and kept
    ])
    db.session.commit()
    return speed, cafe, p


def test_stale_locks_do_not_break_the_plan_page_and_are_marked(meeting, logged_in):
    stale_locks(meeting)
    response = logged_in.get(base(meeting))
    assert response.status_code == 200
    text = page_text(response)
    for marked in ["Anna Weber und Anna Weber zusammen gilt nicht Anna Weber ist mit sich selbst festgelegt.",
                   "Sabine Wolf und Tarek Haddad zusammen gilt nicht Tarek Haddad hat abgesagt.",
                   "Mehmet Kaya und Grace Mensah zusammen gilt nicht Runde 8 gibt es in „Speed Networking“ nicht.",
                   "gilt nicht Zu dieser Festlegung fehlt die zweite Person.",
                   "Anna Weber an Tisch 8 Anerkennung beschleunigen – aber wie? gilt nicht Anna Weber ist "
                   "Gastgeberin oder Gastgeber an Tisch 7 und bleibt dort.",
                   "Mehmet Kaya an Tisch ? gilt nicht Diesen Tisch gibt es in „Pro-Action-Café“ nicht."]:
        assert marked in text, marked
    assert "Olena Kovalenko und Sabine Wolf zusammen gilt Entfernen" in text
    # the one that applies is checked: the published plan seats Olena with Sabine in round 2 (index 1)
    assert "verletzt Regeln" not in text


def test_stale_locks_are_skipped_by_changes_solving_and_replanning(meeting, logged_in, make_registration):
    speed, cafe, p = stale_locks(meeting)
    version = planning.get_version(meeting, 1)
    instance = locks.current_instance(version)
    scheduler.parse_instance(instance)  # the scheduler accepts it
    speed_locks = next(b for b in instance["blocks"] if b["id"] == scheduling.block_key(speed))["locks"]
    assert speed_locks == [{"round": 1, "together": [pid(p[1]), pid(p[4])]}]
    assert next(b for b in instance["blocks"] if b["id"] == scheduling.block_key(cafe))["locks"] == []
    # a manual change is checked and saved: in round 3, Anna–Grace and Olena–Tarek become Olena–Grace, Anna–Tarek
    data = {"action": "swap", "block": scheduling.block_key(speed), "round": "2", "a": pid(p[0]), "b": pid(p[1])}
    assert logged_in.post(base(meeting) + "/pruefen", data=data).get_json()["violations"] == []
    assert logged_in.post(base(meeting) + "/aendern", data=data).location.endswith("/v2")
    # a change that breaks the lock still applies (Olena and Sabine in round 2) is explained
    data.update(round="1", a=pid(p[4]), b=pid(p[5]))
    messages = [v["message"] for v in logged_in.post(base(meeting) + "/pruefen", data=data).get_json()["violations"]]
    assert ("Speed Networking, Runde 2: Eine Festlegung wird nicht eingehalten (Olena Kovalenko und "
            "Sabine Wolf).") in messages
    # the whole instance (export) and a fresh solve skip the stale locks
    exported = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/instance.json").get_json()
    scheduler.parse_instance(exported)
    assert next(b for b in exported["blocks"] if b["kind"] == SPEED)["locks"] == speed_locks
    make_registration(meeting, name="Lena Neu", email="neu@example.org", organisation="Kita Sonnenschein",
                      blocks=list(meeting.blocks))  # six again in Tarek's place: pairs for everyone
    solved = planning.solve_meeting(meeting, time_limit=5)
    assert solved.version.status == DRAFT
    assert scheduler.check(solved.version.instance, solved.version.plan)["valid"]
    # re-planning on the day (it builds on the published plan) as well
    result = replanning.replan(meeting, {scheduling.block_key(speed): 1}, notify=False)
    assert result.after.status == PUBLISHED


def test_locks_of_people_who_are_not_here_are_skipped_when_replanning(meeting):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    locks.add_lock(speed, 2, p[0].id, other_id=p[4].id)
    locks.add_lock(cafe, 1, p[3].id, cafe_table=cafe.cafe_tables[0])
    p[4].no_show = True  # after the locks were added
    p[3].no_show = True
    db.session.commit()
    instance = replan_instance(meeting, scheduling.published(meeting), {})
    assert all(block["locks"] == [] for block in instance["blocks"])
    scheduler.parse_instance(instance)
    page_locks = locks.version_locks(planning.get_version(meeting, 1))[1]
    reasons = [state.reason for states in page_locks.values() for state in states]
    assert reasons == ["Sabine Wolf ist als nicht erschienen vermerkt.",
                       "Grace Mensah ist als nicht erschienen vermerkt."]


# --------------------------------------------------------------------------
# 3. removing a lock


def test_remove_a_lock(meeting, logged_in, published_meeting):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    lock_id = locks.add_lock(cafe, 1, p[2].id, cafe_table=cafe.cafe_tables[1]).id
    kept = locks.add_lock(speed, 0, p[0].id, other_id=p[1].id).id
    response = logged_in.post(base(meeting) + f"/festlegungen/{lock_id}/entfernen", follow_redirects=True)
    text = page_text(response)
    assert "Die Festlegung von Mehmet Kaya an Tisch 8 in „Pro-Action-Café“, Runde 2 ist entfernt." in text
    assert [lock.id for lock in db.session.scalars(select(PlanLock))] == [kept]
    for bad in [lock_id, 0]:
        response = logged_in.post(base(meeting) + f"/festlegungen/{bad}/entfernen", follow_redirects=True)
        assert response.status_code == 200
        assert "Diese Festlegung gibt es nicht (mehr)." in page_text(response)
    for bad in [2**31, 2**63 + 5]:  # no id is that large: the URL itself is unknown, as for every id in the app
        response = logged_in.post(base(meeting) + f"/festlegungen/{bad}/entfernen", follow_redirects=True)
        assert response.status_code == 404
    assert [lock.id for lock in db.session.scalars(select(PlanLock))] == [kept]
    # a lock of another meeting is not removed from here
    other = published_meeting(slug="nebenan")
    foreign = locks.add_lock(other.blocks[0], 0, people_of(other)[0].id, other_id=people_of(other)[1].id)
    response = logged_in.post(base(meeting) + f"/festlegungen/{foreign.id}/entfernen", follow_redirects=True)
    assert "Diese Festlegung gibt es nicht (mehr)." in page_text(response)
    assert lock_count() == 2


def test_a_self_lock_stored_earlier_can_be_removed(meeting, logged_in):
    speed, cafe, p = stale_locks(meeting)
    self_lock = db.session.scalar(select(PlanLock).where(PlanLock.other_id == PlanLock.registration_id))
    response = logged_in.post(base(meeting) + f"/festlegungen/{self_lock.id}/entfernen", follow_redirects=True)
    assert "Die Festlegung von Anna Weber und Anna Weber in „Speed Networking“, Runde 1 ist entfernt." \
        in page_text(response)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_removing_needs_the_csrf_token(meeting, client, auth, app_config):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    lock = locks.add_lock(speed, 0, p[0].id, other_id=p[1].id)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                      login_page)
    client.post("/login", data={"email": "orga@example.org", "password": "richtig-geheim-42",
                                "csrf_token": next(g for g in token.groups() if g)})
    url = base(meeting) + f"/festlegungen/{lock.id}/entfernen"
    assert client.post(url).status_code == 400
    assert lock_count() == 1
    page = client.get(base(meeting)).get_data(as_text=True)
    form = re.search(r'action="' + re.escape(url) + r'">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                     page)
    response = client.post(url, data={"csrf_token": form.group(1)})
    assert response.status_code == 302
    assert lock_count() == 0


# --------------------------------------------------------------------------
# 4. publishing checks the plan against today's locks and the hard rules


def test_a_draft_that_breaks_a_lock_is_not_published(meeting, logged_in):
    speed, cafe = meeting.blocks
    p = people_of(meeting)
    published = planning.get_version(meeting, 1)
    draft = planning.store_version(meeting, locks.current_instance(published), published.plan, source="manual")
    locks.add_lock(speed, 0, p[0].id, other_id=p[2].id)  # the plan seats Anna with Olena in round 1
    response = logged_in.post(base(meeting, draft.number) + "/veroeffentlichen", follow_redirects=True)
    text = page_text(response)
    assert "Version 2 wurde nicht veröffentlicht, weil sie Regeln verletzt:" in text
    assert ("Speed Networking, Runde 1: Eine Festlegung wird nicht eingehalten (Anna Weber und "
            "Mehmet Kaya).") in text
    db.session.expire_all()
    assert (published.status, draft.status, draft.published_at) == (PUBLISHED, DRAFT, None)
    # once the lock is removed, it is published
    lock = db.session.scalar(select(PlanLock))
    logged_in.post(base(meeting, draft.number) + f"/festlegungen/{lock.id}/entfernen")
    response = logged_in.post(base(meeting, draft.number) + "/veroeffentlichen", follow_redirects=True)
    assert "Version 2 ist jetzt der veröffentlichte Plan." in page_text(response)
    db.session.expire_all()
    assert (published.status, draft.status) == ("superseded", PUBLISHED)


def test_a_draft_that_breaks_a_hard_rule_is_not_published(meeting, logged_in):
    speed, cafe = meeting.blocks
    published = planning.get_version(meeting, 1)
    plan = {"format": scheduling.PLAN_FORMAT, "blocks": [dict(b) for b in published.plan["blocks"]]}
    rounds = plan["blocks"][0]["rounds"]
    plan["blocks"][0] = {"id": plan["blocks"][0]["id"], "rounds": [rounds[0], rounds[0], rounds[2]]}
    broken = PlanVersion(meeting=meeting, number=2, status=DRAFT, source="import", plan=plan,
                         instance=published.instance, score=0.0)
    db.session.add(broken)
    db.session.commit()
    with pytest.raises(PlanningError) as refused:
        planning.publish(broken)
    assert "Speed Networking, Runde 2: Anna Weber und Olena Kovalenko treffen sich ein zweites Mal." \
        in refused.value.reasons
    response = logged_in.post(base(meeting, 2) + "/veroeffentlichen", follow_redirects=True)
    text = page_text(response)
    assert "Version 2 wurde nicht veröffentlicht" in text and "treffen sich ein zweites Mal" in text
    db.session.expire_all()
    assert scheduling.published(meeting).number == 1 and broken.status == DRAFT


# --------------------------------------------------------------------------
# 5. moving a person: café tables as shown, speed-networking spots by number


@pytest.fixture
def cafe_meeting(make_meeting, make_registration, organiser):
    """One café round, two tables: "7 Fenster" (a physical table) and one without (printed as "2")."""
    meeting = make_meeting(slug="cafe", organisers=[organiser], blocks=False)
    foyer = Room(name="Foyer", tables=[MeetingTable(number=7, name="Fenster", seats=6)])
    meeting.rooms.append(foyer)
    cafe = Block(kind=CAFE, title="Café", position=0, start_time=clock(11, 0), rounds=1, minutes_per_round=20,
                 guiding_questions=["Was fehlt?"])
    speed = Block(kind=SPEED, title="Speed Networking", position=1, start_time=clock(12, 0), rounds=2,
                  minutes_per_round=6, group_size=2)
    meeting.blocks += [cafe, speed]
    db.session.commit()
    people = [make_registration(meeting, name=name, email=f"c{k}@example.org", organisation=f"Org {k}",
                                blocks=[cafe])
              for k, name in enumerate(["Anna Weber", "Olena Kovalenko", "Mehmet Kaya", "Grace Mensah",
                                        "Sabine Wolf"])]
    cafe.cafe_tables = [CafeTable(question="Wie gelingt Kinderbetreuung?", host=people[0], table=foyer.tables[0],
                                  position=0),
                        CafeTable(question="Anerkennung beschleunigen – aber wie?", host=people[1], position=1)]
    db.session.commit()
    first, second = (scheduling.table_key(t) for t in cafe.cafe_tables)
    ids = [pid(x) for x in people]
    plan = {"format": scheduling.PLAN_FORMAT, "blocks": [
        {"id": scheduling.block_key(cafe), "rounds": [{first: [ids[0], ids[2], ids[3]], second: [ids[1], ids[4]]}]},
        {"id": scheduling.block_key(speed), "rounds": [[], []]}]}
    planning.store_version(meeting, scheduling.build_instance(meeting), plan, source="import")
    return meeting


@pytest.mark.parametrize("typed, table", [(" 2 ", 1), ("TISCH 2", 1), ("anerkennung beschleunigen – aber wie?  ", 1),
                                          ("7", 0), ("7 fenster", 0), (" Fenster", 0), ("Tisch 7", 0),
                                          ("wie gelingt kinderbetreuung?", 0)])
def test_move_takes_the_cafe_table_as_shown(cafe_meeting, typed, table):
    cafe = cafe_meeting.blocks[0]
    version = planning.get_version(cafe_meeting, 1)
    grace = pid(people_of(cafe_meeting)[3])
    plan, found = planning.apply_change(version, {"action": "move", "block": scheduling.block_key(cafe),
                                                  "round": "0", "a": grace, "target": typed})
    key = scheduling.table_key(cafe.cafe_tables[table])
    assert grace in plan["blocks"][0]["rounds"][0][key]
    assert found == []  # to table 2 the tables stay balanced; table 7 is where she sits


def test_move_in_the_cafe_is_saved_and_unknown_tables_are_explained(cafe_meeting, logged_in):
    cafe = cafe_meeting.blocks[0]
    grace = pid(people_of(cafe_meeting)[3])
    data = {"action": "move", "block": scheduling.block_key(cafe), "round": "0", "a": grace, "target": " 2 "}
    assert logged_in.post(base(cafe_meeting) + "/pruefen", data=data).get_json()["violations"] == []
    response = logged_in.post(base(cafe_meeting) + "/aendern", data=data)
    assert response.status_code == 302 and response.location.endswith("/v2")
    saved = planning.get_version(cafe_meeting, 2).plan["blocks"][0]["rounds"][0]
    assert grace in saved[scheduling.table_key(cafe.cafe_tables[1])]
    answer = logged_in.post(base(cafe_meeting) + "/pruefen", data=dict(data, target="9"))
    assert answer.status_code == 400
    assert answer.get_json()["violations"] == [{"message": (
        "Einen Tisch „9“ gibt es in „Café“ nicht. Die Tische: 7 Fenster (Wie gelingt Kinderbetreuung?), "
        "2 (Anerkennung beschleunigen – aber wie?).")}]
    page = logged_in.post(base(cafe_meeting) + "/aendern", data=dict(data, target="Tisch 3"), follow_redirects=True)
    assert "Einen Tisch „Tisch 3“ gibt es in „Café“ nicht." in page_text(page)
    assert planning.get_version(cafe_meeting, 3) is None


def test_ambiguous_table_numbers_ask_for_the_topic(cafe_meeting):
    cafe = cafe_meeting.blocks[0]
    room = cafe_meeting.rooms[0]
    room.tables.append(MeetingTable(number=2, seats=6))
    db.session.flush()
    cafe.cafe_tables.append(CafeTable(question="Wohnraum", table=room.tables[-1], position=2))
    db.session.commit()
    with pytest.raises(PlanningError, match="„2“ passt zu mehreren Tischen \\(2, 2\\)"):
        locks.find_cafe_table(cafe, "2")
    assert locks.find_cafe_table(cafe, "wohnraum") is cafe.cafe_tables[2]


def test_plan_page_shows_cafe_tables_as_printed_and_no_internal_ids(cafe_meeting, logged_in):
    text = page_text(logged_in.get(base(cafe_meeting)))
    assert "7 Fenster Wie gelingt Kinderbetreuung?" in text
    assert " 2 Anerkennung beschleunigen – aber wie?" in text
    assert not re.search(r"\b[rbt]\d+\b", text), re.findall(r".{30}\b[rbt]\d+\b.{30}", text)


def test_speed_spots_are_moved_by_number(meeting):
    speed = meeting.blocks[0]
    version = planning.get_version(meeting, 1)
    p = people_of(meeting)
    change = {"action": "move", "block": scheduling.block_key(speed), "round": "0", "a": pid(p[0])}
    plan, found = planning.apply_change(version, dict(change, target=" 3 "))
    assert plan["blocks"][0]["rounds"][0] == [[pid(p[1])], [pid(p[2]), pid(p[3])], [pid(p[4]), pid(p[5]), pid(p[0])]]
    assert any(f["code"] == "group-size" for f in found)
    for bad in ["0", "4", "-1", "drei", ""]:
        with pytest.raises(PlanningError, match=f"Einen Platz „{bad}“ gibt es in Runde 1 nicht; die "
                                                         "Plätze sind 1 bis 3."):
            planning.apply_change(version, dict(change, target=bad))


def test_round_list_offers_each_blocks_own_rounds(meeting, logged_in):
    speed, cafe = meeting.blocks
    page = logged_in.get(base(meeting)).get_data(as_text=True)
    select_ = re.search(r'<select id="c-round" name="round">(.*?)</select>', page, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)" data-block="(b\d+)">(.*?)</optgroup>', select_, re.S)
    assert [(label, key) for label, key, _ in groups] == [("Speed Networking", scheduling.block_key(speed)),
                                                          ("Pro-Action-Café", scheduling.block_key(cafe))]
    rounds = {key: re.findall(r'<option value="(\d+)">([^<]+)</option>', options) for _, key, options in groups}
    assert rounds[scheduling.block_key(cafe)] == [("0", "Runde 1"), ("1", "Runde 2")]
    assert rounds[scheduling.block_key(speed)] == [("0", "Runde 1"), ("1", "Runde 2"), ("2", "Runde 3")]


# --------------------------------------------------------------------------
# ids beyond INTEGER never reach the database


@pytest.mark.parametrize("path", ["/v2147483648", "/v1/person/2147483648", "/v1/person/99999999999999999999",
                                  "/v99999999999999999999", "/lauf/2147483648", "/vergleich?a=1&b=2147483648"])
def test_huge_ids_in_urls_are_not_found(meeting, logged_in, path):
    response = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan{path}")
    assert response.status_code == 404
