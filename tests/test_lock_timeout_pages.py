"""A database lock timeout on any page answers 503 with Retry-After (`config.middleware`), on
PostgreSQL (lock_timeout, SQLSTATE 55P03) and on SQLite ("database is locked")."""

import json
import sqlite3

import psycopg
import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import LockTimeoutMiddleware, is_lock_timeout
from tests.db_locks import lock_held, short_lock_timeout  # noqa: F401 - a fixture
from tests.factories.ticketing import OrderFactory, TicketFactory
from ticketing.enums import OrderStatus, PaymentMethod
from ticketing.models import Order, Payment


def _wrapped(cause: Exception) -> OperationalError:
    """A database error as Django raises it: its own class, the driver's error as the cause."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as exc:
        return exc


def _pg_error(sqlstate: str, message: str) -> Exception:
    error_class = psycopg.errors.lookup(sqlstate)
    return error_class(message)


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (_pg_error("55P03", "canceling statement due to lock timeout"), True),
        # A server with German messages: the SQLSTATE still tells.
        (_pg_error("55P03", "storniere Anfrage wegen Zeitüberschreitung einer Sperre"), True),
        (_pg_error("40P01", "deadlock detected"), True),
        (_pg_error("57014", "canceling statement due to statement timeout"), False),
        (_pg_error("08006", "server closed the connection unexpectedly"), False),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: ticketing_order"), False),
    ],
)
def test_is_lock_timeout_reads_the_database_error(cause, expected):
    assert is_lock_timeout(_wrapped(cause)) is expected


def test_is_lock_timeout_only_for_database_errors():
    assert not is_lock_timeout(RuntimeError("database is locked"))


def _middleware_answer(path: str, exc: Exception) -> HttpResponse | None:
    middleware = LockTimeoutMiddleware(lambda request: HttpResponse())
    return middleware.process_exception(RequestFactory().get(path), exc)


def test_lock_timeout_page_is_bilingual_503_with_retry_after():
    response = _middleware_answer("/sccon2019/programme/", _wrapped(sqlite3.OperationalError("database is locked")))

    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Der Dienst ist ausgelastet" in body
    assert "The service is busy" in body


def test_lock_timeout_under_api_answers_the_error_shape():
    response = _middleware_answer("/api/v1/events/", _wrapped(_pg_error("55P03", "lock timeout")))

    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    body = json.loads(response.content)
    assert body["code"] == "service_unavailable"
    assert set(body) == {"code", "message", "extra"}


def test_other_errors_are_left_to_django():
    assert _middleware_answer("/", _wrapped(sqlite3.OperationalError("disk I/O error"))) is None
    assert _middleware_answer("/", ValueError("boom")) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("short_lock_timeout")
def test_admin_action_on_a_locked_order_answers_503(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "admin")
    client.force_login(admin)
    order = OrderFactory(status=OrderStatus.PENDING, payment_method=PaymentMethod.INVOICE)
    TicketFactory(order=order)

    with lock_held(lambda: Order.objects.select_for_update().get(pk=order.pk)):
        response = client.post("/admin/ticketing/order/", {"action": "mark_paid", "_selected_action": [order.pk]})

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "The service is busy" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"  # the other middleware still applies
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not Payment.objects.exists()
