"""Two organisers confirming two applications onto one booth at the same moment: exactly one is
confirmed, the other gets `booth_taken` (real threads, one connection each; PostgreSQL locks the
booth's row, SQLite serialises writers at BEGIN IMMEDIATE)."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from exhibitors.enums import BookingStatus, BoothStatus
from exhibitors.exceptions import ExhibitorsError
from exhibitors.models import Booth, BoothBooking
from exhibitors.services.booking import booking_confirm
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _confirm_at_once(bookings, booth):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(bookings))
    results: Counter[str] = Counter()
    lock = threading.Lock()

    def confirm(booking):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            try:
                booking_confirm(booking=booking, booth=booth)
                key = "confirmed"
            except ExhibitorsError as exc:
                key = exc.code
        finally:
            connections.close_all()
        with lock:
            results[key] += 1

    with ThreadPoolExecutor(max_workers=len(bookings)) as pool:
        list(pool.map(confirm, bookings))
    return results


@pytest.mark.parametrize("organisers", [2, 8])
def test_simultaneous_confirms_onto_one_booth_confirm_exactly_one(organisers):
    booth = BoothFactory()
    bookings = [BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event)) for _ in range(organisers)]

    results = _confirm_at_once(bookings, booth)

    assert results == Counter({"confirmed": 1, "booth_taken": organisers - 1})
    assert BoothBooking.objects.filter(booth=booth, status=BookingStatus.CONFIRMED).count() == 1
    assert BoothBooking.objects.filter(status=BookingStatus.APPLIED).count() == organisers - 1
    assert Booth.objects.get(pk=booth.pk).status == BoothStatus.BOOKED


def test_issuing_one_bookings_passes_at_once_makes_one_order():
    from decimal import Decimal

    from exhibitors.services.booking import booking_passes_issue
    from tests.factories.ticketing import TicketTypeFactory
    from ticketing.enums import TicketCategory
    from ticketing.models import Order

    booth = BoothFactory(width=Decimal("3"), depth=Decimal("3"))
    TicketTypeFactory(event=booth.event, category=TicketCategory.EXHIBITOR_PASS)
    booking = booking_confirm(
        booking=BoothBookingFactory(exhibitor=ExhibitorFactory(event=booth.event)), booth=booth, issue_passes=False
    )
    barrier = threading.Barrier(6)
    orders: list[int] = []

    def issue(_: int) -> None:
        try:
            barrier.wait()
            order = booking_passes_issue(booking=booking)
            assert order is not None
            orders.append(order.pk)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(issue, range(6)))

    assert len(set(orders)) == 1 and len(orders) == 6
    assert Order.objects.get().tickets.count() == 3
