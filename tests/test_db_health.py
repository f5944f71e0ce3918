"""The PostgreSQL backend's per-request health check (config/postgresql/base.py): no round trip
while the connection is quiet, and a connection the server closed is still replaced."""

import select
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection as default_connection
from django.db import connections

from programme.models import Event

pytestmark = [
    pytest.mark.skipif(
        default_connection.vendor != "postgresql", reason="PostgreSQL's backend (CI runs the suite on it)"
    ),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Checked:
    connection: Any  # this thread's wrapper itself (not the proxy): its attributes are patched
    checks: list[bool] = field(default_factory=list)  # every real check (`SELECT 1`), and its answer

    def new_request(self) -> None:
        """What Django does at the start of a request on a kept connection."""
        self.connection.health_check_done = False


@pytest.fixture
def checked_db(monkeypatch: pytest.MonkeyPatch) -> Checked:
    """Health checks on (as in production), and every real check recorded."""
    checked = Checked(connections["default"])
    monkeypatch.setattr(checked.connection, "health_check_enabled", True)
    real = checked.connection.is_usable

    def counted() -> bool:
        usable = real()
        checked.checks.append(usable)
        return usable

    monkeypatch.setattr(checked.connection, "is_usable", counted)
    return checked


def _server_closes(connection: Any, pid: int) -> None:
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


def test_a_quiet_connection_is_kept_without_a_query(checked_db):
    checked_db.connection.ensure_connection()
    kept = checked_db.connection.connection
    checked_db.new_request()
    assert Event.objects.count() == 0
    assert checked_db.checks == []
    assert checked_db.connection.connection is kept
    assert checked_db.connection.health_check_done


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(checked_db):
    checked_db.connection.ensure_connection()
    pid = checked_db.connection.connection.info.backend_pid
    _server_closes(checked_db.connection, pid)
    checked_db.new_request()
    assert Event.objects.count() == 0  # would raise OperationalError on the dead connection
    assert checked_db.checks == [False]  # something on the socket: Django's own check ran and failed
    assert checked_db.connection.connection.info.backend_pid != pid


def test_inside_a_transaction_the_check_is_left_to_django(checked_db):
    checked_db.connection.ensure_connection()
    checked_db.connection.set_autocommit(False)
    try:
        checked_db.connection.cursor().execute("SELECT 1")  # the transaction is open now
        checked_db.new_request()
        checked_db.connection.close_if_health_check_failed()
        assert checked_db.checks == [True]
    finally:
        checked_db.connection.rollback()
        checked_db.connection.set_autocommit(True)
