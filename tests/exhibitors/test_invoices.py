"""Booth invoices: 19 % VAT or a reverse charge, the ticket shop's numbering, cancellation and correction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from exhibitors.enums import BookingStatus, BoothStatus
from exhibitors.exceptions import BookingNotConfirmed
from exhibitors.models import BoothInvoice
from exhibitors.selectors import booking_invoices, booking_open_invoice, booking_reference, passes_reference
from exhibitors.services.booking import booking_cancel, booking_confirm
from exhibitors.services.invoices import (
    booking_invoice_cancel,
    booking_invoice_issue,
    booking_invoice_reissue,
    booking_mark_paid,
)
from exhibitors.vat import booth_vat, vat_id_validate
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory
from tests.factories.ticketing import OrderFactory, TicketFactory, TicketTypeFactory
from tests.ticketing.test_invoices import pdf_text
from ticketing.enums import InvoiceKind, OrderStatus, TicketCategory, TicketVisibility
from ticketing.models import Invoice, Order
from ticketing.services.invoices import invoice_issue, invoice_lines

pytestmark = pytest.mark.django_db

AUSTRIAN_VAT_ID = "ATU13585627"
GERMAN_VAT_ID = "DE136695976"


@pytest.fixture(autouse=True)
def _media(media):  # type: ignore[no-untyped-def]
    pass


@pytest.fixture
def event(future_event):  # type: ignore[no-untyped-def]
    return future_event


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Confirm a booking onto a 20 m² booth; the mails sent after commit are sent."""

    def confirm(event, *, country="DE", vat_id="", width="4", depth="5", **booking):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return _confirmed(event, country=country, vat_id=vat_id, width=width, depth=depth, **booking)

    return confirm


def _confirmed(event, *, country, vat_id, width, depth, **booking):  # type: ignore[no-untyped-def]
    exhibitor = ExhibitorFactory(
        event=event, name="Alpha Digital GmbH", street="Hauptstraße 1", postcode="10115", city="Berlin",
        country=country, vat_id=vat_id,
    )  # fmt: skip
    booking = BoothBookingFactory(exhibitor=exhibitor, contact_email="messe@alpha.example", **booking)
    booth = BoothFactory(event=event, number="B101", width=Decimal(width), depth=Decimal(depth))
    return booking_confirm(booking=booking, booth=booth, issue_passes=False)


# --- VAT ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "vat_id", "category", "rate"),
    [
        ("DE", "", "S", "19"),
        ("DE", GERMAN_VAT_ID, "S", "19"),  # a German business pays German VAT
        ("AT", AUSTRIAN_VAT_ID, "AE", "0"),  # another member state, well-formed ID: reverse charge
        ("at", "atu 135 856 27", "AE", "0"),  # written loosely
        ("FR", "FR40303265045", "AE", "0"),
        ("GR", "EL094259216", "AE", "0"),  # Greece's VAT IDs begin with EL
        ("AT", "ATU13585628", "S", "19"),  # wrong check digit
        ("AT", "", "S", "19"),  # no VAT ID: not shown to be a business
        ("AT", GERMAN_VAT_ID, "S", "19"),  # another country's ID
        ("CH", "CHE123456788", "S", "19"),  # outside the EU: charged, conservatively
        ("XI", "XI123456782", "S", "19"),  # Northern Ireland's numbers cover goods only
    ],
)
def test_booth_vat(country, vat_id, category, rate):
    vat = booth_vat(country=country, vat_id=vat_id)

    assert (vat.category, vat.rate) == (category, Decimal(rate))


def test_vat_id_validation_names_the_problem():
    assert vat_id_validate("de 136.695-976", country="DE") == GERMAN_VAT_ID
    with pytest.raises(ValidationError) as bad:
        vat_id_validate("DE123", country="DE")
    assert bad.value.code == "vat_id_invalid"
    with pytest.raises(ValidationError) as other:
        vat_id_validate(AUSTRIAN_VAT_ID, country="DE")
    assert other.value.code == "vat_id_country"


# --- issue ----------------------------------------------------------------------------------


def test_confirming_a_german_booking_invoices_the_booth_with_19_percent(event, confirm):
    booking = confirm(event)  # 20 m² row booth at 260 €/m² net

    invoice = Invoice.objects.get(booth_link__booking=booking)
    assert invoice.order is None
    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (
        Decimal("5200.00"),
        Decimal("988.00"),
        Decimal("6188.00"),
    )
    (line,) = invoice_lines(invoice)
    assert (line.vat_category, line.vat_rate, line.quantity) == ("S", Decimal("19"), 1)
    assert "B101" in line.description and "20" in line.description
    assert (line.service_from, line.service_to) == (event.start_on, event.end_on)
    assert invoice.buyer["company"] == "Alpha Digital GmbH"
    assert invoice.buyer["reference"] == booking_reference(booking)
    assert invoice.buyer["payment"]["due_on"]

    (message,) = [m for m in mail.outbox if invoice.number in m.subject]
    assert message.to == ["messe@alpha.example"]
    assert message.extra_headers["X-Booking"] == booking_reference(booking)
    assert [a[0] for a in message.attachments] == [f"invoice-{invoice.number}.pdf"]
    assert "IBAN" in message.body and "6.188,00" in message.body
    text = pdf_text(message.attachments[0][1])
    assert invoice.number in text and booking_reference(booking) in text
    assert "988,00" in text and "19 %" in text
    assert "Steuerschuldnerschaft" not in text


