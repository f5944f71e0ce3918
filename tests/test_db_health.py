"""The PostgreSQL backend's per-request health check (config/postgresql/base.py): no round trip
while the connection is quiet, and a connection the server closed is still replaced."""

import select
import time

import pytest
from django.db import connections

from programme.models import Event

connection = connections["default"]  # the wrapper itself, not the proxy: its attributes are patched

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend (CI runs the suite on it)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Health checks on (as in production), and every real check (`SELECT 1`) recorded."""
    monkeypatch.setattr(connection, "health_check_enabled", True)
    calls: list[bool] = []
    real = connection.is_usable

    def counted() -> bool:
        usable = real()
        calls.append(usable)
        return usable

    monkeypatch.setattr(connection, "is_usable", counted)
    return calls


def _new_request() -> None:
    """What Django does at the start of a request on a kept connection."""
    connection.health_check_done = False


def _server_closes(pid: int) -> None:
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN | select.POLLHUP)
    deadline = time.monotonic() + 10
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the terminated backend's goodbye never arrived"


def test_a_quiet_connection_is_kept_without_a_query(checks):
    connection.ensure_connection()
    kept = connection.connection
    _new_request()
    assert Event.objects.count() == 0
    assert checks == []
    assert connection.connection is kept
    assert connection.health_check_done


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(checks):
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    _server_closes(pid)
    _new_request()
    assert Event.objects.count() == 0  # would raise OperationalError on the dead connection
    assert checks == [False]  # something on the socket: Django's own check ran and failed
    assert connection.connection.info.backend_pid != pid


def test_inside_a_transaction_the_check_is_left_to_django(checks):
    connection.ensure_connection()
    connection.set_autocommit(False)
    try:
        connection.cursor().execute("SELECT 1")  # the transaction is open now
        _new_request()
        connection.close_if_health_check_failed()
        assert checks == [True]
    finally:
        connection.rollback()
        connection.set_autocommit(True)
