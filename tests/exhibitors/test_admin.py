"""Admin: the pages open, bookings are confirmed onto a chosen booth and cancelled through actions."""

import pytest
from django.contrib.auth.models import User

from exhibitors.enums import BookingStatus, BoothStatus
from exhibitors.models import Booth, BoothBooking
from exhibitors.selectors import booking_open_invoice
from exhibitors.services.booking import booking_confirm
from exhibitors.services.leads import lead_scan
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory
from ticketing.models import Invoice

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


def test_admin_booking_shows_its_invoice_and_the_invoice_actions_work(admin_client, event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    exhibitor = ExhibitorFactory(event=event, street="Hauptstraße 1", postcode="10115")
    booking = booking_confirm(booking=BoothBookingFactory(exhibitor=exhibitor), booth=BoothFactory(event=event))
    first = booking_open_invoice(booking=booking)
    assert first is not None
    url = "/admin/exhibitors/boothbooking/"

    listing = admin_client.get(url).content.decode()
    change = admin_client.get(f"{url}{booking.pk}/change/").content.decode()
    assert f"{first.number} · open" in listing
    assert f"/admin/ticketing/invoice/{first.pk}/pdf/" in change
    assert admin_client.get("/admin/ticketing/invoice/").status_code == 200
    assert exhibitor.name in admin_client.get("/admin/ticketing/invoice/").content.decode()

    admin_client.post(url, {"action": "reissue_invoice", "_selected_action": [booking.pk]})
    second = booking_open_invoice(booking=booking)
    assert second is not None and second.pk != first.pk
    assert Invoice.objects.get(cancels=first)

    admin_client.post(url, {"action": "mark_paid", "_selected_action": [booking.pk]})
    booking.refresh_from_db()
    assert booking.paid_at is not None
    assert f"{second.number} · paid" in admin_client.get(url).content.decode()


def test_admin_issue_invoice_for_a_booking_confirmed_without_one(admin_client, event, settings):
    settings.LANGUAGE_CODE = "en"
    booking = booking_confirm(
        booking=BoothBookingFactory(exhibitor=ExhibitorFactory(event=event)),
        booth=BoothFactory(event=event),
        issue_invoice=False,
    )
    applied = BoothBookingFactory(exhibitor=ExhibitorFactory(event=event))

    response = admin_client.post(
        "/admin/exhibitors/boothbooking/",
        {"action": "issue_invoice", "_selected_action": [booking.pk, applied.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert booking_open_invoice(booking=booking) is not None
    assert booking_open_invoice(booking=applied) is None
    assert "Only a confirmed booking has an invoice." in page
