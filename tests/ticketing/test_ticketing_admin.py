"""Django admin of the ticket shop: lists, filters, search, actions, the refund step and the
sales overview."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from tests.factories.ticketing import OfficialDomainFactory, QuotaFactory, TicketTypeFactory, VoucherFactory
from tests.ticketing.conftest import BILLING
from ticketing import tasks
from ticketing.enums import OrderStatus, PaymentMethod, PaymentProvider, RefundStatus, TicketCategory
from ticketing.models import Invoice, Order, Payment, Refund, StripeEvent, Ticket
from ticketing.selectors_sales import sales_overview
from ticketing.services import invoices as invoice_service
from ticketing.services.orders import TicketRequest, order_cancel, order_mark_paid, order_place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """These tests read English texts; pages fall back to LANGUAGE_CODE without Accept-Language."""
    settings.LANGUAGE_CODE = "en"


def place(event, *types, method=PaymentMethod.INVOICE, email="buyer@example.org", names=None, **kwargs):
    return order_place(
        event=event,
        email=email,
        tickets=[
            TicketRequest(ticket_type_id=t.pk, attendee_name=(names or {}).get(i, f"Person {i}"))
            for i, t in enumerate(types)
        ],
        payment_method=method,
        billing=BILLING if method == PaymentMethod.INVOICE else None,
        **kwargs,
    ).order


@pytest.fixture
def orders(future_event, ticket_type):
    """A pending invoice order, a paid one, and a free public-sector one awaiting approval."""
    free = TicketTypeFactory(
        event=future_event, name_de="Verwaltung", category=TicketCategory.PUBLIC_SECTOR, price_amount=Decimal("0")
    )
    pending = place(future_event, ticket_type, names={0: "Anna Pending"})
    paid = order_mark_paid(
        order=place(future_event, ticket_type, ticket_type, email="paid@example.org", names={0: "Paul Paid"}),
        provider=PaymentProvider.BANK_TRANSFER,
        reference="bank-1",
    )
    waiting = place(future_event, free, email="amt@example.org")
    assert waiting.status == OrderStatus.AWAITING_APPROVAL
    return {"pending": pending, "paid": paid, "waiting": waiting, "free_type": free}


def changelist(model):
    return reverse(f"admin:ticketing_{model}_changelist")


def action(admin_client, name, *orders, follow=True):
    return admin_client.post(
        changelist("order"),
        {"action": name, "_selected_action": [o.pk for o in orders]},
        follow=follow,
    )


def shown_messages(response):
    return [str(m) for m in response.context["messages"]]


# --- lists --------------------------------------------------------------------------------


def test_order_changelist_filters_and_search(admin_client, orders, ticket_type, future_event):
    url = changelist("order")
    today = timezone.localdate()
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for params in [
        {},
        {"status__exact": "pending"},
        {"payment_method__exact": "invoice"},
        {"ticket_type": ticket_type.pk},
        {"ticket_type": "garbage"},
        {"event__id__exact": future_event.pk},
        {"needs_attention__exact": "1"},
        {"created_at__gte": str(midnight), "created_at__lt": str(midnight + dt.timedelta(days=1))},
        {"created_at__year": today.year, "created_at__month": today.month},
        {"q": "Paul"},
        {"q": orders["paid"].code},
        {"q": "Landeshauptstadt"},
    ]:
        assert admin_client.get(url, params).status_code == 200, params
    assert admin_client.get(url, {"q": "Paul"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": orders["paid"].code}).context["cl"].result_count == 1
    assert admin_client.get(url, {"ticket_type": ticket_type.pk}).context["cl"].result_count == 2
    assert admin_client.get(url, {"ticket_type": orders["free_type"].pk}).context["cl"].result_count == 1
    assert admin_client.get(url, {"status__exact": "awaiting_approval"}).context["cl"].result_count == 1


def test_every_changelist_renders_with_filters_and_search(admin_client, orders, future_event, ticket_type):
    quota = QuotaFactory(event=future_event, size=50)
    ticket_type.quotas.add(quota)
    VoucherFactory(event=future_event, code="BITKOM20")
    OfficialDomainFactory(domain="berlin.de")
    StripeEvent.objects.create(event_id="evt_1", type="checkout.session.completed", payload={}, order=orders["paid"])
    for model, params in [
        ("tickettype", [{}, {"category__exact": "industry"}, {"event__id__exact": future_event.pk}, {"q": "Ticket"}]),
        ("quota", [{}, {"event__id__exact": future_event.pk}, {"q": "Venue"}]),
        ("voucher", [{}, {"kind__exact": "percentage"}, {"q": "BITKOM"}]),
        ("officialdomain", [{}, {"tld": "de"}, {"q": "berlin"}]),
        ("ticket", [{}, {"is_cancelled__exact": "0"}, {"ticket_type__id__exact": ticket_type.pk}, {"q": "Paul"}]),
        ("payment", [{}, {"provider__exact": "bank_transfer"}, {"q": orders["paid"].code}]),
        ("refund", [{}, {"status__exact": "succeeded"}, {"q": "x"}]),
        ("invoice", [{}, {"kind__exact": "invoice"}, {"q": orders["paid"].code}]),
        ("stripeevent", [{}, {"type": "checkout.session.completed"}, {"q": "evt_1"}]),
    ]:
        for query in params:
            response = admin_client.get(changelist(model), query)
            assert response.status_code == 200, (model, query)
    assert admin_client.get(changelist("ticket"), {"q": "Paul"}).context["cl"].result_count == 1
    quotas = admin_client.get(changelist("quota")).context["cl"].result_list
    assert [(q.name, q.used) for q in quotas] == [(quota.name, 3)]
    types = {t.pk: t.holding for t in admin_client.get(changelist("tickettype")).context["cl"].result_list}
    assert types[ticket_type.pk] == 3


def test_change_pages_render(admin_client, orders, future_event):
    paid = orders["paid"]
    invoice = Invoice.objects.filter(order=paid).first()
    ticket = paid.tickets.first()
    payment = paid.payments.first()
    for url in [
        reverse("admin:ticketing_order_change", args=[paid.pk]),
        reverse("admin:ticketing_ticket_change", args=[ticket.pk]),
        reverse("admin:ticketing_payment_change", args=[payment.pk]),
        reverse("admin:ticketing_invoice_change", args=[invoice.pk]),
        reverse("admin:ticketing_tickettype_change", args=[ticket.ticket_type_id]),
        reverse("admin:ticketing_tickettype_add"),
    ]:
        assert admin_client.get(url).status_code == 200, url
    page = admin_client.get(reverse("admin:ticketing_order_change", args=[paid.pk]))
    assert paid.secret in page.text  # a link to the buyer's order page
    assert reverse("admin:ticketing_order_refund", args=[paid.pk]) in page.text


def test_orders_and_history_cannot_be_added_or_deleted(admin_client, orders):
    paid = orders["paid"]
    assert admin_client.get(reverse("admin:ticketing_order_add")).status_code == 403
    assert admin_client.get(reverse("admin:ticketing_order_delete", args=[paid.pk])).status_code == 403
    assert admin_client.get(reverse("admin:ticketing_payment_add")).status_code == 403
    payment = paid.payments.first()
    assert admin_client.post(reverse("admin:ticketing_payment_change", args=[payment.pk]), {}).status_code == 403


def test_invoice_pdf_from_admin(admin_client, orders, monkeypatch):
    monkeypatch.setattr(invoice_service, "invoice_pdf", lambda *, invoice: b"%PDF-admin")
    invoice = Invoice.objects.filter(order=orders["paid"]).first()
    response = admin_client.get(reverse("admin:ticketing_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-admin"
    assert admin_client.get(reverse("admin:ticketing_invoice_pdf", args=[999999])).status_code == 404


# --- order form: money and status read-only; names through the service ----------------------


def order_form_data(order):
    tickets = list(order.tickets.order_by("pk"))
    data = {
        "email": order.email,
        "language": order.language,
        "billing_name": order.billing_name,
        "billing_company": order.billing_company,
        "billing_street": order.billing_street,
        "billing_postcode": order.billing_postcode,
        "billing_city": order.billing_city,
        "billing_country": order.billing_country,
        "vat_id": "",
        "leitweg_id": "",
        "po_number": "",
        "attention_note": "",
        "tickets-TOTAL_FORMS": len(tickets),
        "tickets-INITIAL_FORMS": len(tickets),
        "tickets-MIN_NUM_FORMS": 0,
        "tickets-MAX_NUM_FORMS": 1000,
        "payments-TOTAL_FORMS": 0,
        "payments-INITIAL_FORMS": 0,
        "refunds-TOTAL_FORMS": 0,
        "refunds-INITIAL_FORMS": 0,
        "invoices-TOTAL_FORMS": 0,
        "invoices-INITIAL_FORMS": 0,
        # attempts to change what only actions may change
        "status": OrderStatus.CANCELLED,
        "total_amount": "0.01",
    }
    for index, ticket in enumerate(tickets):
        data[f"tickets-{index}-id"] = ticket.pk
        data[f"tickets-{index}-order"] = order.pk
        data[f"tickets-{index}-attendee_name"] = ticket.attendee_name
    return data


def test_order_form_renames_through_service_and_keeps_money(admin_client, orders):
    paid = orders["paid"]
    data = order_form_data(paid)
    data["tickets-0-attendee_name"] = "Paula Paid"
    data["billing_city"] = "Potsdam"
    with_commit = admin_client.post(reverse("admin:ticketing_order_change", args=[paid.pk]), data)
    assert with_commit.status_code == 302, with_commit.context and with_commit.context["errors"]
    paid.refresh_from_db()
    assert (paid.status, paid.total_amount, paid.billing_city) == (OrderStatus.PAID, Decimal("1068.62"), "Potsdam")
    assert paid.tickets.order_by("pk").first().attendee_name == "Paula Paid"


def test_ticket_admin_renames_through_service(admin_client, orders):
    ticket = orders["paid"].tickets.order_by("pk").first()
    url = reverse("admin:ticketing_ticket_change", args=[ticket.pk])
    response = admin_client.post(url, {"attendee_name": "Neu Name", "price_amount": "0.00"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.attendee_name, ticket.price_amount) == ("Neu Name", Decimal("534.31"))


def test_ticket_admin_rename_after_start_is_an_error_message(admin_client, admin_user, orders):
    ticket = orders["paid"].tickets.order_by("pk").first()
    url = reverse("admin:ticketing_ticket_change", args=[ticket.pk])
    with time_machine.travel(ticket.order.event.starts_at + dt.timedelta(hours=2)):
        admin_client.force_login(admin_user)
        response = admin_client.post(url, {"attendee_name": "Too Late"}, follow=True)
    ticket.refresh_from_db()
    assert ticket.attendee_name == "Paul Paid"
    assert any("started" in m or "state" in m for m in shown_messages(response))


# --- actions ------------------------------------------------------------------------------


def test_action_mark_paid(admin_client, orders, admin_user):
    response = action(admin_client, "mark_paid", orders["pending"], orders["paid"])
    pending = Order.objects.get(pk=orders["pending"].pk)
    assert pending.status == OrderStatus.PAID
    payment = Payment.objects.get(order=pending)
    assert (payment.provider, payment.amount, payment.recorded_by) == (
        PaymentProvider.BANK_TRANSFER,
        Decimal("534.31"),
        admin_user,
    )
    assert Payment.objects.filter(order=orders["paid"]).count() == 1  # the paid one was skipped
    texts = shown_messages(response)
    assert any("1 order marked as paid." in t for t in texts)
    assert any("skipped" in t for t in texts)


def test_action_approve_and_reject(admin_client, orders):
    action(admin_client, "approve", orders["waiting"])
    assert Order.objects.get(pk=orders["waiting"].pk).status == OrderStatus.PAID  # free: paid on approval
    response = action(admin_client, "reject", orders["pending"])
    assert Order.objects.get(pk=orders["pending"].pk).status == OrderStatus.PENDING
    assert any("not in a state" in t for t in shown_messages(response))


def test_action_reject(admin_client, future_event, orders):
    action(admin_client, "reject", orders["waiting"])
    waiting = Order.objects.get(pk=orders["waiting"].pk)
    assert waiting.status == OrderStatus.CANCELLED
    assert not waiting.tickets.filter(is_cancelled=False).exists()


def test_action_resend_tickets(admin_client, orders, monkeypatch):
    sent = []

    class FakeTask:
        @staticmethod
        def enqueue(order_id):
            sent.append(order_id)

    monkeypatch.setattr(tasks, "render_and_send_tickets", FakeTask)
    response = action(admin_client, "resend_tickets", orders["paid"], orders["pending"])
    assert sent == [orders["paid"].pk]
    assert any("being sent" in t for t in shown_messages(response))


def test_action_cancel(admin_client, orders):
    response = action(admin_client, "cancel", orders["pending"])
    assert Order.objects.get(pk=orders["pending"].pk).status == OrderStatus.CANCELLED
    again = action(admin_client, "cancel", orders["pending"])
    assert any("not in a state" in t for t in shown_messages(again))
    assert any("cancelled" in t for t in shown_messages(response))


def test_action_refund_needs_exactly_one_order(admin_client, orders):
    response = action(admin_client, "refund", orders["paid"], orders["pending"])
    assert any("exactly one" in t for t in shown_messages(response))
    response = action(admin_client, "refund", orders["paid"], follow=False)
    assert response["Location"] == reverse("admin:ticketing_order_refund", args=[orders["paid"].pk])


def test_actions_need_permissions(client, orders):
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"], content_type__app_label="ticketing")
    )
    client.force_login(staff)
    page = client.get(changelist("order"))
    choices = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert "approve" in choices and "cancel" in choices
    assert "mark_paid" not in choices and "refund" not in choices
    assert client.get(reverse("admin:ticketing_order_refund", args=[orders["paid"].pk])).status_code == 403
    response = client.post(changelist("order"), {"action": "mark_paid", "_selected_action": [orders["pending"].pk]})
    assert Order.objects.get(pk=orders["pending"].pk).status == OrderStatus.PENDING
    assert response.status_code in (200, 302)


# --- the refund step ----------------------------------------------------------------------


def test_refund_page_defaults_to_remaining_amount(admin_client, orders):
    url = reverse("admin:ticketing_order_refund", args=[orders["paid"].pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["amount"].value() == Decimal("1068.62")


def test_refund_partial_then_rest(admin_client, orders, admin_user):
    paid = orders["paid"]
    url = reverse("admin:ticketing_order_refund", args=[paid.pk])
    response = admin_client.post(url, {"amount": "100.00", "reason": "Goodwill"})
    assert response.status_code == 302
    refund = Refund.objects.get(order=paid)
    assert (refund.amount, refund.reason, refund.status, refund.created_by) == (
        Decimal("100.00"),
        "Goodwill",
        RefundStatus.SUCCEEDED,
        admin_user,
    )
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.PAID
    assert admin_client.get(url).context["form"]["amount"].value() == Decimal("968.62")
    admin_client.post(url, {"amount": "968.62", "reason": "Rest"})
    assert Order.objects.get(pk=paid.pk).status == OrderStatus.CANCELLED


def test_refund_too_large_is_an_error_message(admin_client, orders):
    url = reverse("admin:ticketing_order_refund", args=[orders["paid"].pk])
    response = admin_client.post(url, {"amount": "5000.00", "reason": ""})
    assert response.status_code == 200
    assert any("larger than" in t for t in shown_messages(response))
    assert not Refund.objects.exists()


def test_refund_of_unpaid_order_is_an_error_message(admin_client, orders):
    url = reverse("admin:ticketing_order_refund", args=[orders["pending"].pk])
    assert admin_client.get(url).context["form"]["amount"].value() == Decimal("0.00")
    response = admin_client.post(url, {"amount": "1.00"})
    assert response.status_code == 200
    assert shown_messages(response)
    assert not Refund.objects.exists()


def test_refund_form_validates_amount(admin_client, orders):
    url = reverse("admin:ticketing_order_refund", args=[orders["paid"].pk])
    response = admin_client.post(url, {"amount": "-3"})
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert admin_client.get(reverse("admin:ticketing_order_refund", args=[999999])).status_code == 404


# --- the sales overview -------------------------------------------------------------------


@pytest.fixture
def known_sales(future_event):
    """Three types and a quota; paid, pending, awaiting, expired and cancelled orders."""
    venue = QuotaFactory(event=future_event, name="Venue", size=10)
    three_day = TicketTypeFactory(event=future_event, name_de="3-Tage", price_amount=Decimal("534.31"), position=1)
    day = TicketTypeFactory(event=future_event, name_de="Tag", price_amount=Decimal("236.81"), position=2)
    free = TicketTypeFactory(
        event=future_event,
        name_de="Öffentlich",
        price_amount=Decimal("0"),
        category=TicketCategory.PUBLIC_SECTOR,
        capacity=5,
        position=3,
    )
    three_day.quotas.add(venue)
    day.quotas.add(venue)
    order_mark_paid(order=place(future_event, three_day, three_day, day), reference="a")  # paid 2 + 1
    place(future_event, day)  # pending: reserved
    place(future_event, free)  # awaiting approval: reserved
    expired = place(future_event, three_day)
    Order.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    order_cancel(order=order_mark_paid(order=place(future_event, day), reference="b"))  # cancelled
    return {"venue": venue, "three_day": three_day, "day": day, "free": free}


def test_sales_overview_numbers(future_event, known_sales):
    overview = sales_overview(event=future_event)
    rows = {row.ticket_type.name_de: row for row in overview.ticket_types}
    assert (rows["3-Tage"].sold, rows["3-Tage"].reserved, rows["3-Tage"].available) == (2, 0, 6)
    assert (rows["Tag"].sold, rows["Tag"].reserved, rows["Tag"].available) == (1, 1, 6)
    assert (rows["Öffentlich"].sold, rows["Öffentlich"].reserved, rows["Öffentlich"].available) == (0, 1, 4)
    assert rows["3-Tage"].revenue_gross == Decimal("1068.62")
    assert rows["3-Tage"].revenue_net == Decimal("898.00")
    assert rows["Tag"].revenue_gross == Decimal("236.81")
    assert rows["Tag"].revenue_net == Decimal("199.00")
    assert (overview.sold, overview.reserved) == (3, 2)
    assert overview.revenue_gross == Decimal("1305.43")
    assert overview.revenue_net == Decimal("1097.00")
    [quota] = overview.quotas
    assert (quota.quota.size, quota.used, quota.free) == (10, 4, 6)


@pytest.mark.parametrize("extra_types", [0, 3])
def test_sales_overview_query_count_is_fixed(future_event, known_sales, django_assert_num_queries, extra_types):
    for _n in range(extra_types):
        TicketTypeFactory(event=future_event).quotas.add(known_sales["venue"])
    # types, their quotas, used per type, used per quota, sales per type, quotas, used per quota
    with django_assert_num_queries(7):
        overview = sales_overview(event=future_event)
    assert len(overview.ticket_types) == 3 + extra_types


def test_sales_overview_page(admin_client, future_event, known_sales, django_assert_max_num_queries, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    url = reverse("admin:ticketing_tickettype_sales")
    with django_assert_max_num_queries(14):
        page = admin_client.get(url, {"event": future_event.pk})
    assert page.status_code == 200
    assert page.context["overview"].sold == 3
    assert "1.305,43" in page.text
    assert "Venue" in page.text
    assert admin_client.get(url, {"event": "junk"}).status_code == 200
    assert url in admin_client.get(changelist("tickettype")).text


def test_sales_overview_without_events(admin_client):
    assert admin_client.get(reverse("admin:ticketing_tickettype_sales")).status_code == 200


def test_ticket_holding_counts_in_lists_use_fixed_queries(admin_client, known_sales, django_assert_max_num_queries):
    # session, user, counts and rows, filters: independent of the number of rows
    with django_assert_max_num_queries(12):
        response = admin_client.get(changelist("tickettype"))
    holding = {t.name_de: t.holding for t in response.context["cl"].result_list}
    assert holding == {"3-Tage": 2, "Tag": 2, "Öffentlich": 1}
    assert Ticket.objects.count() == 7
