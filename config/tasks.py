"""The task worker's database connections, looked after as a request's are.

A long-running RQ worker (`rqworker --worker-class rq.worker.SimpleWorker`) runs one task after
another in one process. Django closes a connection that is broken or past `CONN_MAX_AGE` at the
start and end of every request; this does the same around every task (django-tasks-rq sends the
signals of the `django_tasks` package), so a database restart costs one failed task, not a
worker that fails every task after it.
"""

from typing import Any

from django.db import connections


def close_old_connections(**kwargs: Any) -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # a task run inside a test's transaction keeps it
            connection.close_if_unusable_or_obsolete()


def connect() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(close_old_connections, dispatch_uid="config-tasks-started")
    task_finished.connect(close_old_connections, dispatch_uid="config-tasks-finished")
