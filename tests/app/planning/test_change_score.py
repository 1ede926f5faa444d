"""The live check of a manual change says what it costs or gains in score ("−25 Punkte")."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

import scheduler
from netzwerktreffen.planning import locks, quality
from netzwerktreffen.planning import service as planning
from planning_helpers import planned_meeting  # noqa: F401 (fixture)

MINUS = "\u2212"


@pytest.mark.parametrize("change, german, english", [
    (-25, f"{MINUS}25 Punkte", f"{MINUS}25 points"),
    (10, "+10 Punkte", "+10 points"),
    (1, "+1 Punkt", "+1 point"),
    (-2.5, f"{MINUS}2,5 Punkte", f"{MINUS}2.5 points"),
    (1234.46, "+1.234,5 Punkte", "+1,234.5 points"),
    (0.00001, "Punkte unverändert", "score unchanged"),
])
def test_score_change_is_written_as_the_language_writes_numbers(app, change, german, english):
    with app.test_request_context():
        with force_locale("de"):
            assert quality.score_change_text(change) == german
        with force_locale("en"):
            assert quality.score_change_text(change) == english


def _swaps(version):
    """Every swap of two people in different groups of round 1 (speed networking)."""
    block = version.plan["blocks"][0]
    groups = block["rounds"][0]
    for g, group in enumerate(groups):
        for other in groups[g + 1:]:
            for a in group:
                for b in other:
                    yield {"action": "swap", "block": block["id"], "round": "0", "a": a, "b": b}


def test_check_answers_what_a_valid_change_costs(planned_meeting, logged_in):
    meeting = planned_meeting()
    version = planning.solve_meeting(meeting, time_limit=10).version
    url = f"/organisation/treffen/{meeting.slug}/plan/v{version.number}/pruefen"
    instance = locks.current_instance(version)
    before = scheduler.check(instance, version.plan)["score"]
    for change in _swaps(version):
        plan, found = planning.apply_change(version, change)
        if found:
            continue
        expected = scheduler.check(instance, plan)["score"] - before
        answer = logged_in.post(url, data=change).get_json()
        assert answer["ok"] is True and answer["violations"] == []
        assert answer["score_change"] == pytest.approx(expected, abs=0.01)
        if round(expected, 1) < 0:  # a solved plan is good: most swaps cost points
            amount = round(-expected, 1)
            number = f"{amount:.0f}" if amount == int(amount) else f"{amount:.1f}".replace(".", ",")
            assert answer["score_text"] == f"{MINUS}{number} {'Punkt' if amount == 1 else 'Punkte'}"
            english = logged_in.post(url + "?lang=en", data=change).get_json()["score_text"]
            assert english == f"{MINUS}{number.replace(',', '.')} {'point' if amount == 1 else 'points'}"
            break
    else:
        pytest.fail("no swap that keeps the rules and costs points")


def test_plan_page_shows_the_score_beside_no_rule_broken(planned_meeting, logged_in):
    """The page's script puts the answer's score_text beside the "no rule broken" message."""
    meeting = planned_meeting()
    version = planning.solve_meeting(meeting, time_limit=10).version
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/v{version.number}").get_data(as_text=True)
    assert "Diese Änderung verletzt keine Regel." in page and "plan-change.js" in page
    script = logged_in.get("/static/plan-change.js").get_data(as_text=True)
    assert "data.score_text" in script
