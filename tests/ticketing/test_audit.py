"""The audit trail: who changed what and when, for orders, tickets, payments, refunds, check-ins
and booth bookings, whoever made the change (a buyer, an organiser in admin, Stripe, a command,
a scanner device), visible in admin and never editable there."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from exhibitors.enums import BookingStatus
from exhibitors.models import BoothBooking
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory
from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory, PaidTicketFactory, TicketTypeFactory, device_with_token
from tests.ticketing.stripe_fake import install
from tests.ticketing.test_api import order_body
from tests.ticketing.test_stripe import pay, place
from ticketing.audit import acting_as
from ticketing.models import AuditAction, AuditEntry, CheckIn, Order, Payment, Ticket
from ticketing.services.orders import order_cancel, ticket_rename

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stripe_keys(settings):  # type: ignore[no-untyped-def]
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.STRIPE_API_BASE = ""


@pytest.fixture
def fake(monkeypatch):  # type: ignore[no-untyped-def]
    return install(monkeypatch)


@pytest.fixture
def edition(db):  # type: ignore[no-untyped-def]
    start = dt.date.today() + dt.timedelta(days=365)
    return EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))


@pytest.fixture
def day_ticket(edition):  # type: ignore[no-untyped-def]
    return TicketTypeFactory(event=edition, price_amount=Decimal("534.31"))


def entries_of(model, pk=None):
    queryset = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return queryset.filter(object_id=str(pk)) if pk is not None else queryset


def test_an_order_placed_through_the_api_is_recorded_without_its_secrets(client, day_ticket):
    response = client.post(
        f"/api/v1/events/{day_ticket.event.slug}/orders/",
        order_body(day_ticket),
        content_type="application/json",
        headers={"Idempotency-Key": "audit-key-1"},
    )
    assert response.status_code == 201
    order = Order.objects.get()
    entry = entries_of(Order, order.pk).get()
    assert entry.action == AuditAction.CREATED
    assert entry.actor == "anonymous (web)"
    assert entry.order_id == order.pk
    assert entry.changes["status"] == [None, "pending"]
    assert entry.changes["email"] == [None, "buyer@example.org"]
    text = str(AuditEntry.objects.values_list("changes", flat=True)[::1])
    assert order.secret not in text and "audit-key-1" not in text
    assert "secret" not in entry.changes and "idempotency_key" not in entry.changes


def test_admin_changes_name_the_organiser_and_show_before_and_after(admin_client, admin_user, day_ticket):
    order = place(day_ticket)
    response = admin_client.post(
        "/admin/ticketing/order/", {"action": "mark_paid", "_selected_action": [order.pk]}, follow=True
    )
    assert response.status_code == 200
    change = entries_of(Order, order.pk).get(action=AuditAction.CHANGED)
    assert change.actor == admin_user.username and change.actor_user == admin_user
    assert change.changes["status"] == ["pending", "paid"]
    payment = Payment.objects.get(order=order)
    assert entries_of(Payment, payment.pk).get().changes["amount"][1] == "534.31"
    # The order's change page shows its whole trail; the trail itself is read-only.
    page = admin_client.get(f"/admin/ticketing/order/{order.pk}/change/").content.decode()
    assert "audit-trail" in page and "pending → paid" in page
    trail = admin_client.get("/admin/ticketing/auditentry/")
    assert trail.status_code == 200 and order.code in trail.content.decode()
    entry = AuditEntry.objects.first()
    assert admin_client.post(f"/admin/ticketing/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/ticketing/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_edit_in_the_admin_form_is_recorded_field_by_field(admin_client, admin_user, day_ticket):
    order = place(day_ticket)
    form = admin_client.get(f"/admin/ticketing/order/{order.pk}/change/")
    assert form.status_code == 200
    data = {
        "email": order.email,
        "language": order.language,
        "billing_name": "Erika Mustermann",
        "billing_company": "Bezirksamt Mitte",
        "billing_street": "",
        "billing_postcode": "",
        "billing_city": "",
        "billing_country": "DE",
        "vat_id": "",
        "leitweg_id": "",
        "po_number": "",
        "attention_note": "",
    }
    for prefix in ("tickets", "payments", "refunds", "invoices"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    tickets = list(order.tickets.order_by("pk"))
    data.update({"tickets-TOTAL_FORMS": str(len(tickets)), "tickets-INITIAL_FORMS": str(len(tickets))})
    for n, ticket in enumerate(tickets):
        data.update(
            {f"tickets-{n}-id": ticket.pk, f"tickets-{n}-order": order.pk, f"tickets-{n}-attendee_name": "Max Muster"}
        )
    response = admin_client.post(f"/admin/ticketing/order/{order.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = entries_of(Order, order.pk).get(action=AuditAction.CHANGED)
    assert change.actor == admin_user.username
    assert change.changes["billing_company"] == ["", "Bezirksamt Mitte"]
    renamed = entries_of(Ticket, tickets[0].pk).get(action=AuditAction.CHANGED)
    assert renamed.changes == {"attendee_name": ["Erika Mustermann", "Max Muster"]}
    assert renamed.order_id == order.pk


def test_stripe_and_commands_are_named_as_the_actor(client, fake, day_ticket):
    order = place(day_ticket)
    pay(client, fake, order)
    paid = entries_of(Order, order.pk).filter(action=AuditAction.CHANGED, changes__has_key="status").get()
    assert paid.actor == "Stripe webhook"
    assert paid.changes["status"] == ["pending", "paid"]

    late = place(day_ticket, email="late@example.org")
    Order.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("expire_orders", verbosity=0)
    expired = entries_of(Order, late.pk).get(action=AuditAction.CHANGED)
    assert expired.actor == "expire_orders"
    assert expired.changes["status"] == ["pending", "expired"]


def test_an_attendee_renaming_and_an_organiser_cancelling(day_ticket, admin_user):
    order = place(day_ticket)
    ticket = order.tickets.get()
    ticket_rename(ticket=ticket, attendee_name="Erika Musterfrau")
    assert entries_of(Ticket, ticket.pk).get().actor == "system"  # outside a request or a named process
    with acting_as("support desk"):
        order_cancel(order=order, user=admin_user)
    cancelled = entries_of(Order, order.pk).get(action=AuditAction.CHANGED)
    assert cancelled.actor == "support desk"
    assert cancelled.changes["status"] == ["pending", "cancelled"]


def test_scans_are_their_own_record_and_changes_to_them_are_audited(client, edition):
    future_event = edition
    CheckInListFactory(event=future_event)
    ticket = PaidTicketFactory(order__event=future_event)
    device, token = device_with_token(event=future_event)
    from ticketing.services.tickets import tickets_sign

    tickets_sign(order=ticket.order)
    ticket.refresh_from_db()
    before = AuditEntry.objects.count()
    response = client.post(
        f"/api/v1/events/{future_event.slug}/checkin/scan/",
        {"code": ticket.code},
        content_type="application/json",
        headers={"Authorization": f"Device {token}"},
    )
    assert response.status_code == 200  # a future edition: "not_valid_now", recorded all the same
    checkin = CheckIn.objects.get()
    assert checkin.device == device  # the scan itself records who and when
    assert AuditEntry.objects.count() == before  # no second write on the door's hot path
    checkin.delete()
    deleted = entries_of(CheckIn, checkin.pk).get()
    assert deleted.action == AuditAction.DELETED
    assert deleted.order_id == ticket.order_id
    assert "raw_code" not in deleted.changes


def test_a_scanner_device_is_named_as_the_actor(rf, edition):
    future_event = edition
    from ticketing import audit

    device, _ = device_with_token(event=future_event, name="Eingang Nord")
    ticket = PaidTicketFactory(order__event=future_event)
    request = rf.post("/api/")
    middleware = audit.AuditActorMiddleware(
        lambda r: (audit.set_device(device), ticket_rename(ticket=ticket, attendee_name="Neu"))[0]
    )
    middleware(request)
    assert entries_of(Ticket, ticket.pk).get(action=AuditAction.CHANGED).actor == "device: Eingang Nord"


def test_booth_bookings_are_audited(admin_client, admin_user, edition):
    from exhibitors.services.booking import booking_cancel, booking_confirm

    booth = BoothFactory(event=edition)
    booking = BoothBookingFactory(exhibitor=ExhibitorFactory(event=edition))
    with acting_as("test"):
        booking_confirm(booking=booking, booth=booth, user=admin_user)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    trail = list(entries_of(BoothBooking, booking.pk).order_by("pk"))
    assert [e.action for e in trail] == [AuditAction.CREATED, AuditAction.CHANGED]
    assert trail[1].changes["status"] == ["applied", "confirmed"]
    assert trail[1].changes["booth_id"] == [None, booth.pk]
    booking_cancel(booking=booking, user=admin_user)
    assert entries_of(BoothBooking, booking.pk).count() == 3
    page = admin_client.get(f"/admin/exhibitors/boothbooking/{booking.pk}/change/").content.decode()
    assert "confirmed → cancelled" in page
    assert Decimal(booking.price_amount) > 0
