"""The exhibitor portal: booking and invoices, profile, staff passes (names, e-mails, extra passes),
each exhibitor seeing only its own."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from exhibitors.models import ExtraPassOrder
from exhibitors.selectors import booking_open_invoice, exhibitor_pass_orders, passes_reference
from exhibitors.services.booking import booking_confirm
from tests.factories.exhibitors import BoothBookingFactory, BoothFactory, ExhibitorFactory, ExhibitorStaffFactory
from tests.factories.ticketing import TicketTypeFactory
from ticketing.enums import OrderStatus, PaymentMethod, TicketCategory, TicketVisibility
from ticketing.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, media):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def event(future_event):  # type: ignore[no-untyped-def]
    return future_event


@pytest.fixture
def pass_type(event):  # type: ignore[no-untyped-def]
    return TicketTypeFactory(
        event=event,
        name_en="Extra exhibitor pass",
        category=TicketCategory.EXHIBITOR_PASS,
        visibility=TicketVisibility.VOUCHER,
        price_amount=Decimal("53.55"),
        max_per_order=20,
    )


def booked(event, name, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    exhibitor = ExhibitorFactory(
        event=event, name=name, street="Hauptstraße 1", postcode="10115", city="Berlin", email="info@x.example"
    )
    booking = BoothBookingFactory(exhibitor=exhibitor, contact_email="messe@x.example")
    booth = BoothFactory(event=event, width=Decimal("3"), depth=Decimal("3"))
    with django_capture_on_commit_callbacks(execute=True):
        return exhibitor, booking_confirm(booking=booking, booth=booth)


@pytest.fixture
def alpha(event, pass_type, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return booked(event, "Alpha Digital GmbH", django_capture_on_commit_callbacks)


@pytest.fixture
def beta(event, pass_type, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return booked(event, "Beta Verwaltung AG", django_capture_on_commit_callbacks)


@pytest.fixture
def alpha_client(client, alpha):  # type: ignore[no-untyped-def]
    client.force_login(ExhibitorStaffFactory(exhibitor=alpha[0]).user)
    return client


def portal(event) -> str:  # type: ignore[no-untyped-def]
    return f"/{event.slug}/exhibitors/portal/"


def test_portal_needs_a_login_and_exhibitor_staff(client, event, django_user_model):
    assert client.get(portal(event)).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(portal(event)).status_code == 403


def test_portal_shows_the_booking_and_its_invoice(alpha_client, event, alpha):
    _exhibitor, booking = alpha
    invoice = booking_open_invoice(booking=booking)
    assert invoice is not None

    response = alpha_client.get(portal(event))

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert booking.booth.number in page and "Confirmed" in page
    assert f"Invoice {invoice.number} (PDF)" in page
    pdf = alpha_client.get(f"{portal(event)}invoices/{invoice.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_exhibitor_cannot_open_anothers_invoice(alpha_client, event, beta):
    other = booking_open_invoice(booking=beta[1])
    assert other is not None

    assert alpha_client.get(f"{portal(event)}invoices/{other.pk}.pdf").status_code == 404
    assert other.number not in alpha_client.get(portal(event)).content.decode()


def test_staff_put_a_name_and_email_on_a_pass_and_it_is_sent(
    alpha_client, event, alpha, django_capture_on_commit_callbacks
):
    ticket = exhibitor_pass_orders(exhibitor=alpha[0])[0].tickets.order_by("pk").first()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = alpha_client.post(
            portal(event),
            {
                "action": "assign",
                "ticket": ticket.pk,
                "attendee_name": "Jana Stand",
                "attendee_email": "jana@x.example",
            },
        )

    assert response.status_code == 302 and response["Location"].endswith(f"#pass-{ticket.pk}")
    ticket.refresh_from_db()
    assert (ticket.attendee_name, ticket.attendee_email) == ("Jana Stand", "jana@x.example")
    (message,) = [m for m in mail.outbox if m.to == ["jana@x.example"]]
    assert [a[0] for a in message.attachments] == [f"ticket-{ticket.order.code}-{ticket.pk}.pdf"]
    assert message.attachments[0][1].startswith(b"%PDF")
    assert ticket.order.secret not in message.body  # the holder of one pass cannot change the others


def test_staff_cannot_rename_another_exhibitors_pass(alpha_client, event, beta):
    ticket = exhibitor_pass_orders(exhibitor=beta[0])[0].tickets.first()

    response = alpha_client.post(
        portal(event), {"action": "assign", "ticket": ticket.pk, "attendee_name": "Intruder", "attendee_email": ""}
    )

    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.attendee_name != "Intruder"


def test_a_bad_pass_form_shows_the_error_and_changes_nothing(alpha_client, event, alpha):
    ticket = exhibitor_pass_orders(exhibitor=alpha[0])[0].tickets.first()
    before = ticket.attendee_name

    response = alpha_client.post(
        portal(event), {"action": "assign", "ticket": ticket.pk, "attendee_name": "", "attendee_email": "not-mail"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error-summary"' in page and f'href="#pass-{ticket.pk}-attendee_email"' in page
    ticket.refresh_from_db()
    assert ticket.attendee_name == before


def test_extra_passes_are_ordered_at_their_price_by_invoice_once_per_form(alpha_client, event, alpha, pass_type):
    form = {"action": "extra", "quantity": "2", "token": "tok-123456789012345"}

    first = alpha_client.post(portal(event), form)
    again = alpha_client.post(portal(event), form)  # the form sent twice

    assert first.status_code == again.status_code == 302
    link = ExtraPassOrder.objects.select_related("order").get(exhibitor=alpha[0])
    order = link.order
    assert (order.status, order.payment_method, order.total_amount) == (
        OrderStatus.PENDING,
        PaymentMethod.INVOICE,
        Decimal("107.10"),
    )
    assert order.billing_company == "Alpha Digital GmbH" and order.tickets.count() == 2
    assert order.invoices.get().gross_amount == Decimal("107.10")  # 19 % VAT, like every ticket
    assert order in exhibitor_pass_orders(exhibitor=alpha[0])
    assert "issued once the invoice is paid" in alpha_client.get(portal(event)).content.decode()


def test_extra_passes_need_the_company_address(alpha_client, event, alpha):
    alpha[0].street = ""
    alpha[0].save()

    response = alpha_client.post(portal(event), {"action": "extra", "quantity": "1", "token": "tok-abcdefghijklmnop"})

    assert response.status_code == 400
    assert "complete your company" in response.content.decode()
    assert not ExtraPassOrder.objects.exists()


def test_extra_pass_quantity_is_bounded(alpha_client, event, alpha):
    response = alpha_client.post(portal(event), {"action": "extra", "quantity": "500", "token": "tok-abcdefghijklmnop"})

    assert response.status_code == 400
    assert not Order.objects.filter(exhibitor_link__isnull=False).exists()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_staff_edit_their_profile(alpha_client, event, alpha):
    url = f"{portal(event)}profile/"
    assert alpha_client.get(url).status_code == 200

    response = alpha_client.post(
        url,
        {
            "description_de": "Neu.",
            "description_en": "New.",
            "website": "https://alpha.example/",
            "email": "hello@alpha.example",
            "phone": "",
            "street": "Neue Straße 2",
            "postcode": "14055",
            "city": "Berlin",
            "country": "de",
            "vat_id": "DE 136 695 976",
            "logo": SimpleUploadedFile("logo.png", _png(), content_type="image/png"),
        },
    )

    assert response.status_code == 302
    exhibitor = alpha[0]
    exhibitor.refresh_from_db()
    assert (exhibitor.description_en, exhibitor.street, exhibitor.vat_id) == ("New.", "Neue Straße 2", "DE136695976")
    assert exhibitor.logo.name.endswith(".png")


def test_profile_refuses_a_fake_logo_and_a_foreign_vat_id(alpha_client, event, alpha):
    response = alpha_client.post(
        f"{portal(event)}profile/",
        {
            "street": "x",
            "postcode": "1",
            "city": "y",
            "country": "DE",
            "vat_id": "ATU13585627",
            "logo": SimpleUploadedFile("logo.png", b"<svg/>", content_type="image/png"),
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_vat_id"' in page and 'href="#id_logo"' in page
    alpha[0].refresh_from_db()
    assert alpha[0].street == "Hauptstraße 1"


def test_staff_of_several_exhibitors_choose_one(client, event, alpha, beta):
    user = ExhibitorStaffFactory(exhibitor=alpha[0]).user
    ExhibitorStaffFactory(exhibitor=beta[0], user=user)
    client.force_login(user)

    choice = client.get(portal(event)).content.decode()
    chosen = client.get(portal(event) + f"?exhibitor={beta[0].slug}").content.decode()

    assert f"?exhibitor={alpha[0].slug}" in choice and f"?exhibitor={beta[0].slug}" in choice
    assert "Beta Verwaltung AG" in chosen and booking_open_invoice(booking=beta[1]).number in chosen


def test_passes_order_is_the_bookings(alpha, event):
    orders = exhibitor_pass_orders(exhibitor=alpha[0])

    assert [o.idempotency_key for o in orders] == [passes_reference(alpha[1])]
