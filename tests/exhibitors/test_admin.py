"""Admin: the pages open, bookings are confirmed onto a chosen booth and cancelled through actions."""

import pytest
from django.contrib.auth.models import User

from exhibitors.enums import BookingStatus, BoothStatus
from exhibitors.models import Booth, BoothBooking
from exhibitors.services.booking import booking_confirm
from exhibitors.services.leads import lead_scan
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):  # type: ignore[no-untyped-def]
    client.force_login(User.objects.create_superuser("organiser", "o@example.org", "pw"))
    return client


def test_admin_pages_open(admin_client, exhibitor, ticket):
    booth = BoothFactory(event=exhibitor.event)
    booking = booking_confirm(booking=BoothBookingFactory(exhibitor=exhibitor), booth=booth)
    lead, _ = lead_scan(exhibitor=exhibitor, code=ticket.code, consent=False)
    for url in [
        "/admin/exhibitors/exhibitor/",
        f"/admin/exhibitors/exhibitor/{exhibitor.pk}/change/",
        "/admin/exhibitors/booth/?status__exact=booked",
        f"/admin/exhibitors/booth/{booth.pk}/change/",
        "/admin/exhibitors/boothbooking/",
        f"/admin/exhibitors/boothbooking/{booking.pk}/change/",
        "/admin/exhibitors/lead/",
        f"/admin/exhibitors/lead/{lead.pk}/change/",
        "/admin/exhibitors/leadconsent/",
        "/admin/exhibitors/exhibitorcategory/",
        "/admin/exhibitors/boothrate/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/exhibitors/lead/add/").status_code == 403


def test_admin_confirm_action_asks_for_a_booth_then_confirms(admin_client, event):
    booth = BoothFactory(event=event)
    booking = BoothBookingFactory(exhibitor=ExhibitorFactory(event=event))
    url = "/admin/exhibitors/boothbooking/"

    page = admin_client.post(url, {"action": "confirm", "_selected_action": [booking.pk]})
    assert page.status_code == 200
    assert booth.number in page.content.decode()

    done = admin_client.post(
        url, {"action": "confirm", "_selected_action": [booking.pk], "apply": "1", "booth": booth.pk}
    )
    assert done.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.booth) == (BookingStatus.CONFIRMED, booth)


def test_admin_confirm_onto_a_taken_booth_shows_the_error(admin_client, event):
    booth = BoothFactory(event=event)
    booking_confirm(booking=BoothBookingFactory(exhibitor=ExhibitorFactory(event=event)), booth=booth)
    second = BoothBookingFactory(exhibitor=ExhibitorFactory(event=event))
    response = admin_client.post(
        "/admin/exhibitors/boothbooking/",
        {"action": "confirm", "_selected_action": [second.pk], "apply": "1", "booth": booth.pk},
    )
    assert response.status_code == 200  # the booked booth is no longer offered: the form asks again
    assert BoothBooking.objects.get(pk=second.pk).status == BookingStatus.APPLIED


def test_admin_cancel_action_frees_the_booth(admin_client, event):
    booth = BoothFactory(event=event)
    booking = booking_confirm(booking=BoothBookingFactory(exhibitor=ExhibitorFactory(event=event)), booth=booth)
    response = admin_client.post(
        "/admin/exhibitors/boothbooking/", {"action": "cancel", "_selected_action": [booking.pk]}
    )
    assert response.status_code == 302
    assert BoothBooking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert Booth.objects.get(pk=booth.pk).status == BoothStatus.AVAILABLE


def test_admin_block_action(admin_client, event):
    booth = BoothFactory(event=event)
    admin_client.post("/admin/exhibitors/booth/", {"action": "block", "_selected_action": [booth.pk]})
    assert Booth.objects.get(pk=booth.pk).status == BoothStatus.BLOCKED
