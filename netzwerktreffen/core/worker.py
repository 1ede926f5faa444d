"""Background jobs: an in-process thread by default, RQ workers on Redis when REDIS_URL is set.

A job is a task of ``netzwerktreffen.tasks``, named by its dotted path, with
JSON-able arguments; ``enqueue`` never blocks a web request. With Redis,
``flask --app netzwerktreffen worker`` runs the jobs (``netzwerktreffen.jobs``).
This module is the queue only: it imports no task and no service; the task is
looked up by name when it runs.
"""
from __future__ import annotations

import importlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from flask import Flask, current_app

from netzwerktreffen.core.extensions import db

log = logging.getLogger(__name__)

QUEUE_NAME = "netzwerktreffen"
TASKS_MODULE = "netzwerktreffen.tasks"
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def task_function(name: str) -> Callable:
    """The task called ``name`` (``"netzwerktreffen.tasks.<task>"``); ValueError for any other name."""
    module, _, attribute = name.rpartition(".")
    function = getattr(importlib.import_module(module), attribute, None) if module == TASKS_MODULE else None
    if not callable(function):
        raise ValueError(f"{name} is not a task of {TASKS_MODULE}")
    return function


CONNECT_TIMEOUT = 5  # seconds: an unreachable Redis fails fast instead of holding a web request


def redis_connection(url: str, timeout: float | None = None):
    """A Redis client; ``timeout`` also bounds each command (web requests), the worker waits without one."""
    from redis import Redis
    return Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=timeout)


def queue(app: Flask | None = None, timeout: float | None = None):
    from rq import Queue
    app = app or current_app
    return Queue(app.config.get("RQ_QUEUE", QUEUE_NAME),
                 connection=redis_connection(app.config["REDIS_URL"], timeout))


def enqueue(name: str, *args, timeout: int = 3600, job_id: str | None = None,
            in_process: bool = False) -> Future | str:
    """Run the task ``name`` (``"netzwerktreffen.tasks.<task>"``) with ``args`` in the background,
    inside an app context.

    Returns the in-process Future (embedded default, or ``in_process``) or the RQ
    job id (``job_id`` when given). Errors of Redis reach the caller.
    """
    app = current_app._get_current_object()
    task_function(name)  # a wrong name fails here, in the caller, not later in the worker
    if app.config.get("REDIS_URL") and not in_process:
        job = queue(app, timeout=CONNECT_TIMEOUT).enqueue(run_task, name, *args, job_timeout=timeout,
                                                          job_id=job_id)
        return job.id
    return _thread_pool().submit(_run_with_app, app, name, args)


def rq_job_gone(job_id: str, app: Flask | None = None) -> bool | None:
    """Whether an RQ job will never run (any more): deleted, failed, stopped, cancelled or finished.

    None when Redis cannot say (unreachable).
    """
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus
    app = app or current_app
    connection = redis_connection(app.config["REDIS_URL"], timeout=CONNECT_TIMEOUT)
    try:
        status = Job.fetch(job_id, connection=connection).get_status(refresh=False)
    except NoSuchJobError:
        return True
    except Exception as error:  # noqa: BLE001 - Redis unreachable or confused: we cannot tell
        log.warning("cannot ask Redis about job %s: %s", job_id, error)
        return None
    finally:
        connection.close()
    return status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED, None)


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="netzwerktreffen-worker")
        return _executor


def _run_with_app(app: Flask, name: str, args: tuple):
    with app.app_context():
        try:
            return task_function(name)(*args)
        except Exception:
            log.exception("background task %s failed", name)
            raise
        finally:
            db.session.remove()


def run_task(name: str, *args):
    """The RQ entry point: a fresh app (from the environment) runs the named task."""
    app = importlib.import_module("netzwerktreffen").create_app()
    return _run_with_app(app, name, args)
