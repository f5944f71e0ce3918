"""GDPR: a person's data export, their erasure (invoices kept as issued), and the anonymisation of
every attendee some time after an edition."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from exhibitors.models import Lead, LeadConsent
from tests.factories.exhibitors import ExhibitorFactory
from tests.factories.programme import EventFactory
from tests.factories.ticketing import CheckInListFactory, OrderFactory, TicketFactory, TicketTypeFactory
from ticketing.enums import CheckInDirection, CheckInResult
from ticketing.models import AuditEntry, CheckIn, Invoice, Order, Payment, StripeEvent, Ticket
from ticketing.services.invoices import invoice_issue, invoice_pdf
from ticketing.services.privacy import (
    ErasureBlocked,
    anonymise_ended_editions,
    personal_data_erase,
    personal_data_export,
)

pytestmark = pytest.mark.django_db

BUYER = "erika.mustermann@musterstadt.de"
COLLEAGUE = "max.muster@musterstadt.de"


def edition_ended(days_ago: int):  # type: ignore[no-untyped-def]
    end = timezone.localdate() - dt.timedelta(days=days_ago)
    return EventFactory(start_on=end - dt.timedelta(days=2), end_on=end)


def scenario(event):  # type: ignore[no-untyped-def]
    """Erika buys two tickets, one for herself and one for Max (with his own e-mail); Max is
    checked in, scanned by an exhibitor with consent, and paid by card."""
    ticket_type = TicketTypeFactory(event=event, price_amount=Decimal("534.31"))
    order = OrderFactory(
        event=event,
        email=BUYER,
        billing_name="Erika Mustermann",
        billing_company="Stadt Musterstadt",
        billing_street="Rathausplatz 1",
        total_amount=Decimal("1068.62"),
    )
    own = TicketFactory(order=order, ticket_type=ticket_type, attendee_name="Erika Mustermann", attendee_email="")
    max_ = TicketFactory(order=order, ticket_type=ticket_type, attendee_name="Max Muster", attendee_email=COLLEAGUE)
    invoice = invoice_issue(order=order)
    invoice_pdf(invoice=invoice)
    Payment.objects.create(order=order, provider="stripe", amount=order.total_amount, received_at=timezone.now())
    StripeEvent.objects.create(
        event_id="evt_1",
        type="checkout.session.completed",
        order=order,
        payload={
            "id": "evt_1",
            "data": {
                "object": {
                    "id": "cs_1",
                    "amount_total": 106862,
                    "customer_details": {"email": BUYER, "name": "Erika Mustermann"},
                }
            },
        },
    )
    CheckIn.objects.create(
        event=event,
        ticket=max_,
        checkin_list=CheckInListFactory(event=event),
        direction=CheckInDirection.IN,
        result=CheckInResult.OK,
        scanned_at=timezone.now(),
    )
    exhibitor = ExhibitorFactory(event=event)
    LeadConsent.objects.create(ticket=max_, granted_at=timezone.now())
    Lead.objects.create(
        exhibitor=exhibitor,
        ticket=max_,
        has_consent=True,
        contact_name="Max Muster",
        contact_email=COLLEAGUE,
        notes="Wants a demo of the e-file",
        first_scanned_at=timezone.now(),
        last_scanned_at=timezone.now(),
    )
    return order, own, max_, invoice


def test_the_buyers_export_holds_their_orders_invoices_tickets_and_what_happened_to_them():
    order, own, max_, invoice = scenario(edition_ended(30))
    data = personal_data_export(email=BUYER.upper())  # addresses match whatever their case
    assert [o["code"] for o in data["orders"]] == [order.code]
    exported = data["orders"][0]
    assert exported["billing"]["street"] == "Rathausplatz 1"
    assert exported["invoices"][0]["number"] == invoice.number
    assert exported["invoices"][0]["kept_until"] == f"{invoice.issued_on.year + 8}-12-31"
    assert exported["payments"][0]["amount"] == "1068.62"
    assert {t["id"] for t in data["tickets"]} == {own.pk, max_.pk}  # she bought both
    assert data["leads"][0]["notes"] == "Wants a demo of the e-file"
    json.dumps(data)  # JSON as it is


def test_the_attendees_export_holds_their_ticket_but_not_the_buyers_order():
    _order, _own, max_, _invoice = scenario(edition_ended(30))
    data = personal_data_export(email=COLLEAGUE)
    assert data["orders"] == []  # Erika's billing address is not Max's data
    assert [t["id"] for t in data["tickets"]] == [max_.pk]
    ticket = data["tickets"][0]
    assert ticket["check_ins"][0]["result"] == "ok"
    assert data["leads"][0]["contact"]["email"] == COLLEAGUE
    assert data["lead_consents"][0]["ticket"] == max_.pk


def test_export_command_prints_json():
    scenario(edition_ended(30))
    out = StringIO()
    call_command("export_personal_data", COLLEAGUE, stdout=out)
    assert json.loads(out.getvalue())["email"] == COLLEAGUE


def test_erasure_is_refused_while_the_edition_is_ahead():
    start = timezone.localdate() + dt.timedelta(days=30)
    order, *_ = scenario(EventFactory(start_on=start, end_on=start + dt.timedelta(days=2)))
    with pytest.raises(ErasureBlocked) as refused:
        personal_data_erase(email=BUYER)
    assert refused.value.extra["orders"] == [order.code]
    with pytest.raises(CommandError, match=order.code):
        call_command("erase_personal_data", BUYER, "--yes")
    assert Order.objects.get().email == BUYER


def test_erasure_removes_the_person_everywhere_but_keeps_the_invoice_as_issued():
    order, _own, max_, invoice = scenario(edition_ended(30))
    pdf_before = invoice_pdf(invoice=Invoice.objects.get())
    buyer_before = dict(invoice.buyer)
    call_command("erase_personal_data", BUYER, stdout=StringIO())  # without --yes: nothing happens
    assert Order.objects.get().email == BUYER

    out = StringIO()
    call_command("erase_personal_data", BUYER, "--yes", stdout=out)
    assert invoice.number in out.getvalue()

    order.refresh_from_db()
    assert order.anonymised_at is not None
    assert (order.email, order.billing_name, order.billing_street) == ("", "", "")
    assert set(Ticket.objects.values_list("attendee_name", "attendee_email")) == {("—", "")}
    # Kept: the invoice exactly as issued, the payment, the check-in (now of an anonymous ticket).
    kept = Invoice.objects.get()
    assert kept.buyer == buyer_before and invoice_pdf(invoice=kept) == pdf_before
    assert Payment.objects.get().amount == Decimal("1068.62")
    assert CheckIn.objects.get().ticket_id == max_.pk
    # Gone: leads and consents, the payer in Stripe's event, the values in the audit trail.
    assert not Lead.objects.exists() and not LeadConsent.objects.exists()
    assert "customer_details" not in json.dumps(StripeEvent.objects.get().payload)
    assert AuditEntry.objects.filter(order_id=order.pk, changes__has_key="personal data").exists()
    # Nothing anywhere in the database (but the invoice, kept by law) names them any more.
    dump = StringIO()
    call_command("dumpdata", "ticketing", "exhibitors", "--exclude", "ticketing.invoice", stdout=dump)
    for value in (BUYER, COLLEAGUE, "Erika Mustermann", "Max Muster", "Rathausplatz"):
        assert value not in dump.getvalue(), value
    assert personal_data_export(email=BUYER)["orders"] == []


def test_anonymise_attendees_after_the_configured_time(settings):
    settings.ANONYMISE_AFTER_DAYS = 180
    old_order, *_ = scenario(edition_ended(200))
    recent = edition_ended(10)
    recent_order = OrderFactory(event=recent, email="recent@example.org")
    TicketFactory(order=recent_order, attendee_name="Noch Da", attendee_email="noch@example.org")

    out = StringIO()
    call_command("anonymise_attendees", "--dry-run", stdout=out)
    assert "Would anonymise 1 order(s) and 2 ticket(s)" in out.getvalue()
    assert Order.objects.get(pk=old_order.pk).email == BUYER

    call_command("anonymise_attendees", stdout=StringIO())
    assert Order.objects.get(pk=old_order.pk).email == ""
    assert Ticket.objects.filter(order=old_order, attendee_name="—").count() == 2
    assert Order.objects.get(pk=recent_order.pk).email == "recent@example.org"  # ended 10 days ago: kept
    assert Ticket.objects.get(order=recent_order).attendee_name == "Noch Da"
    assert anonymise_ended_editions(after_days=180) == {}  # a second run finds nothing to do
    out = StringIO()
    call_command("anonymise_attendees", "--days", "5", stdout=out)
    assert "Anonymised 1 order(s) and 1 ticket(s)" in out.getvalue()


def test_organisers_export_a_buyers_data_from_admin(admin_client):
    order, *_ = scenario(edition_ended(30))
    response = admin_client.post(
        "/admin/ticketing/order/", {"action": "export_personal_data", "_selected_action": [order.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["orders"][0]["code"] == order.code
