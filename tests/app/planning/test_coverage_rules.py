"""Guaranteed meetings: the organiser's coverage rules, "Unbedingt treffen", the instance and the plan page."""
from __future__ import annotations

import html
import re

import pytest

import scheduler
from scheduler.validate import coverage_missing
from netzwerktreffen.core.coverage import must_meet_text
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CANCELLED, CoverageRule
from netzwerktreffen.planning import coverage
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.coverage import RuleData
from planning_helpers import planned_meeting  # noqa: F401 (fixture)

JOBCENTER = ["Anna Weber", "Jens Koch"]


def visible(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return re.sub(r" ([,:])", r"\1", text)  # "Jens Koch ✓</span>, …" reads "Jens Koch ✓, …"


def others(meeting) -> list[str]:
    return [s.key for s in meeting.sectors if s.key != "jobcenter"]


def rules_url(meeting) -> str:
    return f"/organisation/treffen/{meeting.slug}/plan/regeln"


def person(meeting, name):
    return next(r for r in meeting.registrations if r.name == name)


def pid(meeting, name) -> str:
    return scheduling.participant_id(person(meeting, name))


def add_rule(meeting, at_least=1, who=None, meets=("jobcenter",), block_id=None):
    return coverage.create_rule(meeting, RuleData(who=list(who or others(meeting)), meets=list(meets),
                                                  at_least=at_least, block_id=block_id))


# ---------------------------------------------------------------- the rules page


def test_organiser_adds_edits_and_deletes_a_rule(planned_meeting, logged_in):
    meeting = planned_meeting()
    sectors = others(meeting)
    response = logged_in.post(rules_url(meeting), data={"who": sectors[:2], "meets": ["jobcenter"],
                                                        "at_least": "2", "block": "alle"})
    assert response.status_code == 302
    [rule] = meeting.coverage_rules
    assert rule.who_sectors == sectors[:2] and rule.meets_sectors == ["jobcenter"] and rule.at_least == 2
    assert rule.block_id is None
    page = visible(logged_in.get(rules_url(meeting)).get_data(as_text=True))
    assert "trifft mindestens 2 Personen aus Jobcenter" in page
    assert "angemeldet: " in page and "2 aus Jobcenter" in page

    block = meeting.blocks[0]
    response = logged_in.post(f"{rules_url(meeting)}/{rule.id}", data={
        "who": ["jobcenter"], "meets": ["jobcenter"], "at_least": "1", "block": str(block.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert rule.who_sectors == ["jobcenter"] and rule.meets_sectors == ["jobcenter"] and rule.block_id == block.id

    assert logged_in.post(f"{rules_url(meeting)}/{rule.id}/loeschen").status_code == 302
    db.session.expire_all()
    assert meeting.coverage_rules == []


@pytest.mark.parametrize("data, message", [
    ({"who": [], "meets": ["jobcenter"], "at_least": "1"}, "bei „Jede Person aus“ mindestens einen Bereich"),
    ({"who": ["kammer"], "meets": ["gibt-es-nicht"], "at_least": "1"}, "mindestens einen Bereich"),
    ({"who": ["kammer"], "meets": ["jobcenter"], "at_least": "zwei"}, "eine Zahl von 1 bis 10"),
    ({"who": ["kammer"], "meets": ["jobcenter"], "at_least": "11"}, "eine Zahl von 1 bis 10"),
    ({"who": ["kammer"], "meets": ["jobcenter"], "at_least": "0"}, "eine Zahl von 1 bis 10"),
    ({"who": ["kammer"], "meets": ["jobcenter"], "at_least": "5"}, "in 4 Runden höchstens 4 andere"),
    ({"who": ["kammer"], "meets": ["jobcenter"], "at_least": "1", "block": "999"}, "Speed-Networking-Block dieses"),
    ({"who": ["kammer"], "meets": ["jobcenter"], "at_least": "1", "block": "x"}, "Speed-Networking-Block dieses"),
])
def test_a_bad_rule_gets_a_german_message_and_is_not_stored(planned_meeting, logged_in, data, message):
    meeting = planned_meeting()
    response = logged_in.post(rules_url(meeting), data={"block": "alle", **data})
    assert response.status_code == 200
    assert message in visible(response.get_data(as_text=True))
    assert meeting.coverage_rules == []


def test_without_a_speed_block_the_page_says_so(planned_meeting, logged_in):
    meeting = planned_meeting(cafe=True)
    db.session.delete(meeting.blocks[0])
    db.session.commit()
    page = visible(logged_in.get(rules_url(meeting)).get_data(as_text=True))
    assert "keinen Speed-Networking-Block" in page
    response = logged_in.post(rules_url(meeting), data={"who": ["kammer"], "meets": ["jobcenter"], "at_least": "1"})
    assert "keinen Speed-Networking-Block" in visible(response.get_data(as_text=True))
    assert meeting.coverage_rules == []


def test_another_meetings_rule_is_404(planned_meeting, logged_in):
    mine = planned_meeting()
    other = planned_meeting(slug="fremd")
    rule = add_rule(other)
    assert logged_in.get(f"{rules_url(mine)}/{rule.id}").status_code == 404
    assert logged_in.post(f"{rules_url(mine)}/{rule.id}/loeschen").status_code == 404
    assert logged_in.get(f"{rules_url(mine)}/99999999999").status_code == 404
    assert db.session.get(CoverageRule, rule.id) is not None


def test_a_rule_goes_with_its_block_and_a_deleted_sector_drops_out(planned_meeting):
    meeting = planned_meeting(cafe=True)
    speed = meeting.blocks[0]
    only_here = add_rule(meeting, who=["kammer"], block_id=speed.id)
    everywhere = add_rule(meeting, who=["kammer", "hochschule"])
    from netzwerktreffen.meetings.service import delete_sector
    delete_sector(next(s for s in meeting.sectors if s.key == "hochschule"))
    [rule] = scheduling.build_instance(meeting)["blocks"][0]["coverage"][1:]
    assert rule["who"] == {"sectors": ["kammer"]}
    assert coverage.rule_text(meeting, everywhere) == "Jede Person aus IHK/HWK trifft mindestens eine Person aus Jobcenter"
    from netzwerktreffen.meetings.service import delete_block
    delete_block(speed)
    assert db.session.get(CoverageRule, only_here.id) is None
    assert [r.id for r in meeting.coverage_rules] == [everywhere.id]


# ---------------------------------------------------------------- the instance


def test_instance_carries_the_rules_of_the_people_present(planned_meeting):
    meeting = planned_meeting(cafe=True)
    add_rule(meeting, at_least=1, who=["kammer", "hochschule"], meets=["jobcenter", "sprachschule"])
    add_rule(meeting, at_least=2, who=["kommune"], meets=["jobcenter"], block_id=meeting.blocks[0].id)
    add_rule(meeting, who=["zivilgesellschaft"], meets=["jobcenter"])  # nobody of that sector here: left out
    instance = scheduling.build_instance(meeting)
    scheduler.parse_instance(dict(instance, blocks=instance["blocks"][:1]))  # (a café without tables is not)
    speed, cafe = instance["blocks"]
    assert speed["coverage"] == [
        {"who": {"sectors": ["hochschule", "kammer"]}, "meets": {"sectors": ["jobcenter", "sprachschule"]},
         "at_least": 1},
        {"who": {"sectors": ["kommune"]}, "meets": {"sectors": ["jobcenter"]}, "at_least": 2}]
    assert "coverage" not in cafe


def test_must_meet_becomes_one_rule_per_person_without_absent_or_impossible_people(planned_meeting):
    meeting = planned_meeting()
    from netzwerktreffen.core.coverage import set_must_meet
    set_must_meet(person(meeting, "Mehmet Kaya"), "anna weber\nSabine Wolf\nNiemand Bekanntes")
    set_must_meet(person(meeting, "Olena Kovalenko"), "Grace Mensah")  # no common language: not possible
    set_must_meet(person(meeting, "Anna Weber"), "Jens Koch")  # a colleague: not possible
    person(meeting, "Heike Lange").status = CANCELLED
    set_must_meet(person(meeting, "Uwe Richter"), "Heike Lange")  # cancelled: drops out
    db.session.commit()
    [speed] = scheduling.build_instance(meeting)["blocks"]
    assert speed["coverage"] == [{"who": {"participants": [pid(meeting, "Mehmet Kaya")]},
                                  "meets": {"participants": [pid(meeting, "Anna Weber"),
                                                             pid(meeting, "Sabine Wolf")]},
                                  "at_least": 2}]


# ---------------------------------------------------------------- must meet on the forms


def public_form(meeting, **overrides):
    sector = next(s for s in meeting.sectors if s.key == "sprachschule")
    data = {"given_name": "Olena", "family_name": "Kovalenko", "email": "olena@vhs.example",
            "organisation": "VHS", "sector": str(sector.id), "languages": ["de"],
            "blocks": [str(b.id) for b in meeting.blocks], "consent_processing": "y"}
    data.update(overrides)
    return data


def test_must_meet_from_the_public_form_and_the_personal_page(client, make_meeting):
    meeting = make_meeting()
    four = "Anna Weber\nJens Koch\nGrace Mensah\nTarek Haddad"
    response = client.post(f"/m/{meeting.slug}", data=public_form(meeting, must_meet=four))
    assert response.status_code == 400
    assert "höchstens 3 Personen" in visible(response.get_data(as_text=True))
    assert meeting.registrations == []

    response = client.post(f"/m/{meeting.slug}", data=public_form(meeting, must_meet="Anna Weber\n\nJens Koch "))
    assert response.status_code == 302
    [me] = meeting.registrations
    assert must_meet_text(me) == "Anna Weber\nJens Koch"
    assert "Jens Koch" in client.get(f"/r/{me.token}").get_data(as_text=True)

    response = client.post(f"/r/{me.token}", data=public_form(meeting, must_meet=four))
    assert "höchstens 3 Personen" in visible(response.get_data(as_text=True))
    db.session.expire_all()
    assert must_meet_text(me) == "Anna Weber\nJens Koch"
    assert client.post(f"/r/{me.token}", data=public_form(meeting, must_meet="Grace Mensah")).status_code == 302
    db.session.expire_all()
    assert must_meet_text(me) == "Grace Mensah"


def test_organiser_sees_and_corrects_must_meet_on_the_edit_page(planned_meeting, logged_in):
    meeting = planned_meeting()
    from netzwerktreffen.core.coverage import set_must_meet
    mehmet = person(meeting, "Mehmet Kaya")
    set_must_meet(mehmet, "Anna Weber\nNiemand Bekanntes")
    db.session.commit()
    url = f"/organisation/treffen/{meeting.slug}/anmeldungen/{mehmet.id}"
    page = logged_in.get(url).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="must_meet"[^>]*>\s*Anna Weber\nNiemand Bekanntes</textarea>', page)
    assert ("Unbedingt treffen Anna Weber (Jobcenter Esslingen) · „Niemand Bekanntes“ – niemand mit diesem Namen "
            "angemeldet") in visible(page)
    data = {"given_name": "Mehmet", "family_name": "Kaya", "email": mehmet.email, "organisation": mehmet.organisation,
            "sector": str(mehmet.sector_id), "languages": list(mehmet.languages),
            "blocks": [str(b.id) for b in mehmet.blocks], "must_meet": "Sabine Wolf\nAnna Weber"}
    assert logged_in.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert must_meet_text(mehmet) == "Sabine Wolf\nAnna Weber"
    response = logged_in.post(url, data=dict(data, must_meet="A\nB\nC\nD"))
    assert "höchstens 3 Personen" in visible(response.get_data(as_text=True))


def test_csv_export_and_import_carry_must_meet(planned_meeting):
    from netzwerktreffen.registration.csv_io import export_csv
    meeting = planned_meeting()
    from netzwerktreffen.core.coverage import set_must_meet
    set_must_meet(person(meeting, "Mehmet Kaya"), "Anna Weber")
    db.session.commit()
    text = export_csv(meeting.registrations).decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert "Unbedingt treffen" in header.split(";")
    column = header.split(";").index("Unbedingt treffen")
    assert [r.split(";")[column] for r in rows if r.startswith("Mehmet")] == ["Anna Weber"]

    from netzwerktreffen.registration.csv_io import parse_csv, to_registrations
    head = "Name;E-Mail;Organisation;Bereich;Unbedingt treffen"
    parsed = parse_csv(f"{head}\nEva Roth;eva@example.org;VHS;sprachschule;\"Anna Weber\nJens Koch\"\n".encode())
    [row], errors = to_registrations(parsed.rows, meeting, ())
    assert errors == [] and row.data.must_meet == "Anna Weber\nJens Koch"
    parsed = parse_csv(f"{head}\nEva Roth;eva@example.org;VHS;sprachschule;\"A B\nC D\nE F\nG H\"\n".encode())
    rows, errors = to_registrations(parsed.rows, meeting, ())
    assert rows == [] and errors == ["Zeile 2: Unbedingt treffen nennt mehr als 3 Personen"]
    parsed = parse_csv(b"Name;E-Mail;Organisation;Bereich\nEva Roth;eva@example.org;VHS;sprachschule\n")
    [row], _errors = to_registrations(parsed.rows, meeting, ())
    assert row.data.must_meet is None  # a file without the column keeps what is stored


# ---------------------------------------------------------------- the plan page


def hand_plan(meeting, rounds_by_name, pauses=None) -> dict:
    """A plan of the single speed block from pairs of names."""
    block = scheduling.block_key(meeting.blocks[0])
    rounds = [[[pid(meeting, a) for a in group] for group in groups] for groups in rounds_by_name]
    return {"format": scheduling.PLAN_FORMAT, "blocks": [{"id": block, "rounds": rounds}]}


ROUND_1 = [("Anna Weber", "Olena Kovalenko"), ("Jens Koch", "Mehmet Kaya"), ("Grace Mensah", "Sabine Wolf"),
           ("Tarek Haddad", "Heike Lange"), ("Uwe Richter", "Amina Hosseini")]
ROUND_2 = [("Anna Weber", "Tarek Haddad"), ("Jens Koch", "Grace Mensah"), ("Olena Kovalenko", "Mehmet Kaya"),
           ("Sabine Wolf", "Uwe Richter"), ("Heike Lange", "Amina Hosseini")]


def test_plan_page_lists_held_and_missed_rules_with_names_and_why(planned_meeting, logged_in):
    meeting = planned_meeting(rounds=2)
    add_rule(meeting, at_least=1)  # 8 people, 2 jobcenter people in 2 rounds: at most 4 can
    from netzwerktreffen.core.coverage import set_must_meet
    set_must_meet(person(meeting, "Mehmet Kaya"), "Jens Koch\nSabine Wolf\nGrace Mensah")
    set_must_meet(person(meeting, "Anna Weber"), "Jens Koch")
    db.session.commit()
    instance = scheduling.build_instance(meeting)
    version = planning.store_version(meeting, instance, hand_plan(meeting, [ROUND_1, ROUND_2]), source="import")
    url = f"/organisation/treffen/{meeting.slug}/plan/v{version.number}"
    page = visible(logged_in.get(url).get_data(as_text=True))
    assert "Regeln für Begegnungen" in page
    assert "erfüllt für 4 von 8 Personen" in page  # Olena, Mehmet, Tarek, Grace met a jobcenter person
    assert "Sabine Wolf (Caritas MBE) trifft niemanden aus Jobcenter" in page
    assert "Nicht für alle erreichbar: nur 2 Personen aus Jobcenter für 8 Personen in 2 Runden" in page
    assert ("Unbedingt treffen: Jens Koch ✓, Sabine Wolf – nicht eingeplant – andere Begegnungen brachten dem "
            "Plan mehr, Grace Mensah – nicht möglich: keine gemeinsame Sprache") in page
    assert "Jens Koch – nicht möglich: gleiche Organisation" in page
    assert "alle möglichen Begegnungen eingeplant: für 1 von 2 Personen" in page  # Anna's is not possible
    parsed = scheduler.parse_instance(instance)
    missing = coverage_missing(parsed, parsed.blocks[0], scheduler.parse_plan(version.plan).blocks[instance["blocks"][0]["id"]])
    assert len([m for m in missing if m[0] == 0]) == 4

    sabine = person(meeting, "Sabine Wolf")
    page = visible(logged_in.get(f"{url}/person/{sabine.id}").get_data(as_text=True))
    assert "nicht erfüllt" in page and "trifft niemanden aus Jobcenter" in page
    olena = person(meeting, "Olena Kovalenko")
    page = visible(logged_in.get(f"{url}/person/{olena.id}").get_data(as_text=True))
    assert "erfüllt ✓" in page
    mehmet = person(meeting, "Mehmet Kaya")
    page = visible(logged_in.get(f"{url}/person/{mehmet.id}").get_data(as_text=True))
    assert "Unbedingt treffen: Jens Koch ✓, Sabine Wolf – nicht eingeplant" in page


def test_before_planning_the_index_page_names_a_rule_that_cannot_hold_for_all(planned_meeting, logged_in):
    meeting = planned_meeting(rounds=2)
    add_rule(meeting, at_least=1)  # 8 people, 2 jobcenter people in 2 rounds
    add_rule(meeting, at_least=1, who=["kammer"])  # 1 person: fine
    page = visible(logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/").get_data(as_text=True))
    assert "nicht für alle einhalten" in page
    assert "trifft mindestens eine Person aus Jobcenter: zu wenige für alle: höchstens 4 Begegnungen, verlangt 8." in page
    assert "Jede Person aus IHK/HWK trifft" not in page


def test_a_person_who_may_meet_too_few_is_explained(planned_meeting, logged_in):
    meeting = planned_meeting(rounds=2)
    add_rule(meeting, at_least=2, who=["migrantenorganisation"])  # Grace speaks English: only Jens
    instance = scheduling.build_instance(meeting)
    version = planning.store_version(meeting, instance, hand_plan(meeting, [ROUND_1, ROUND_2]), source="import")
    page = visible(logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/v{version.number}")
                   .get_data(as_text=True))
    assert "erfüllt für 0 von 1 Personen" in page
    assert ("Grace Mensah (Afrikanischer Kulturverein) trifft nur eine Person aus Jobcenter – nur eine Person "
            "aus Jobcenter, die sie treffen darf") in page


def test_the_real_scheduler_plans_with_rules_and_the_page_agrees(planned_meeting, logged_in):
    meeting = planned_meeting(rounds=3)
    add_rule(meeting, at_least=1, who=["sprachschule", "kammer", "kommune"])
    version = planning.solve_meeting(meeting, time_limit=5).version
    assert version.instance["blocks"][0]["coverage"]
    report = scheduler.check(version.instance, version.plan)
    [result] = coverage_report_of(meeting, version)
    assert len(result.people) == 3
    assert result.held == 3 - report["blocks"][version.instance["blocks"][0]["id"]].get("coverage_missing", 0)
    page = visible(logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/v{version.number}")
                   .get_data(as_text=True))
    # the solver plans for the rule now, so usually it holds for all three; the page says what holds
    assert (("erfüllt für alle 3 Personen" if result.held == 3 else f"erfüllt für {result.held} von 3 Personen")
            in page)


def coverage_report_of(meeting, version):
    from netzwerktreffen.planning.coverage_report import plan_rules
    return plan_rules(meeting, version)
