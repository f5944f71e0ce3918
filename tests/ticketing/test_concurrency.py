"""Nothing sells past capacity, whatever the concurrency (real threads, one connection each)."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from rest_framework.test import APIClient

from tests.factories.ticketing import QuotaFactory, TicketTypeFactory
from ticketing.enums import OrderStatus
from ticketing.models import Invoice, Order, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 200
WORKERS = 40  # simultaneous connections (PostgreSQL allows 100 by default)
BILLING = {
    "name": "Erika Mustermann",
    "street": "Rathausplatz 1",
    "postcode": "12345",
    "city": "Berlin",
    "country": "DE",
}


def _rush(event_slug: str, *ticket_type_ids: int) -> Counter[tuple[int, str]]:
    barrier = threading.Barrier(WORKERS)
    results: Counter[tuple[int, str]] = Counter()
    lock = threading.Lock()

    def buy(index: int) -> None:
        if index < WORKERS:
            barrier.wait()  # the first wave starts at the same moment
        try:
            response = APIClient().post(
                f"/api/v1/events/{event_slug}/orders/",
                {
                    "email": f"buyer{index}@example.org",
                    "tickets": [
                        {
                            "ticket_type": ticket_type_ids[index % len(ticket_type_ids)],
                            "attendee_name": f"Buyer {index}",
                        }
                    ],
                    "payment_method": "invoice",
                    "billing": BILLING,
                },
                format="json",
                REMOTE_ADDR=f"10.1.{index // 250}.{index % 250 + 1}",  # buyers at their own addresses
            )
            body = response.json()
            key = (response.status_code, body.get("code", "") if response.status_code != 201 else "")
        finally:
            connections.close_all()
        with lock:
            results[key] += 1

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(buy, range(BUYERS)))
    return results


def test_rush_on_fifty_seats_sells_exactly_fifty(future_event):
    seats = TicketTypeFactory(event=future_event, capacity=50)

    results = _rush(future_event.slug, seats.pk)

    assert results == Counter({(201, ""): 50, (409, "sold_out"): BUYERS - 50})
    assert Ticket.objects.filter(ticket_type=seats).count() == 50
    assert Order.objects.filter(status=OrderStatus.PENDING).count() == 50
    # Every order is invoiced as it is placed: one number each, no gaps, none used twice.
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, 51))
    assert Invoice.objects.values("order").distinct().count() == 50


def test_rush_on_a_shared_quota_never_oversells(future_event):
    quota = QuotaFactory(event=future_event, size=30)
    three_day = TicketTypeFactory(event=future_event)
    day = TicketTypeFactory(event=future_event)
    quota.ticket_types.add(three_day, day)

    results = _rush(future_event.slug, three_day.pk, day.pk)

    assert results == Counter({(201, ""): 30, (409, "sold_out"): BUYERS - 30})
    assert Ticket.objects.filter(ticket_type__in=[three_day, day]).count() == 30