def test_an_eu_business_abroad_is_invoiced_net_with_the_reverse_charge_note(event, confirm):
    booking = confirm(event, country="AT", vat_id=AUSTRIAN_VAT_ID)

    invoice = booking_open_invoice(booking=booking)

    assert invoice is not None
    assert (invoice.net_amount, invoice.vat_amount, invoice.gross_amount) == (
        Decimal("5200.00"),
        Decimal("0.00"),
        Decimal("5200.00"),
    )
    (line,) = invoice_lines(invoice)
    assert (line.vat_category, line.vat_rate) == ("AE", Decimal("0"))
    assert invoice.buyer["vat_id"] == AUSTRIAN_VAT_ID
    text = pdf_text(mail.outbox[-1].attachments[0][1])
    assert "Steuerschuldnerschaft des Leistungsempfängers" in text  # §14a Abs. 5 UStG
    assert AUSTRIAN_VAT_ID in text
    assert invoice.seller["vat_id"] in text


def test_the_invoice_follows_the_booking_language(event, confirm):
    booking = confirm(event, country="AT", vat_id=AUSTRIAN_VAT_ID, language="en")

    message = mail.outbox[-1]
    text = pdf_text(message.attachments[0][1])

    assert booking.language == "en"
    assert message.subject.startswith("Invoice ")
    assert "Reverse charge" in text and "Booth B101" in text


def test_booth_invoices_share_the_ticket_shops_numbering(event, confirm):
    ticket_type = TicketTypeFactory(event=event)
    order = OrderFactory(event=event, total_amount=ticket_type.price_amount)
    TicketFactory(order=order, ticket_type=ticket_type, vat_rate=ticket_type.vat_rate)
    first = invoice_issue(order=order)

    booth_invoice = booking_open_invoice(booking=confirm(event))

    assert booth_invoice is not None
    assert (booth_invoice.year, booth_invoice.sequence) == (first.year, first.sequence + 1)


def test_a_booking_is_invoiced_once(event, confirm):
    booking = confirm(event)

    again = booking_invoice_issue(booking=booking)

    assert BoothInvoice.objects.filter(booking=booking).count() == 1
    assert again == booking_open_invoice(booking=booking)


def test_only_a_confirmed_booking_is_invoiced(event):
    booking = BoothBookingFactory(exhibitor=ExhibitorFactory(event=event))

    with pytest.raises(BookingNotConfirmed):
        booking_invoice_issue(booking=booking)
    with pytest.raises(BookingNotConfirmed):
        booking_mark_paid(booking=booking)


def test_a_public_buyer_gets_an_xrechnung_with_its_leitweg_id(event, confirm):
    booking = confirm(event, leitweg_id="991-12345-67", po_number="PO-77")

    message = mail.outbox[-1]

    invoice = booking_open_invoice(booking=booking)
    assert invoice is not None
    assert [a[0] for a in message.attachments] == [f"invoice-{invoice.number}.pdf", f"invoice-{invoice.number}.xml"]
    xml = message.attachments[1][1]
    assert b"991-12345-67" in xml and b"PO-77" in xml and booking_reference(booking).encode() in xml


# --- change ---------------------------------------------------------------------------------


def test_cancelling_the_booking_cancels_its_invoice_and_passes(event, django_capture_on_commit_callbacks):
    TicketTypeFactory(
        event=event, category=TicketCategory.EXHIBITOR_PASS, visibility=TicketVisibility.VOUCHER, price_amount=0
    )
    exhibitor = ExhibitorFactory(event=event, name="Alpha Digital GmbH")
    booking = booking_confirm(
        booking=BoothBookingFactory(exhibitor=exhibitor), booth=BoothFactory(event=event, number="B7")
    )
    invoice = booking_open_invoice(booking=booking)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.booth is not None
    assert booking.booth.status == BoothStatus.AVAILABLE
    assert booking_open_invoice(booking=booking) is None
    cancellation = Invoice.objects.get(cancels=invoice)
    assert cancellation.kind == InvoiceKind.CANCELLATION
    assert cancellation.gross_amount == -invoice.gross_amount
    assert [i.pk for i in booking_invoices(booking=booking)] == [invoice.pk, cancellation.pk]
    passes = Order.objects.get(idempotency_key=passes_reference(booking))
    assert passes.status == OrderStatus.CANCELLED
    assert not passes.tickets.filter(is_cancelled=False).exists()
    assert any(cancellation.number in m.subject for m in mail.outbox)

    booking_cancel(booking=booking)  # twice changes nothing
    assert Invoice.objects.filter(booth_link__booking=booking).count() == 2


def test_a_correction_cancels_the_invoice_and_issues_one_with_the_new_data(event, confirm):
    booking = confirm(event)
    first = booking_open_invoice(booking=booking)
    booking.exhibitor.city = "Potsdam"
    booking.exhibitor.save()

    second = booking_invoice_reissue(booking=booking)

    assert first is not None and second.pk != first.pk
    assert second.buyer["city"] == "Potsdam" and first.buyer["city"] == "Berlin"
    assert Invoice.objects.get(cancels=first).sequence == first.sequence + 1
    assert second.sequence == first.sequence + 2
    assert booking_open_invoice(booking=booking) == second


def test_cancel_without_an_open_invoice_does_nothing(event, confirm):
    booking = confirm(event)
    booking_invoice_cancel(booking=booking)

    assert booking_invoice_cancel(booking=booking) is None
    assert Invoice.objects.filter(booth_link__booking=booking).count() == 2


def test_mark_paid_keeps_the_first_date(event, confirm):
    booking = confirm(event)
    first = dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC)

    booking_mark_paid(booking=booking, now=first)
    booking_mark_paid(booking=booking, now=first + dt.timedelta(days=1))

    booking.refresh_from_db()
    assert booking.paid_at == first
