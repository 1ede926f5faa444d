"""Planning in the web app: instance mapping, drafts, publishing, manual changes, import/export, jobs."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import scheduler
from dates import berlin_today
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning import jobs, locks
from netzwerktreffen.planning.messages import PlanningError
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.core.extensions import db
from planning_helpers import PEOPLE, planned_meeting, wait_for  # noqa: F401 (fixture)
from netzwerktreffen.core.models import (DRAFT, PUBLISHED, SUPERSEDED, CafeChoice, CafeTable,
                                    PlanningJob, PlanVersion)

def pid_of(meeting, name):
    return scheduling.participant_id(next(r for r in meeting.registrations if r.name == name))


def test_instance_maps_registrations(planned_meeting):
    meeting = planned_meeting(cafe=True)
    people = {r.name: r for r in meeting.registrations}
    people["Anna Weber"].not_with = "jens koch"  # typed by hand, other case
    people["Grace Mensah"].wishes = "Caritas MBE\nniemand Bekanntes"
    people["Uwe Richter"].blocks = [meeting.blocks[0]]  # only speed networking
    cafe = meeting.blocks[1]
    table = CafeTable(block=cafe, question="Wie gelingt Kinderbetreuung?", host=people["Olena Kovalenko"],
                      language="de", position=0)
    other = CafeTable(block=cafe, question="Anerkennung beschleunigen?", host_name="Gast", position=1)
    db.session.add_all([table, other])
    db.session.flush()
    people["Heike Lange"].cafe_choices = [CafeChoice(cafe_table=other, rank=0), CafeChoice(cafe_table=table, rank=1)]
    db.session.commit()

    instance = scheduling.build_instance(meeting)
    scheduler.parse_instance(instance)  # valid in the scheduler's format
    by_name = {p["name"]: p for p in instance["participants"]}
    assert len(by_name) == len(PEOPLE)
    anna, jens = by_name["Anna Weber"], by_name["Jens Koch"]
    assert anna["sector"] == "jobcenter" and anna["needs"] == ["berufssprachkurs"]
    assert by_name["Olena Kovalenko"]["offers"] == ["berufssprachkurs"]
    assert by_name["Grace Mensah"]["languages"] == ["en"]
    assert sorted([anna["id"], jens["id"]]) in instance["avoid"]
    assert sorted([by_name["Grace Mensah"]["id"], by_name["Sabine Wolf"]["id"]]) in instance["wish"]
    speed, cafe_block = instance["blocks"]
    assert speed["rounds"] == 4 and speed["group_size"] == 2 and speed["present"] == {}
    assert cafe_block["present"] == {by_name["Uwe Richter"]["id"]: []}
    [first, second] = cafe_block["tables"]
    assert first["host"] == by_name["Olena Kovalenko"]["id"] and first["language"] == "de"
    assert "host" not in second  # the host is not registered
    assert cafe_block["preferences"] == {by_name["Heike Lange"]["id"]: [second["id"], first["id"]]}
    affinity = {frozenset((a, b)): v for a, b, v in instance["sector_affinity"]}
    assert affinity[frozenset(("jobcenter", "sprachschule"))] == 2.0


def test_history_from_earlier_meeting_of_the_series(planned_meeting):
    earlier = planned_meeting(slug="frueher", date=berlin_today() - timedelta(days=200))
    solved = planning.solve_meeting(earlier, time_limit=10)
    planning.publish(solved.version)
    meeting = planned_meeting(slug="jetzt")
    instance = scheduling.build_instance(meeting)
    assert len(instance["history"]) == len(PEOPLE) // 2 * 4  # every pair that met in 4 rounds of pairs
    ids = {p["id"] for p in instance["participants"]}
    assert all(a in ids and b in ids for a, b in instance["history"])


def test_solve_store_publish_and_keep_versions(planned_meeting):
    meeting = planned_meeting()
    first = planning.solve_meeting(meeting, time_limit=10)
    assert first.version.status == DRAFT and first.version.number == 1
    report = scheduler.check(first.version.instance, first.version.plan)
    assert report["valid"] and report["score"] == first.version.score
    assert first.version.bound >= first.version.score
    planning.publish(first.version)
    second = planning.solve_meeting(meeting, time_limit=10, seed=3)
    planning.publish(second.version)
    db.session.expire_all()
    statuses = [v.status for v in meeting.plan_versions]
    assert statuses == [SUPERSEDED, PUBLISHED]
    assert scheduling.published(meeting).number == 2


def test_cli_plan_export_and_check(planned_meeting, runner, tmp_path):
    meeting = planned_meeting()
    result = runner.invoke(args=["plan", meeting.slug, "--time-limit", "10", "--publish"])
    assert result.exit_code == 0, result.output
    assert "score" in result.output and "bound" in result.output and "gap" in result.output
    result = runner.invoke(args=["export", meeting.slug, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    check = subprocess.run([sys.executable, "-m", "scheduler", "check", str(tmp_path / "instance.json"),
                            str(tmp_path / "plan.json")], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout)["valid"] is True


def test_cli_plan_unknown_meeting(runner):
    result = runner.invoke(args=["plan", "gibt-es-nicht"])
    assert result.exit_code != 0 and "kein Treffen" in result.output


def test_swap_into_colleague_is_explained_and_not_saved(planned_meeting, logged_in):
    meeting = planned_meeting()
    version = planning.solve_meeting(meeting, time_limit=10).version
    anna, jens = pid_of(meeting, "Anna Weber"), pid_of(meeting, "Jens Koch")
    block = version.plan["blocks"][0]
    group = next(g for g in block["rounds"][0] if anna in g)
    partner = next(p for p in group if p != anna)
    # swapping Jens into Anna's group seats two colleagues together
    data = {"action": "swap", "block": block["id"], "round": "0", "a": partner, "b": jens}
    url = f"/organisation/treffen/{meeting.slug}/plan/v{version.number}"
    answer = logged_in.post(url + "/pruefen", data=data).get_json()
    assert answer["ok"] is False
    messages = [v["message"] for v in answer["violations"]]
    assert "Runde 1: Anna Weber und Jens Koch arbeiten in derselben Organisation." in messages
    response = logged_in.post(url + "/aendern", data=data, follow_redirects=True)
    assert "arbeiten in derselben Organisation" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1


def valid_swap(version, round_index):
    """Two people in different groups whose swap breaks no rule, and the resulting plan."""
    block = version.plan["blocks"][0]
    groups = block["rounds"][round_index]
    for g, group in enumerate(groups):
        for other in groups[g + 1:]:
            for a in group:
                for b in other:
                    plan, found = planning.apply_change(version, {"action": "swap", "block": block["id"],
                                                                  "round": round_index, "a": a, "b": b})
                    if not found:
                        return a, b, plan
    raise AssertionError("no valid swap in this plan")


def test_valid_move_becomes_new_draft(planned_meeting, logged_in):
    meeting = planned_meeting(rounds=1)
    version = planning.solve_meeting(meeting, time_limit=10).version
    block = version.plan["blocks"][0]
    a, b, _ = valid_swap(version, 0)
    url = f"/organisation/treffen/{meeting.slug}/plan/v{version.number}"
    response = logged_in.post(url + "/aendern", data={"action": "swap", "block": block["id"], "round": "0",
                                                      "a": a, "b": b})
    assert response.status_code == 302
    new = planning.get_version(meeting, 2)
    assert new.source == "manual" and new.status == DRAFT
    assert any(a in g and b not in g for g in new.plan["blocks"][0]["rounds"][0])
    assert planning.get_version(meeting, 1).plan == version.plan  # the old version stays as it was


def test_move_and_swap_functions():
    plan = {"format": "netzwerktreffen-plan/1",
            "blocks": [{"id": "s", "rounds": [[["a", "b"], ["c", "d"], ["e", "f", "g"]]]},
                       {"id": "c", "rounds": [{"t1": ["h", "a"], "t2": ["i", "b"]}]}]}
    swapped = planning.swap(plan, "s", 0, "a", "d")
    assert swapped["blocks"][0]["rounds"][0] == [["d", "b"], ["c", "a"], ["e", "f", "g"]]
    moved = planning.move(plan, "s", 0, "g", "1")
    assert moved["blocks"][0]["rounds"][0] == [["a", "b", "g"], ["c", "d"], ["e", "f"]]
    moved = planning.move(plan, "c", 0, "a", "t2")
    assert moved["blocks"][1]["rounds"][0] == {"t1": ["h"], "t2": ["i", "b", "a"]}
    assert plan["blocks"][0]["rounds"][0][0] == ["a", "b"]  # the original is untouched
    with pytest.raises(PlanningError):
        planning.move(plan, "s", 0, "a", "9")
    with pytest.raises(PlanningError):
        planning.swap(plan, "s", 5, "a", "b")


def test_import_refuses_invalid_plan_and_accepts_valid(planned_meeting, logged_in):
    meeting = planned_meeting()
    version = planning.solve_meeting(meeting, time_limit=10).version
    url = f"/organisation/treffen/{meeting.slug}/plan/import"
    bad = json.loads(json.dumps(version.plan))
    rounds = bad["blocks"][0]["rounds"]
    rounds[1] = rounds[0]  # everyone meets their round-1 partner again
    response = logged_in.post(url, data={"plan_file": (io.BytesIO(json.dumps(bad).encode()), "plan.json")},
                              content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Der Plan wurde nicht übernommen" in page
    assert "treffen sich ein zweites Mal" in page
    response = logged_in.post(url, data={"plan_file": (io.BytesIO(b"{kein json"), "plan.json")},
                              content_type="multipart/form-data", follow_redirects=True)
    assert "kein gültiges JSON" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1
    response = logged_in.post(url, data={"plan_file": (io.BytesIO(json.dumps(version.plan).encode()), "p.json")},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    assert planning.get_version(meeting, 2).source == "import"


def test_pages_render(planned_meeting, logged_in):
    meeting = planned_meeting()
    version = planning.solve_meeting(meeting, time_limit=10).version
    base = f"/organisation/treffen/{meeting.slug}/plan"
    page = logged_in.get(f"{base}/v1").get_data(as_text=True)
    assert "Qualität auf einen Blick" in page and "<svg" in page
    assert "Anna Weber" in page and "Jobcenter Esslingen" in page
    group = version.plan["blocks"][0]["rounds"][0][0]
    why = logged_in.get(f"{base}/v1/warum?a={group[0]}&b={group[1]}")
    assert why.status_code == 200 and "Wert dieser Begegnung" in why.get_data(as_text=True)
    person = logged_in.get(f"{base}/v1/person/{scheduling.registration_id(group[0])}")
    assert person.status_code == 200 and "Runde" in person.get_data(as_text=True)
    instance = logged_in.get(f"{base}/instance.json").get_json()
    assert instance["format"] == "netzwerktreffen-instance/1"
    assert logged_in.get(f"{base}/v1/plan.json").get_json()["format"] == "netzwerktreffen-plan/1"
    assert logged_in.get(f"{base}/v99").status_code == 404


def test_compare_lists_changed_people(planned_meeting, logged_in):
    meeting = planned_meeting(rounds=2)
    first = planning.solve_meeting(meeting, time_limit=10).version
    a, b, changed = valid_swap(first, 1)
    changes = planning.differences(meeting, first.plan, changed)
    assert {c.round for c in changes} == {1}
    assert len({c.registration_id for c in changes}) == 4  # a, b and their two partners
    second = planning.store_version(meeting, first.instance, changed, source="manual")
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/vergleich?a=1&b={second.number}")
    assert "4 Personen haben einen geänderten Ablauf" in page.get_data(as_text=True)


def test_personal_link_shows_published_tables(planned_meeting, client):
    meeting = planned_meeting()
    version = planning.solve_meeting(meeting, time_limit=10).version
    anna = next(r for r in meeting.registrations if r.name == "Anna Weber")
    assert "Ihr persönlicher Ablauf" not in client.get(f"/r/{anna.token}").get_data(as_text=True)
    planning.publish(version)
    page = client.get(f"/r/{anna.token}").get_data(as_text=True)
    assert "Ihr persönlicher Ablauf" in page
    partner_id = next(m for g in version.plan["blocks"][0]["rounds"][0] if anna.id in
                      [scheduling.registration_id(x) for x in g] for m in g if m != scheduling.participant_id(anna))
    partner = db.session.get(type(anna), scheduling.registration_id(partner_id))
    assert partner.name in page and "10:00 Uhr" in page


def test_locks_are_kept_when_re_solving(planned_meeting):
    meeting = planned_meeting()
    people = {r.name: r for r in meeting.registrations}
    locks.add_lock(meeting.blocks[0], 2, people["Grace Mensah"].id, other_id=people["Sabine Wolf"].id)
    version = planning.solve_meeting(meeting, time_limit=10).version
    grace, sabine = pid_of(meeting, "Grace Mensah"), pid_of(meeting, "Sabine Wolf")
    assert any(grace in g and sabine in g for g in version.plan["blocks"][0]["rounds"][2])


def test_planning_refuses_meeting_without_people(make_meeting, organiser):
    meeting = make_meeting(organisers=[organiser])
    with pytest.raises(PlanningError, match="mindestens zwei"):
        planning.solve_meeting(meeting)


def test_background_job_in_process(planned_meeting, logged_in):
    meeting = planned_meeting()
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/plan/starten", data={"time_limit": "5"})
    assert response.status_code == 302
    job = db.session.scalar(select(PlanningJob))
    job = wait_for(job.id)
    assert job.status == "done", job.message
    status = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/lauf/{job.id}").get_json()
    assert status["status"] == "done" and status["version"] == 1
    assert status["best_score"] == pytest.approx(job.plan_version.score)
    assert status["bound"] >= status["best_score"]


def test_failed_job_shows_reason(make_meeting, organiser, logged_in):
    meeting = make_meeting(organisers=[organiser])
    response = logged_in.post(f"/organisation/treffen/{meeting.slug}/plan/starten", data={"time_limit": "5"},
                              follow_redirects=True)
    assert "mindestens zwei bestätigte Anmeldungen" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PlanningJob.id))) == 0


def test_rq_worker_path_with_real_redis(app, planned_meeting, monkeypatch, database, redis_url):
    """With REDIS_URL the job goes to Redis and an RQ worker (the `flask worker` code) runs it."""
    url = redis_url
    meeting = planned_meeting()
    app.config.update(REDIS_URL=url, RQ_QUEUE=f"test-{uuid.uuid4().hex[:8]}")
    job = jobs.start_job(meeting, time_limit=5)
    assert db.session.get(PlanningJob, job.id).status == "queued"  # nothing ran in the web process
    # the worker builds its own app from the environment, like `flask --app netzwerktreffen worker`
    monkeypatch.setenv("DATABASE_URL", database[1])
    monkeypatch.setenv("SECRET_KEY", "test")
    from netzwerktreffen.jobs import run_worker
    run_worker(app, burst=True)
    job = wait_for(job.id, 5)
    assert job.status == "done", job.message
    assert job.plan_version is not None and job.plan_version.status == DRAFT


def test_stopped_job_keeps_the_best_plan_so_far(planned_meeting):
    meeting = planned_meeting()
    job = PlanningJob(meeting=meeting, time_limit=120, status="queued", stop_requested=True)
    db.session.add(job)
    db.session.commit()
    jobs.run_job(job.id)  # what the worker runs
    db.session.expire_all()
    job = db.session.get(PlanningJob, job.id)
    assert job.status == "stopped", job.message
    assert job.plan_version is not None
    assert scheduler.check(job.plan_version.instance, job.plan_version.plan)["valid"]
    assert job.best_score == pytest.approx(job.plan_version.score)


def test_progress_is_written_to_the_job_while_solving(planned_meeting, monkeypatch):
    """The progress bar reads best score and bound from the job row; the solver reports into it."""
    meeting = planned_meeting()
    job = PlanningJob(meeting=meeting, time_limit=10, status="queued")
    db.session.add(job)
    db.session.commit()
    seen = []
    original = jobs.JobProgress.improved

    def spy(self, score, bound=None):
        original(self, score, bound)
        with self.engine.connect() as connection:
            seen.append(connection.execute(select(PlanningJob.best_score, PlanningJob.bound)
                                           .where(PlanningJob.id == self.job_id)).one())
    monkeypatch.setattr(jobs.JobProgress, "improved", spy)
    jobs.run_job(job.id)
    assert seen and seen[0][0] is not None  # written while the solver was still running
    db.session.expire_all()
    assert db.session.get(PlanningJob, job.id).status == "done"
