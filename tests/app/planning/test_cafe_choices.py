"""Café choices count in the web app (issue 17): the 'Tischwahl zählt' level, its weights, the planned
seating, the setting on the meeting form, the demo's choices and the migration's default."""
from __future__ import annotations

import copy
import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

import scheduler
from scheduler.solve import solve
from scheduler.values import PairValues

from netzwerktreffen import create_app
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import CafeChoices
from netzwerktreffen.demo import create_demo_meeting
from netzwerktreffen.planning.cafe_choices import (choice_counts, choice_weights, ranked_seat_limit, table_gain,
                                                   weigh_cafe_choices)
from netzwerktreffen.planning.scheduler_io import build_instance

from dates import berlin_today
from migration_helpers import insert_old_meeting


def meeting_form(meeting=None, **overrides) -> dict:
    """What the meeting form sends (tests/app/meetings/test_meetings.py has the full one)."""
    day = meeting.date if meeting else berlin_today() + timedelta(days=40)
    data = {"title": meeting.title if meeting else "Netzwerktreffen Migration", "series_name": "",
            "series_number": "", "slug": meeting.slug if meeting else "nt-cafe", "description": "",
            "date": day.isoformat(), "start_time": "09:30", "end_time": "13:00", "venue": "", "address": "",
            "registration_opens": "", "registration_closes": "", "capacity": "80", "languages": ["de"],
            "contact_name": "", "contact_email": "", "controller": "Landkreis Stendal", "retention_days": "90",
            "reminder_hours": "24"}
    return data | overrides


def cafe_instance(guests: int = 40, tables: int = 8, seats: int = 6, rounds: int = 3, seed: int = 3) -> dict:
    """A generated café: hosts offer topics, guests need some; most guests rank 2–3 tables by question,
    popular tables more often, a few rank none."""
    rng = random.Random(seed)
    topics = [f"thema-{k}" for k in range(10)]
    sectors = ["jobcenter", "kammer", "schule", "verein", "betrieb"]
    people = [{"id": f"p{k:02d}", "name": f"Person {k}", "organisation": f"Org {k}", "sector": rng.choice(sectors),
               "offers": rng.sample(topics, 2), "needs": rng.sample(topics, 2)} for k in range(guests + tables)]
    table_rows = [{"id": f"t{k}", "topic": f"Frage {k}", "host": people[k]["id"], "seats": seats}
                  for k in range(tables)]
    popularity = [1 / (k + 1) for k in range(tables)]
    preferences = {}
    for person in people[tables:]:
        count = rng.choice((0, 1, 2, 2, 3, 3, 3))
        ranked = sorted(range(tables), key=lambda k: -rng.random() ** (1 / popularity[k]))[:count]
        if ranked:
            preferences[person["id"]] = [f"t{k}" for k in ranked]
    return {"format": "netzwerktreffen-instance/1", "name": "Café", "weights": {}, "participants": people,
            "blocks": [{"id": "cafe", "kind": "pro-action-cafe", "rounds": rounds, "tables": table_rows,
                        "preferences": preferences}]}


def pair_gain_at_best_table(data: dict) -> float:
    """The largest sum of (seats - 1) pair values any guest who ranked tables could have at one table."""
    values = PairValues(scheduler.parse_instance(data))
    block = data["blocks"][0]
    mates = max(t["seats"] for t in block["tables"]) - 1
    best = 0.0
    for pid in block["preferences"]:
        i = values.index[pid]
        row = sorted((v for j, v in enumerate(values.value[i]) if j != i and v > 0), reverse=True)
        best = max(best, sum(row[:mates]))
    return best


