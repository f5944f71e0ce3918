"""In production, tasks wait in the database (`manage.py db_worker`) or, with REDIS_URL, in Redis
(`manage.py rqworker`) until a worker runs them."""

import os

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.factories.ticketing import OrderFactory
from ticketing import tasks


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_until_the_worker_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    order = OrderFactory(status="awaiting_approval")

    result = tasks.send_order_received.enqueue(order.pk)

    assert result.status == "READY"
    assert mail.outbox == []
    call_command("db_worker", "--batch", verbosity=0)
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [[order.email]]


@pytest.fixture
def rq_redis(settings):
    """A Redis database of this test process's own (xdist workers run side by side), emptied."""
    import redis

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = 15 - int(worker.removeprefix("gw")) % 8
    url = f"redis://127.0.0.1:6379/{number}"
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.ConnectionError as exc:  # the suite needs Redis on 127.0.0.1:6379: fail loudly
        raise AssertionError(f"Redis is not reachable at {url}: {exc}") from exc
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    yield connection
    connection.flushdb()


@pytest.mark.django_db
def test_rq_backend_queues_in_redis_until_a_worker_runs(rq_redis):
    """With REDIS_URL the tasks go through Redis: the request only enqueues, `rqworker` runs."""
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    order = OrderFactory(status="awaiting_approval")

    result = tasks.send_order_received.enqueue(order.pk)

    assert result.status == "READY"
    assert mail.outbox == []
    queue = django_rq.get_queue("default", job_class=Job)
    assert queue.count == 1
    # What `manage.py rqworker --job-class django_tasks_rq.Job --burst` does, in this process
    # (so the worker sees this test's transaction).
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert queue.count == 0
    assert tasks.send_order_received.get_result(result.id).status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [[order.email]]


@pytest.mark.django_db(transaction=True)
def test_the_worker_closes_a_connection_past_its_age_after_each_task(rq_redis):
    """As a request would (config/tasks.py): the tests keep no connection (CONN_MAX_AGE=0)."""
    import django_rq
    from django.db import connection
    from django_tasks_rq import Job
    from rq import SimpleWorker

    order = OrderFactory(status="awaiting_approval")
    tasks.send_order_received.enqueue(order.pk)
    assert connection.connection is not None

    queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

    assert [m.to for m in mail.outbox] == [[order.email]]
    assert connection.connection is None


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_when_tickets_are_sent_the_order_stays_paid_and_the_mail_is_retried(
    settings, monkeypatch, caplog
):
    """The tickets mail fails with the mail server unreachable: the order is paid and stays so,
    the task is queued again for a minute later, and that try sends the tickets."""
    import datetime as dt
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend
    from django.utils import timezone

    from tests.factories.ticketing import PaidTicketFactory
    from ticketing.services.orders import order_mark_paid

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ticket = PaidTicketFactory(order__status="pending")
    order = ticket.order
    real_send = EmailBackend.send_messages
    outage = [ConnectionRefusedError(111, "Connection refused"), smtplib.SMTPServerDisconnected("gone")]

    def flaky_send(self, messages):  # type: ignore[no-untyped-def]
        if outage:
            raise outage.pop(0)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send)

    order_mark_paid(order=order)
    call_command("db_worker", "--batch", verbosity=0)

    order.refresh_from_db()
    assert order.status == "paid"
    assert mail.outbox == []
    retry = DBTaskResult.objects.get(task_path="ticketing.tasks.render_and_send_tickets", status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 1}
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=50)
    assert "failed for now" in caplog.text

    # A minute later the server is still down once more, then it is back.
    for _ in range(2):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        call_command("db_worker", "--batch", verbosity=0)
    assert [m.to for m in mail.outbox] == [[order.email]]
    assert mail.outbox[0].attachments[0][0] == f"tickets-{order.code}.pdf"
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_permanent_mail_errors_are_not_retried():
    import smtplib

    from config.tasks import mail_error_is_transient

    assert mail_error_is_transient(ConnectionRefusedError())
    assert mail_error_is_transient(smtplib.SMTPServerDisconnected())
    assert mail_error_is_transient(smtplib.SMTPResponseException(421, b"busy"))
    assert not mail_error_is_transient(smtplib.SMTPResponseException(550, b"no such user"))
    assert not mail_error_is_transient(smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no")}))
    assert not mail_error_is_transient(ValueError("a bug"))


@pytest.mark.django_db(transaction=True)
def test_rq_retry_waits_in_the_scheduled_registry_until_the_scheduler_moves_it(rq_redis, monkeypatch, time_machine):
    """With Redis the retry of a failed mail is a scheduled RQ job: it runs only where a worker
    runs RQ's scheduler (`rqworker --with-scheduler`, docs/deploy.md)."""
    import django_rq
    from django.core.mail.backends.locmem import EmailBackend
    from django_tasks_rq import Job
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry
    from rq.scheduler import RQScheduler

    order = OrderFactory(status="awaiting_approval")
    real_send = EmailBackend.send_messages
    outage = [ConnectionRefusedError(111, "Connection refused")]

    def flaky_send(self, messages):  # type: ignore[no-untyped-def]
        if outage:
            raise outage.pop(0)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send)
    queue = django_rq.get_queue("default", job_class=Job)
    tasks.send_order_received.enqueue(order.pk)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

    assert mail.outbox == []
    assert queue.count == 0
    assert ScheduledJobRegistry(queue=queue).count == 1

    import datetime as dt

    from django.utils import timezone

    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    scheduler = RQScheduler([queue], connection=queue.connection)
    scheduler.acquire_locks()
    scheduler.enqueue_scheduled_jobs()
    scheduler.release_locks()
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert [m.to for m in mail.outbox] == [[order.email]]
