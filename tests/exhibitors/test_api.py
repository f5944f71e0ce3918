"""The exhibitors API: directory and booths (paginated, constant queries), lead scans and isolation."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from exhibitors.models import Lead
from exhibitors.services.booking import booking_confirm
from exhibitors.services.leads import lead_consent_grant
from tests.factories.exhibitors import (
    BoothBookingFactory,
    BoothFactory,
    ExhibitorCategoryFactory,
    ExhibitorFactory,
    ExhibitorStaffFactory,
    lead_device_with_token,
)
from tests.factories.ticketing import PaidTicketFactory, device_with_token

pytestmark = pytest.mark.django_db


def _booked(event, count):  # type: ignore[no-untyped-def]
    category = ExhibitorCategoryFactory()
    for _ in range(count):
        exhibitor = ExhibitorFactory(event=event)
        exhibitor.categories.add(category)
        booking_confirm(booking=BoothBookingFactory(exhibitor=exhibitor), booth=BoothFactory(event=event))
    return category


def _device_client(token):  # type: ignore[no-untyped-def]
    return APIClient(HTTP_AUTHORIZATION=f"Device {token}")


def _leads_url(event, suffix=""):  # type: ignore[no-untyped-def]
    return f"/api/v1/events/{event.slug}/leads/{suffix}"


# Directory and booths --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_exhibitor_list_query_count_is_constant(client, django_assert_num_queries, event, count):
    _booked(event, count)
    # event, count, exhibitors, categories prefetch, confirmed bookings (with booth and hall)
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/events/{event.slug}/exhibitors/")
    data = response.json()
    assert data["count"] == count
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["results"][0]["booths"][0]["number"].startswith("B")
    assert data["results"][0]["url"].endswith(f"/{event.slug}/exhibitors/{data['results'][0]['slug']}/")


@pytest.mark.parametrize("count", [1, 3])
def test_booth_list_query_count_is_constant(client, django_assert_num_queries, event, count):
    _booked(event, count)
    # event, rates, count, booths (with hall), confirmed bookings (with exhibitor)
    with django_assert_num_queries(5):
        response = client.get(f"/api/v1/events/{event.slug}/booths/")
    data = response.json()
    assert data["count"] == count
    booth = data["results"][0]
    assert (booth["type"], booth["area"], booth["price"], booth["status"]) == ("row", "12.00", "3120.00", "booked")
    assert booth["exhibitor"]


def test_exhibitor_list_filters_and_hides_unpublished(client, event):
    category = _booked(event, 2)
    ExhibitorFactory(event=event, name="Hidden GmbH", is_public=False)
    ExhibitorFactory(event=event, name="Suchbar Software")

    url = f"/api/v1/events/{event.slug}/exhibitors/"
    assert client.get(url).json()["count"] == 3
    assert [e["name"] for e in client.get(url, {"q": "suchbar"}).json()["results"]] == ["Suchbar Software"]
    assert client.get(url, {"category": category.slug}).json()["count"] == 2
    hall = BoothFactory(event=event).hall
    assert client.get(url, {"hall": hall.pk}).json()["count"] == 2


@pytest.mark.parametrize("params", [{"hall": "x"}, {"hall": "0"}, {"category": "not a slug!"}])
def test_exhibitor_list_malformed_filter_is_400(client, event, params):
    response = client.get(f"/api/v1/events/{event.slug}/exhibitors/", params)
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "extra"}
    assert response.json()["code"] == "invalid"


def test_unknown_edition_is_404(client, db):
    response = client.get("/api/v1/events/nope/booths/")
    assert response.status_code == 404
    assert response.json()["code"] == "event_not_found"


# Leads -----------------------------------------------------------------------------------------


def test_lead_post_creates_then_updates(event, exhibitor, ticket, lead_token):
    client = _device_client(lead_token)

    first = client.post(_leads_url(event), {"code": ticket.code, "consent": False, "rating": 3}, format="json")
    second = client.post(
        _leads_url(event), {"code": ticket.code, "consent": False, "notes": "Zurückrufen"}, format="json"
    )

    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["scans"] == 2
    assert second.json()["notes"] == "Zurückrufen"
    assert Lead.objects.get().scanned_by_device is not None


def test_lead_post_stores_contact_only_with_opt_in_and_consent(event, exhibitor, ticket, lead_token):
    client = _device_client(lead_token)
    no_opt_in = client.post(_leads_url(event), {"code": ticket.code, "consent": True}, format="json").json()
    assert (no_opt_in["consent"], no_opt_in["name"], no_opt_in["email"]) == (False, "", "")

    lead_consent_grant(ticket=ticket)
    with_opt_in = client.post(_leads_url(event), {"code": ticket.code, "consent": True}, format="json").json()
    assert (with_opt_in["consent"], with_opt_in["name"]) == (True, "Erika Mustermann")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "nope", "consent": True}, 400, "invalid_code"),
        ({"consent": True}, 400, "invalid"),
        ({"code": "x"}, 400, "invalid"),
        ({"code": "x", "consent": True, "rating": 9}, 400, "invalid"),
        ({"code": "x", "consent": True, "tags": "not a list"}, 400, "invalid"),
    ],
)
def test_lead_post_malformed_input_is_400_with_code(event, lead_token, body, status, code):
    response = _device_client(lead_token).post(_leads_url(event), body, format="json")
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "extra"}
    assert response.json()["code"] == code


def test_lead_post_ticket_of_another_edition_is_404(event, lead_token):
    foreign = PaidTicketFactory()
    response = _device_client(lead_token).post(
        _leads_url(event), {"code": foreign.code, "consent": True}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "ticket_not_found"


def test_lead_api_refuses_door_devices_strangers_and_anonymous(event, exhibitor, ticket):
    _door, door_token = device_with_token(event=event)
    assert (
        _device_client(door_token)
        .post(_leads_url(event), {"code": ticket.code, "consent": True}, format="json")
        .status_code
        == 403
    )
    assert _device_client(door_token).get(_leads_url(event)).status_code == 403
    assert APIClient().get(_leads_url(event)).status_code in (401, 403)
    assert _device_client("unknown").get(_leads_url(event)).status_code == 401
    stranger = APIClient()
    stranger.force_login(ExhibitorStaffFactory(exhibitor=ExhibitorFactory()).user)  # another edition's staff
    assert stranger.get(_leads_url(event)).status_code == 403


def test_lead_device_of_another_edition_is_403(exhibitor, ticket):
    other = ExhibitorFactory()
    _device, token = lead_device_with_token(exhibitor=other)
    assert _device_client(token).get(_leads_url(exhibitor.event)).status_code == 403


def test_lead_device_cannot_scan_at_the_door(event, ticket, lead_token):
    response = _device_client(lead_token).post(
        f"/api/v1/events/{event.slug}/checkin/scan/", {"code": ticket.code}, format="json"
    )
    assert response.status_code == 403


def test_leads_are_isolated_between_exhibitors_in_list_detail_and_csv(
    event, exhibitor, other_exhibitor, ticket, lead_token, staff_user
):
    other_token = lead_device_with_token(exhibitor=other_exhibitor)[1]
    lead_consent_grant(ticket=ticket)
    other_ticket = PaidTicketFactory(order__event=event, attendee_name="Zoë Geheim")
    lead_consent_grant(ticket=other_ticket)
    mine = (
        _device_client(lead_token).post(_leads_url(event), {"code": ticket.code, "consent": True}, format="json").json()
    )
    theirs = (
        _device_client(other_token)
        .post(_leads_url(event), {"code": other_ticket.code, "consent": True}, format="json")
        .json()
    )

    staff = APIClient()
    staff.force_login(staff_user)
    for client in (_device_client(lead_token), staff):
        listed = client.get(_leads_url(event)).json()
        assert [lead["id"] for lead in listed["results"]] == [mine["id"]]
        assert client.get(_leads_url(event, f"{mine['id']}/")).status_code == 200
        hidden = client.get(_leads_url(event, f"{theirs['id']}/"))
        assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
        assert client.patch(_leads_url(event, f"{theirs['id']}/"), {"notes": "x"}, format="json").status_code == 404
        export = client.get(_leads_url(event, "export.csv"))
        assert export.status_code == 200
        assert export["Content-Type"] == "text/csv; charset=utf-8"
        body = export.content.decode("utf-8")
        assert body.startswith("\ufeff")
        assert "Geheim" not in body and "Erika Mustermann" in body
        assert len(list(csv.reader(io.StringIO(body), delimiter=";"))) == 2


def test_lead_patch_updates_notes_rating_tags(event, exhibitor, ticket, staff_user):
    staff = APIClient()
    staff.force_login(staff_user)
    created = staff.post(_leads_url(event), {"code": ticket.code, "consent": False}, format="json")
    assert created.status_code == 201
    lead_id = created.json()["id"]
    response = staff.patch(
        _leads_url(event, f"{lead_id}/"), {"rating": 4, "tags": ["KI"], "notes": "Demo"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["rating"], response.json()["tags"], response.json()["notes"]) == (4, ["KI"], "Demo")
    assert Lead.objects.get().scanned_by == staff_user
    kept = staff.patch(_leads_url(event, f"{lead_id}/"), {"notes": "Demo 2"}, format="json").json()
    assert (kept["rating"], kept["notes"]) == (4, "Demo 2")  # what is not sent stays
    cleared = staff.patch(_leads_url(event, f"{lead_id}/"), {"rating": None}, format="json").json()
    assert cleared["rating"] is None  # an explicit null clears it


def test_staff_of_two_exhibitors_must_name_one(event, exhibitor, other_exhibitor, staff_user):
    ExhibitorStaffFactory(exhibitor=other_exhibitor, user=staff_user)
    staff = APIClient()
    staff.force_login(staff_user)
    assert staff.get(_leads_url(event)).json()["code"] == "exhibitor_required"
    assert staff.get(_leads_url(event), {"exhibitor": other_exhibitor.slug}).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_lead_list_and_export_query_count_is_constant(event, exhibitor, lead_token, django_assert_num_queries, count):
    client = _device_client(lead_token)
    for n in range(count):
        visitor = PaidTicketFactory(order__event=event, attendee_name=f"Besucherin {n}")
        lead_consent_grant(ticket=visitor)
        assert client.post(_leads_url(event), {"code": visitor.code, "consent": True}, format="json").status_code in (
            200,
            201,
        )
    # the device's exhibitor (with its edition), count, leads
    with django_assert_num_queries(3):
        listed = client.get(_leads_url(event)).json()
    assert listed["count"] == count
    with django_assert_num_queries(2):  # the device's exhibitor, leads
        export = client.get(_leads_url(event, "export.csv"))
    assert len(list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))) == count + 1