def test_each_level_weights_the_choices_in_order_and_strong_outweighs_the_pairs_at_a_table():
    data = cafe_instance()
    gain = table_gain(data)
    assert 0 < gain <= pair_gain_at_best_table(data)
    weights = {level: choice_weights(level, data) for level in CafeChoices}
    firsts = []
    for level in CafeChoices:
        first, second, third = weights[level]["preference"]
        assert first > second > third >= 1
        firsts.append(first)
        # no choice, with what pairs bring at one table, pays for a revisit or a forbidden pair
        for rule, spec_default in (("revisit", 60), ("forbidden", 100)):
            assert weights[level].get(rule, spec_default) >= first + gain
        if level != CafeChoices.STRONG:  # even filling comes before a choice
            assert weights[level].get("balance", 100) >= first + gain
    # "stark": a chosen table with free seats beats even filling, and even filling still beats the pairs
    assert gain < weights[CafeChoices.STRONG]["balance"] < weights[CafeChoices.STRONG]["preference"][2]
    assert firsts == sorted(firsts) and len(set(firsts)) == 3  # wenig < mittel < stark
    assert weights[CafeChoices.STRONG]["preference"][2] > 2 * gain  # the 3rd choice outweighs a table's pairs
    assert weights[CafeChoices.LITTLE]["preference"][0] <= 3 * 3  # close to the spec's 3/2/1
    # the weights follow the pair values: doubled values, about doubled weights
    doubled = copy.deepcopy(data)
    doubled["weights"] = {"offer_need": 6, "sector": 4}
    assert table_gain(doubled) == pytest.approx(2 * gain)
    assert choice_weights(CafeChoices.STRONG, doubled)["preference"][2] == pytest.approx(
        2 * weights[CafeChoices.STRONG]["preference"][2], abs=2)


def test_without_choices_the_scheduler_defaults_stay():
    data = cafe_instance()
    data["blocks"][0]["preferences"] = {}
    assert choice_weights(CafeChoices.STRONG, data) == {}
    assert weigh_cafe_choices(data, CafeChoices.STRONG)["weights"] == {}
    # a preference the meeting's own weights set is kept
    chosen = cafe_instance()
    chosen["weights"] = {"preference": [4, 2, 1]}
    assert weigh_cafe_choices(chosen, CafeChoices.STRONG)["weights"] == {"preference": [4, 2, 1]}


def test_the_seat_limit_is_what_a_flow_allows():
    block = {"rounds": 2, "tables": [{"id": "a", "seats": 3, "host": "h"}, {"id": "b", "seats": 2}],
             "preferences": {"x": ["a"], "y": ["a", "b"], "z": ["a", "b"], "w": ["b"], "h": ["a"]},
             "present": {"w": [1]}}
    # a: 2 rounds x 2 guest seats, b: 2 x 2; x, y, z want a (y and z also b), w attends one round
    assert ranked_seat_limit(block) == 1 + 2 + 2 + 1
    block["tables"][0]["seats"] = 2  # a now holds one guest per round: x, and one of y/z; the other only at b
    assert ranked_seat_limit(block) == 1 + 2 + 1 + 1
    block["tables"][1]["seats"] = 1
    assert ranked_seat_limit(block) == 4
    assert choice_counts(block, [{"a": ["h", "x"], "b": ["y"]}, {"a": ["h", "y"], "b": ["z"]}]) == [2, 2, 0, 0]
    assert choice_counts(block, [{"a": ["h", "w"], "b": ["x"]}]) == [0, 0, 0, 2]


def _seat_shares(data: dict, level: str | None) -> tuple[list[int], int]:
    data = copy.deepcopy(data)
    if level is not None:
        weigh_cafe_choices(data, level)
    result = solve(scheduler.parse_instance(data), time_limit=2, seed=1)  # counted work: same plan when busy
    rounds = [dict(seating) for seating in result.plan.blocks["cafe"]]
    return choice_counts(data["blocks"][0], rounds), ranked_seat_limit(data["blocks"][0])


def test_strong_seats_guests_at_a_ranked_table_wherever_seats_allow():
    data = cafe_instance()
    counts, limit = _seat_shares(data, CafeChoices.STRONG)
    ranked = sum(counts[:3])
    assert ranked >= 0.9 * limit, (counts, limit)
    default, _limit = _seat_shares(data, None)
    assert ranked > sum(default[:3])  # the spec's 3/2/1 seats fewer at a chosen table


