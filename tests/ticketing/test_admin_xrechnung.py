"""The XRechnung of an invoice from admin, beside its PDF: only for buyers with a Leitweg-ID."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from tests.ticketing.conftest import BILLING
from ticketing.enums import PaymentMethod, PaymentProvider
from ticketing.models import Invoice, Order
from ticketing.services.orders import TicketRequest, order_mark_paid, order_place

pytestmark = pytest.mark.django_db


def paid_order(event, ticket_type, *, leitweg_id: str) -> Order:
    billing = BILLING.__class__(**{**BILLING.__dict__, "leitweg_id": leitweg_id})
    order = order_place(
        event=event,
        email="beschaffung@musterstadt.example",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Erika Mustermann")],
        payment_method=PaymentMethod.INVOICE,
        billing=billing,
    ).order
    return order_mark_paid(order=order, provider=PaymentProvider.BANK_TRANSFER, reference="bank-1")


def test_admin_downloads_the_xrechnung(admin_client, future_event, ticket_type):
    invoice = Invoice.objects.get(order=paid_order(future_event, ticket_type, leitweg_id="991-12345-67"))
    url = reverse("admin:ticketing_invoice_xml", args=[invoice.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="invoice-{invoice.number}.xml"'
    assert response.content.startswith(b"<?xml") and b"991-12345-67" in response.content
    # Linked from the invoice list, the invoice page and the order's invoice inline.
    assert url in admin_client.get(reverse("admin:ticketing_invoice_changelist")).text
    assert url in admin_client.get(reverse("admin:ticketing_invoice_change", args=[invoice.pk])).text
    assert url in admin_client.get(reverse("admin:ticketing_order_change", args=[invoice.order_id])).text


def test_admin_has_no_xrechnung_without_a_leitweg_id(admin_client, future_event, ticket_type):
    invoice = Invoice.objects.get(order=paid_order(future_event, ticket_type, leitweg_id=""))
    url = reverse("admin:ticketing_invoice_xml", args=[invoice.pk])

    assert admin_client.get(url).status_code == 404
    assert url not in admin_client.get(reverse("admin:ticketing_invoice_changelist")).text
    assert admin_client.get(reverse("admin:ticketing_invoice_xml", args=[999999])).status_code == 404


def test_admin_xrechnung_needs_the_view_permission(client, future_event, ticket_type):
    invoice = Invoice.objects.get(order=paid_order(future_event, ticket_type, leitweg_id="991-12345-67"))
    url = reverse("admin:ticketing_invoice_xml", args=[invoice.pk])
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)

    assert client.get(url).status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="view_invoice", content_type__app_label="ticketing"))
    assert client.get(url).status_code == 200
