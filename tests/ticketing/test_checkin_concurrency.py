"""Two doors scanning one ticket at the same moment get exactly one `ok` (real threads, one
connection each; PostgreSQL locks the ticket's row, SQLite serialises writers at BEGIN IMMEDIATE)."""

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from programme.models import BERLIN
from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory, PaidTicketFactory, device_with_token
from ticketing.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True)

SCANS = 24  # simultaneous scans of one ticket, from alternating devices


@pytest.fixture
def today_event():  # type: ignore[no-untyped-def]
    today = timezone.now().astimezone(BERLIN).date()
    event = EventFactory(start_on=today - dt.timedelta(days=1), end_on=today + dt.timedelta(days=1))
    CheckInListFactory(event=event)
    return event


def _scan_at_once(event, tokens, bodies):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(bodies))
    results: Counter[str] = Counter()
    lock = threading.Lock()

    def scan(index: int) -> None:
        try:
            client = APIClient(HTTP_AUTHORIZATION=f"Device {tokens[index % len(tokens)]}")
            barrier.wait()
            response = client.post(f"/api/v1/events/{event.slug}/checkin/scan/", bodies[index], format="json")
            key = response.json()["result"] if response.status_code == 200 else str(response.status_code)
        finally:
            connections.close_all()
        with lock:
            results[key] += 1

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        list(pool.map(scan, range(len(bodies))))
    return results


def test_double_scan_at_two_doors_gives_exactly_one_ok(today_event):
    ticket = PaidTicketFactory(order__event=today_event)
    tokens = [device_with_token(event=today_event, name=f"Door {n}")[1] for n in (1, 2)]

    results = _scan_at_once(today_event, tokens, [{"code": ticket.code}] * SCANS)

    assert results == Counter({"ok": 1, "already_checked_in": SCANS - 1})
    assert CheckIn.objects.filter(ticket=ticket, result="ok").count() == 1
    assert CheckIn.objects.filter(ticket=ticket).count() == SCANS


def test_resends_of_one_scan_at_once_record_it_once(today_event):
    ticket = PaidTicketFactory(order__event=today_event)
    _device, token = device_with_token(event=today_event)

    results = _scan_at_once(today_event, [token], [{"code": ticket.code, "nonce": "same-scan"}] * 12)

    assert results == Counter({"ok": 12})
    assert CheckIn.objects.count() == 1


def test_resends_of_an_invalid_scan_at_once_record_it_once(today_event):
    _device, token = device_with_token(event=today_event)

    results = _scan_at_once(today_event, [token], [{"code": "not-a-ticket", "nonce": "same-bad-scan"}] * 12)

    assert results == Counter({"invalid": 12})
    assert CheckIn.objects.count() == 1
