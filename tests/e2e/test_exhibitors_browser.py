"""An exhibitor applies for a booth, an organiser confirms it onto a booth in admin, and the floor
plan shows the booth as taken, linked to the exhibitor; the exhibitor's staff find booking,
invoice and passes in the portal. The pages pass axe."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking
from tests.factories.exhibitors import BoothFactory, HallFactory
from tests.factories.programme import EventFactory
from tests.factories.ticketing import TicketTypeFactory
from ticketing.enums import TicketCategory, TicketVisibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def expo():  # type: ignore[no-untyped-def]
    event = EventFactory()
    hall = HallFactory(venue=event.venue, name="Halle B")
    booth = BoothFactory(event=event, hall=hall, number="B1.01", width=Decimal("3"), depth=Decimal("3"))
    BoothFactory(event=event, hall=hall, number="B1.02", width=Decimal("3"), depth=Decimal("3"))
    TicketTypeFactory(
        event=event,
        category=TicketCategory.EXHIBITOR_PASS,
        visibility=TicketVisibility.VOUCHER,
        price_amount=Decimal("53.55"),
    )
    User.objects.create_superuser("organiser", "organiser@example.org", "organiser-password")
    return event, booth


def test_apply_confirm_in_admin_and_the_floor_plan_shows_it_taken(live_server, page, axe, expo):
    event, booth = expo
    floorplan = f"{live_server.url}/{event.slug}/floorplan/"
    page.goto(floorplan)
    assert page.locator(f"#booth-{booth.pk}").get_attribute("data-status") == "available"
    assert axe(page) == []

    # The exhibitor applies (no login).
    page.goto(f"{live_server.url}/{event.slug}/exhibitors/apply/")
    assert axe(page) == []
    page.fill("#id_name", "Musterstadt Digital GmbH")
    page.fill("#id_street", "Rathausplatz 1")
    page.fill("#id_postcode", "12345")
    page.fill("#id_city", "Musterstadt")
    page.fill("#id_contact_name", "Erika Mustermann")
    page.fill("#id_contact_email", "erika@musterstadt.example")
    page.fill("#id_wished_width", "3")
    page.fill("#id_wished_depth", "3")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/exhibitors/apply/thanks/**")
    booking = BoothBooking.objects.get()
    assert booking.status == BookingStatus.APPLIED

    # The organiser confirms it onto booth B1.01 in admin.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/exhibitors/boothbooking/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "organiser-password")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/exhibitors/boothbooking/")
    page.check(f"input[name=_selected_action][value='{booking.pk}']")
    page.select_option("select[name=action]", "confirm")
    page.locator("button[name=index]").click()
    page.select_option("#id_booth", str(booth.pk))
    page.locator("input[type=submit][value]").last.click()
    page.wait_for_url("**/admin/exhibitors/boothbooking/**")
    booking.refresh_from_db()
    assert (booking.status, booking.booth_id) == (BookingStatus.CONFIRMED, booth.pk)

    # The floor plan: B1.01 taken and linked to the exhibitor's page; B1.02 still free.
    page.goto(floorplan)
    taken = page.locator(f"#booth-{booth.pk}")
    assert taken.get_attribute("data-status") == "booked"
    assert taken.get_attribute("href").endswith(f"/{event.slug}/exhibitors/{booking.exhibitor.slug}/")
    assert page.locator("[data-booth='B1.02']").get_attribute("data-status") == "available"
    assert "Musterstadt Digital GmbH" in page.locator("main").inner_text()
    assert axe(page) == []
    page.goto(floorplan + "?colour=category")
    assert axe(page) == []

    # Exhibitor staff find their booking, invoice and passes in the portal and name a pass.
    from exhibitors.models import ExhibitorStaff
    from exhibitors.selectors import booking_open_invoice

    staff = User.objects.create_user("stand", password="stand-password")
    ExhibitorStaff.objects.create(exhibitor=booking.exhibitor, user=staff)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/{event.slug}/exhibitors/portal/")
    page.fill("#id_username", "stand")
    page.fill("#id_password", "stand-password")
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_url(f"**/{event.slug}/exhibitors/portal/")
    invoice = booking_open_invoice(booking=booking)
    assert invoice is not None and invoice.number in page.locator("#booking").inner_text()
    assert page.locator("#passes form").count() == 4  # 3 passes included with 9 m², extra passes
    assert axe(page) == []
    page.goto(f"{live_server.url}/{event.slug}/exhibitors/portal/profile/")
    assert axe(page) == []
    page.goto(f"{live_server.url}/{event.slug}/exhibitors/leads/")
    assert axe(page) == []
