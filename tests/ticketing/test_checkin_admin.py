"""Admin of door check-in: lists, devices (token shown once, revoke), the scans and live figures."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from programme.models import BERLIN
from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory, PaidTicketFactory, device_with_token
from ticketing.models import CheckIn, Device
from ticketing.services.checkin import OfflineScan, checkin_sync, ticket_scan

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2019, 10, 22, 9, 30, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _english_and_during_the_edition(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    return EventFactory(start_on=MORNING.date())


def test_device_added_in_admin_shows_its_token_once_and_it_works(admin_client, event):
    main = CheckInListFactory(event=event)
    ticket = PaidTicketFactory(order__event=event)

    response = admin_client.post(
        reverse("admin:ticketing_device_add"),
        {"event": event.pk, "name": "Hall A door 2", "kind": "door", "checkin_list": main.pk, "language": "en"},
        follow=True,
    )

    token = re.search(r"<code id='device-token'>([^<]+)</code>", response.content.decode()).group(1)
    device = Device.objects.get()
    assert (device.name, device.checkin_list, device.created_by.username) == ("Hall A door 2", main, "admin")
    assert token not in admin_client.get(reverse("admin:ticketing_device_change", args=[device.pk])).content.decode()
    scan = APIClient(HTTP_AUTHORIZATION=f"Device {token}").post(
        f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}
    )
    assert scan.json()["result"] == "ok"


def test_revoke_action_stops_the_token(admin_client, event):
    CheckInListFactory(event=event)
    device, token = device_with_token(event=event)

    admin_client.post(
        reverse("admin:ticketing_device_changelist"), {"action": "revoke", "_selected_action": [device.pk]}
    )

    device.refresh_from_db()
    assert device.revoked_at is not None
    response = APIClient(HTTP_AUTHORIZATION=f"Device {token}").post(
        f"/api/v1/events/{event.slug}/checkin/scan/", {"code": "x"}
    )
    assert response.status_code == 401


def test_device_rename_keeps_its_token(admin_client, event):
    CheckInListFactory(event=event)
    device, token = device_with_token(event=event)

    admin_client.post(
        reverse("admin:ticketing_device_change", args=[device.pk]),
        {"name": "Renamed", "checkin_list": "", "language": "de"},
    )

    device.refresh_from_db()
    assert device.name == "Renamed"
    assert (
        APIClient(HTTP_AUTHORIZATION=f"Device {token}")
        .post(f"/api/v1/events/{event.slug}/checkin/scan/", {"code": "x"})
        .status_code
        == 200
    )


def test_checkin_changelist_filters_and_search(admin_client, event):
    main = CheckInListFactory(event=event)
    ticket = PaidTicketFactory(order__event=event, attendee_name="Erika Mustermann")
    ticket_scan(event=event, code=ticket.code, checkin_list_id=main.pk)
    ticket_scan(event=event, code="garbage", checkin_list_id=main.pk)
    url = reverse("admin:ticketing_checkin_changelist")

    assert admin_client.get(url).status_code == 200
    assert "Erika Mustermann" in admin_client.get(url, {"q": "Mustermann"}).content.decode()
    refused = admin_client.get(url, {"result__exact": "invalid"}).content.decode()
    assert "Erika Mustermann" not in refused
    assert admin_client.get(reverse("admin:ticketing_checkin_add")).status_code == 403


def test_live_figures(admin_client, event):
    main = CheckInListFactory(event=event, name_de="Haupteingang")
    hall = CheckInListFactory(event=event, name_de="Halle B", is_default=False)
    tickets = [PaidTicketFactory(order__event=event) for _ in range(3)]
    device, _token = device_with_token(event=event, name="Door A")
    for ticket in tickets:
        ticket_scan(event=event, code=ticket.code, checkin_list_id=main.pk, device=device)
    ticket_scan(event=event, code=tickets[0].code, checkin_list_id=main.pk, direction="out")
    ticket_scan(event=event, code=tickets[1].code, checkin_list_id=hall.pk)
    ticket_scan(event=event, code="garbage", checkin_list_id=main.pk)
    checkin_sync(
        event=event,
        scans=[OfflineScan(code=tickets[2].code, nonce="offline-twice", scanned_at=MORNING, offline_result="ok")],
        device=device,
    )

    response = admin_client.get(reverse("admin:ticketing_checkin_live"), {"event": event.pk})

    page = response.content.decode()
    assert response.status_code == 200
    # Inside now: tickets 1 and 2 (ticket 0 went out); per list: main 2, hall 1.
    assert re.search(r'id="figure-inside"><strong>2</strong>', page)
    assert re.search(r'id="figure-conflicts"><strong>1</strong>', page)
    rows = re.findall(
        r"<tr><th scope=\"row\"><a [^>]+>([^<]+)</a>[^<]*(?:\([^)]*\))?</th>((?:<td[^>]*>\d+</td>)+)</tr>", page
    )
    numbers = {name: re.findall(r">(\d+)<", cells) for name, cells in rows}
    assert numbers["Haupteingang"] == ["2", "3", "1", "2"]  # inside, entries, exits, refused (garbage + conflict)
    assert numbers["Halle B"] == ["1", "1", "0", "0"]
    assert "Door A" in page
    assert CheckIn.objects.filter(is_conflict=True).count() == 1


def test_live_figures_needs_view_permission(client, django_user_model, event):
    user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(reverse("admin:ticketing_checkin_live")).status_code == 403
