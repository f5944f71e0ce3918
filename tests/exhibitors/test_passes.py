"""Staff passes a booth includes: real tickets of the exhibitor-pass type, issued on confirmation."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from exhibitors.enums import BookingStatus
from exhibitors.selectors import passes_reference
from exhibitors.services.booking import booking_confirm, booking_passes_issue
from programme.models import BERLIN
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory, ExhibitorStaffFactory
from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory, QuotaFactory, TicketTypeFactory
from ticketing.enums import OrderStatus, PaymentMethod, TicketCategory, TicketVisibility
from ticketing.exceptions import SoldOut
from ticketing.models import Order
from ticketing.services.checkin import ticket_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():  # type: ignore[no-untyped-def]
    start = dt.date.today() + dt.timedelta(days=30)
    return EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))


@pytest.fixture
def pass_type(event):  # type: ignore[no-untyped-def]
    return TicketTypeFactory(
        event=event,
        name_de="Ausstellerausweis",
        category=TicketCategory.EXHIBITOR_PASS,
        visibility=TicketVisibility.VOUCHER,
        price_amount=Decimal("53.55"),
    )


def confirm(event, width="3", depth="3"):  # type: ignore[no-untyped-def]
    exhibitor = ExhibitorFactory(event=event, name="Alpha Digital GmbH")
    booking = BoothBookingFactory(exhibitor=exhibitor, contact_email="messe@alpha.example")
    booth = BoothFactory(event=event, width=Decimal(width), depth=Decimal(depth))
    return booking_confirm(booking=booking, booth=booth)


@pytest.mark.parametrize(("width", "depth", "passes"), [("3", "3", 3), ("5", "6", 4), ("8", "6", 5)])
def test_confirmed_booth_issues_its_passes_as_paid_tickets(
    event, pass_type, width, depth, passes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = confirm(event, width, depth)

    order = Order.objects.get(event=event, idempotency_key=passes_reference(booking))
    assert (order.status, order.payment_method, order.total_amount) == (OrderStatus.PAID, PaymentMethod.FREE, 0)
    tickets = list(order.tickets.order_by("pk"))
    assert len(tickets) == passes == booking.passes_included
    assert all(t.code and t.ticket_type == pass_type and t.price_amount == 0 for t in tickets)
    assert tickets[0].attendee_name == "Alpha Digital GmbH – Standpersonal 1"
    assert order.email == "messe@alpha.example"
    assert any(m.to == ["messe@alpha.example"] and m.attachments for m in mail.outbox)  # the PDF, by mail


def test_passes_are_issued_once(event, pass_type):
    booking = confirm(event)

    again = booking_passes_issue(booking=booking)

    assert Order.objects.filter(event=event).count() == 1
    assert again is not None and again.tickets.count() == 3


def test_a_pass_admits_at_the_door(event, pass_type):
    CheckInListFactory(event=event)
    booking = confirm(event)
    ticket = Order.objects.get(idempotency_key=passes_reference(booking)).tickets.first()

    with time_machine.travel(dt.datetime.combine(event.start_on, dt.time(8), tzinfo=BERLIN), tick=False):
        outcome = ticket_scan(event=event, code=ticket.code)

    assert outcome.result == "ok"


def test_no_pass_type_confirms_without_passes(event):
    booking = confirm(event)

    assert booking.status == BookingStatus.CONFIRMED
    assert not Order.objects.exists()


def test_passes_count_against_the_venue_quota(event, pass_type):
    quota = QuotaFactory(event=event, size=2)
    quota.ticket_types.add(pass_type)
    exhibitor = ExhibitorFactory(event=event)
    booking = BoothBookingFactory(exhibitor=exhibitor)

    with pytest.raises(SoldOut):
        booking_confirm(booking=booking, booth=BoothFactory(event=event, width=Decimal("3"), depth=Decimal("3")))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPLIED  # nothing half-done
    assert not Order.objects.exists()


def test_admin_issues_passes_of_bookings_confirmed_without_them(admin_client, event, pass_type):
    exhibitor = ExhibitorFactory(event=event)
    booking = booking_confirm(
        booking=BoothBookingFactory(exhibitor=exhibitor),
        booth=BoothFactory(event=event, width=Decimal("3"), depth=Decimal("3")),
        issue_passes=False,
    )
    assert not Order.objects.exists()

    admin_client.post("/admin/exhibitors/boothbooking/", {"action": "issue_passes", "_selected_action": [booking.pk]})

    assert Order.objects.get(idempotency_key=passes_reference(booking)).tickets.count() == 3


def test_admin_confirm_reports_passes_sold_out_instead_of_failing(admin_client, event, pass_type):
    quota = QuotaFactory(event=event, size=1)
    quota.ticket_types.add(pass_type)
    booking = BoothBookingFactory(exhibitor=ExhibitorFactory(event=event))
    booth = BoothFactory(event=event, width=Decimal("3"), depth=Decimal("3"))

    response = admin_client.post(
        "/admin/exhibitors/boothbooking/",
        {"action": "confirm", "_selected_action": [booking.pk], "apply": "1", "booth": booth.pk},
        follow=True,
    )

    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPLIED


def test_portal_lists_their_passes(client, settings, event, pass_type):
    settings.LANGUAGE_CODE = "en"
    booking = confirm(event)
    staff = ExhibitorStaffFactory(exhibitor=booking.exhibitor).user
    client.force_login(staff)
    order = Order.objects.get(idempotency_key=passes_reference(booking))

    page = client.get(f"/{event.slug}/exhibitors/portal/").content.decode()

    assert page.count('name="action" value="assign"') == 3
    assert "Alpha Digital GmbH – Standpersonal 1" in page
    assert f"/{event.slug}/orders/{order.code}/{order.secret}/tickets.pdf" in page
