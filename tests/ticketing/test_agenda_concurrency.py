"""Workshop seats never go past capacity and a holder never gets two overlapping seats, whatever
the concurrency (real threads, one connection each; PostgreSQL locks the session's and the
ticket's rows, SQLite serialises writers at BEGIN IMMEDIATE)."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from tests.ticketing.agenda_helpers import future_event, holder, publish, workshop
from ticketing.models import SeatBooking, WaitingListEntry
from ticketing.services.agenda import seat_book, seat_cancel

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(calls: list[Callable[[], Any]]) -> Counter[str]:
    barrier = threading.Barrier(len(calls))
    results: Counter[str] = Counter()
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            try:
                outcome = type(calls[index]()).__name__
            except Exception as exc:
                outcome = getattr(exc, "code", type(exc).__name__)
        finally:
            connections.close_all()
        with lock:
            results[outcome] += 1

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        list(pool.map(run, range(len(calls))))
    return results


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    return future_event()


def test_never_past_capacity_at_any_concurrency(event):
    w = workshop(event, seats=5)
    publish(event, "1.0")
    tickets = [holder(event, f"H{n}") for n in range(24)]

    results = at_once([lambda t=t: seat_book(ticket=t, session_id=w.pk) for t in tickets])

    assert results == Counter({"SeatBooking": 5, "session_full": 19})
    assert SeatBooking.objects.filter(session=w, cancelled_at__isnull=True).count() == 5


def test_one_holder_booking_two_overlapping_sessions_at_once_gets_one(event):
    first = workshop(event, seats=10, hour=10)
    second = workshop(event, seats=10, hour=10, minutes=30)
    publish(event, "1.0")
    ticket = holder(event)

    results = at_once([lambda s=s: seat_book(ticket=ticket, session_id=s.pk) for s in [first, second] * 4])

    assert SeatBooking.objects.filter(ticket=ticket, cancelled_at__isnull=True).count() == 1
    assert results["SeatBooking"] == 4 and results["seat_overlap"] == 4  # the same booking, four times


def test_two_seats_freed_at_the_same_moment_go_to_the_first_two_in_line(event):
    w = workshop(event, seats=2)
    publish(event, "1.0")
    a, b, c, d, e = (holder(event, n) for n in "ABCDE")
    seat_book(ticket=a, session_id=w.pk)
    seat_book(ticket=b, session_id=w.pk)
    for t in (c, d, e):
        seat_book(ticket=t, session_id=w.pk, waitlist=True)

    at_once([lambda: seat_cancel(ticket=a, session_id=w.pk), lambda: seat_cancel(ticket=b, session_id=w.pk)])

    holders = set(SeatBooking.objects.filter(session=w, cancelled_at__isnull=True).values_list("ticket", flat=True))
    assert holders == {c.pk, d.pk}
    assert WaitingListEntry.objects.get(ticket=e).promoted_at is None
