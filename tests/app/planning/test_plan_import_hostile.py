"""A hostile plan file (deep nesting, huge numbers, odd shapes) gets a clear German message, never a 500."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import PlanVersion
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import PlanningError

from planning_helpers import planned_meeting  # noqa: F401 (fixture)

PLAN = '{"format": "netzwerktreffen-plan/1", "blocks": %s}'
HOSTILE = {
    "nested lists": "[" * 2000 + "]" * 2000,
    "nested objects": '{"a": ' * 2000 + "1" + "}" * 2000,
    "nesting inside a plan": PLAN % ("[" * 900 + "]" * 900),
    "objects inside a plan": PLAN % ("[" + '{"a": ' * 900 + "1" + "}" * 900 + "]"),
    "long number": "1" + "0" * 5000,
    "long number inside a plan": PLAN % ('[{"id": "s", "rounds": [], "x": 1' + "0" * 5000 + "}]"),
    "huge float": PLAN % '[{"id": "s", "rounds": 1e999999}]',
    "a list": "[1, 2, 3]",
    "a string": '"plan"',
    "blocks a number": PLAN % "7",
    "rounds of numbers": PLAN % '[{"id": "s", "rounds": [[1, 2], [3]]}]',
    "rounds of objects": PLAN % '[{"id": "s", "rounds": [{"1": 5}]}]',
    "id a list": PLAN % '[{"id": ["s"], "rounds": []}]',
    "NUL": PLAN % '[{"id": "\\u0000", "rounds": []}]',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_plan_file_gets_a_message(planned_meeting, text):  # noqa: F811
    meeting = planned_meeting()
    with pytest.raises(PlanningError) as refused:
        planning.import_plan_file(meeting, text.encode())
    assert str(refused.value).startswith(("Die Datei", "Der Plan wurde nicht übernommen"))
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 0


@pytest.mark.parametrize("name", ["nested lists", "long number"])
def test_hostile_plan_upload_answers_with_the_plan_page(planned_meeting, logged_in, name):  # noqa: F811
    meeting = planned_meeting()
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/plan/import",
                              data={"plan_file": (io.BytesIO(HOSTILE[name].encode()), "plan.json")},
                              content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "Die Datei ist kein gültiges JSON" in response.get_data(as_text=True)