def test_meeting_form_sets_the_level_and_refuses_a_made_up_one(logged_in, make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    assert meeting.cafe_choices == CafeChoices.STRONG
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/bearbeiten").get_data(as_text=True)
    assert "Tischwahl zählt" in page, page[page.find("<main"):][:3000]
    assert re.search(r'<option (selected value="strong"|value="strong" selected)', page)
    url = f"/organisation/treffen/{meeting.slug}/bearbeiten"
    response = logged_in.post(url, data=meeting_form(meeting, cafe_choices="little"))
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.cafe_choices == CafeChoices.LITTLE
    for bad in ("sehr", "", "<script>", "x" * 500):
        response = logged_in.post(url, data=meeting_form(meeting, cafe_choices=bad))
        assert response.status_code < 500
        assert "Keine gültige Auswahl" in response.get_data(as_text=True), bad
    db.session.expire_all()
    assert meeting.cafe_choices == CafeChoices.LITTLE


def test_new_meetings_count_choices_strongly(logged_in):
    response = logged_in.post("/organisation/treffen/neu", data=meeting_form())
    assert response.status_code == 302
    from netzwerktreffen.core.models import Meeting
    assert db.session.scalar(db.select(Meeting.cafe_choices)) == CafeChoices.STRONG


def test_the_demo_has_cafe_choices_as_participants_make_them(app):
    meeting = create_demo_meeting(participants=60, slug="demo-cafe")
    cafe = next(b for b in meeting.blocks if b.is_cafe)
    hosts = {t.host_id for t in cafe.cafe_tables}
    guests = [r for r in meeting.registrations if r.id not in hosts]
    counts = Counter(len(r.cafe_choices) for r in guests)
    assert counts[0] > 0 and counts[2] + counts[3] > 0.6 * len(guests)
    assert all(len(r.cafe_choices) <= 3 for r in meeting.registrations)
    assert not any(r.cafe_choices for r in meeting.registrations if r.id in hosts)
    for person in guests:
        assert [c.rank for c in person.cafe_choices] == list(range(len(person.cafe_choices)))
        for choice in person.cafe_choices:
            assert (choice.cafe_table.language or "de") in person.languages
        questions = [c.cafe_table.question for c in person.cafe_choices]
        assert len(set(questions)) == len(questions)
    firsts = Counter(r.cafe_choices[0].cafe_table.question for r in guests if r.cafe_choices)
    assert max(firsts.values()) >= 3 * min(firsts.values())  # some questions draw much more interest
    instance = build_instance(meeting)
    block = next(b for b in instance["blocks"] if b["kind"] == "pro-action-cafe")
    assert len(block["preferences"]) == sum(1 for r in guests if r.cafe_choices)
    strong = choice_weights(CafeChoices.STRONG, {**instance, "weights": {}})["preference"]
    assert instance["weights"]["preference"] == strong  # the demo's default level: stark


def test_the_migration_counts_choices_strongly_in_existing_meetings(tmp_path):
    uri = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(revision="e12g0small01")
        engine = create_engine(uri)
        with engine.begin() as connection:
            insert_old_meeting(connection)
        upgrade(revision="e17b0choice01")
        with engine.connect() as connection:
            level = connection.execute(text("SELECT cafe_choices FROM meeting WHERE id = 1")).scalar_one()
        engine.dispose()
    assert level == CafeChoices.STRONG


def test_the_plan_page_shows_how_many_sit_at_a_chosen_table(logged_in, organiser):
    from netzwerktreffen.planning import service as planning
    meeting = create_demo_meeting(participants=40, slug="demo-plan", organiser=organiser)
    version = planning.solve_meeting(meeting, time_limit=2, seed=1).version
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/v{version.number}").get_data(as_text=True)
    shown = re.search(r"Café: (\d+) % der Plätze von Gästen mit Tischwunsch sind an einem gewählten Tisch; "
                      r"die Plätze der Tische lassen höchstens (\d+) % zu\. Tischwahl zählt "
                      r"\(Einstellung des Treffens\): „stark“", page)
    assert shown, page[page.find("Qualität"):][:3000]
    assert 0 < int(shown.group(1)) <= int(shown.group(2)) <= 100
