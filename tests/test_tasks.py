"""In production, tasks wait in the database until `manage.py db_worker` runs them."""

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
