"""The queue runs tasks by name: every name the app enqueues is a task of netzwerktreffen.tasks."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import netzwerktreffen
from netzwerktreffen.core import worker

PACKAGE = Path(netzwerktreffen.__file__).parent


def enqueued_names() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        names |= set(re.findall(r'"(netzwerktreffen\.tasks\.\w+)"', path.read_text(encoding="utf-8")))
    return names


def test_every_enqueued_name_is_a_task():
    names = enqueued_names()
    # mail delivery, planning, schedules (re-planning's change notices are queued in its own transaction)
    assert names >= {"netzwerktreffen.tasks.deliver_mail", "netzwerktreffen.tasks.run_planning_job",
                     "netzwerktreffen.tasks.queue_schedules"}
    for name in names:
        assert callable(worker.task_function(name))


@pytest.mark.parametrize("name", ["netzwerktreffen.tasks.nothing", "netzwerktreffen.mail.outbox.deliver_due",
                                  "os.system", "tasks"])
def test_other_names_are_refused(name):
    with pytest.raises(ValueError):
        worker.task_function(name)


def test_a_task_runs_in_the_background_with_an_app_context(app, published_meeting):
    meeting = published_meeting()
    """In-process (no Redis): enqueue returns a Future whose result is the task's."""
    with app.app_context():
        future = worker.enqueue("netzwerktreffen.tasks.queue_schedules", meeting.id, "")
        assert future.result(timeout=120) >= 1
