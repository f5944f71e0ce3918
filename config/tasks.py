"""Task plumbing: the worker's database connections, and mail retried when the server is down.

The worker's connections are looked after as a request's are.

A long-running RQ worker (`rqworker --worker-class rq.worker.SimpleWorker --with-scheduler`) runs one task after
another in one process. Django closes a connection that is broken or past `CONN_MAX_AGE` at the
start and end of every request; this does the same around every task (django-tasks-rq sends the
signals of the `django_tasks` package), so a database restart costs one failed task, not a
worker that fails every task after it.
"""

import datetime as dt
import functools
import logging
import smtplib
from collections.abc import Callable
from typing import Any, ParamSpec

from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
P = ParamSpec("P")


def close_old_connections(**kwargs: Any) -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # a task run inside a test's transaction keeps it
            connection.close_if_unusable_or_obsolete()


def connect() -> None:
    from django_tasks.signals import task_finished, task_started

    task_started.connect(close_old_connections, dispatch_uid="config-tasks-started")
    task_finished.connect(close_old_connections, dispatch_uid="config-tasks-finished")


# --- tasks tried again after a passing outage (the mail server, Stripe) -----------------------

# Seconds until the next try after a transient error: 1 min, 5 min, 30 min, 2 h, 6 h.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)


def mail_error_is_transient(exc: BaseException) -> bool:
    """A mail server that is down, unreachable, or answers 4xx ("try again later"). A 5xx answer
    or refused recipients are permanent: trying again would only repeat them."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPException | OSError)


def retried_later(is_transient: Callable[[BaseException], bool]) -> Callable[[Callable[P, None]], Callable[..., None]]:
    """For a task (put it beneath `@task`): when it fails with an error `is_transient` accepts,
    it is enqueued again with `attempt=n + 1` to run after `RETRY_DELAYS[n]`, and this attempt ends
    without an error (the order, payment or booking it is about committed before it was
    enqueued). After the last delay, or with a backend that cannot defer (the immediate one of
    debug and tests), the error is raised and the task fails visibly."""

    def decorate(func: Callable[P, None]) -> Callable[..., None]:
        @functools.wraps(func)
        def wrapper(*args: Any, attempt: int = 0, **kwargs: Any) -> None:
            try:
                func(*args, **kwargs)
            except Exception as exc:
                task = import_string(f"{func.__module__}.{func.__name__}")
                if not is_transient(exc) or attempt >= len(RETRY_DELAYS) or not task.get_backend().supports_defer:
                    raise
                delay = RETRY_DELAYS[attempt]
                task.using(run_after=timezone.now() + dt.timedelta(seconds=delay)).enqueue(
                    *args, attempt=attempt + 1, **kwargs
                )
                logger.warning("%s%r failed for now (%s); try %d in %d s", func.__name__, args, exc, attempt + 2, delay)

        return wrapper

    return decorate


retried_on_mail_errors = retried_later(mail_error_is_transient)


def enqueue_safely(task: Any, *args: Any) -> bool:
    """Enqueue `task(*args)`; when the queue cannot take it (Redis down), log it as an error with
    what to run again instead of failing the request whose transaction has already committed (the
    order, payment or booking is kept; its mail can be sent again from admin)."""
    try:
        task.enqueue(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r: the task queue is unavailable.", getattr(task, "name", task), args)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """`enqueue_safely(task, *args)` once the current transaction commits."""
    transaction.on_commit(lambda: enqueue_safely(task, *args))
