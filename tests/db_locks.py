"""Real database locks for lock-timeout tests: another connection holds a lock while this one
gives up after a short wait (PostgreSQL `lock_timeout`, SQLite's busy timeout).

    @pytest.mark.usefixtures("short_lock_timeout")   # imported from this module
    def test_x():
        with lock_held(lambda: Order.objects.select_for_update().get(pk=order.pk)):
            response = client.post(...)   # waits 200 ms, then 503

Tests using them need `@pytest.mark.django_db(transaction=True)`: the holder's transaction must
be real, and visible to this connection.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

SHORT_LOCK_TIMEOUT_MS = 200


@contextmanager
def lock_held(take: Callable[[], Any]) -> Iterator[None]:
    """Call `take` inside a transaction on a second connection (its own thread) and keep that
    transaction open until the block ends. On SQLite the transaction alone holds the write lock
    (`BEGIN IMMEDIATE`); on PostgreSQL `take` locks rows, e.g. with `select_for_update()`."""
    ready, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                take()
                ready.set()
                release.wait(timeout=30)
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)
            ready.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert ready.wait(timeout=10), "the lock holder did not start"
    if errors:
        raise errors[0]
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=30)


@pytest.fixture
def short_lock_timeout(transactional_db: None) -> Iterator[int]:
    """This test's connection waits at most 200 ms for a lock (production: 5 s on PostgreSQL,
    20 s on SQLite), as if `DATABASE_LOCK_TIMEOUT_MS` were 200."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET lock_timeout = {SHORT_LOCK_TIMEOUT_MS}")
        else:
            cursor.execute(f"PRAGMA busy_timeout = {SHORT_LOCK_TIMEOUT_MS}")
    yield SHORT_LOCK_TIMEOUT_MS
    if connection.connection is None:
        return  # closed meanwhile: the next connection starts with the configured timeout
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("RESET lock_timeout")
        else:
            cursor.execute("PRAGMA busy_timeout = 20000")
