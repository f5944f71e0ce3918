"""The ticket shop and the order page through the Django test client: choose → details → order."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.factories.ticketing import OfficialDomainFactory, TicketTypeFactory, VoucherFactory
from tests.ticketing import stripe_fake
from tests.ticketing.conftest import BILLING
from ticketing.enums import (
    InvoiceKind,
    OrderStatus,
    PaymentMethod,
    PaymentProvider,
    TicketCategory,
    TicketVisibility,
    VoucherKind,
)
from ticketing.models import Invoice, Order
from ticketing.services import invoices as invoice_service
from ticketing.services import tickets as ticket_service
from ticketing.services.orders import TicketRequest, order_mark_paid, order_place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """These tests read English texts; pages fall back to LANGUAGE_CODE without Accept-Language."""
    settings.LANGUAGE_CODE = "en"


PDF = b"%PDF-1.7 test\n%%EOF\n"


# --- helpers ------------------------------------------------------------------------------


def shop_url(event):
    return f"/{event.slug}/tickets/"


def order_url(order):
    return f"/{order.event.slug}/orders/{order.code}/{order.secret}/"


def choose(client, event, quantities, voucher=""):
    data = {"step": "choose", "voucher": voucher}
    data.update({f"qty_{t.pk}": n for t, n in quantities.items()})
    return client.post(shop_url(event), data)


def token_of(response):
    match = re.search(r'name="token" value="([^"]+)"', response.text)
    assert match, "the details step carries an idempotency token"
    return match.group(1)


def details(quantities, *, token, voucher="", method="invoice", billing=True, email="buyer@example.org", **extra):
    data = {"step": "details", "voucher": voucher, "token": token, "email": email, "accept_terms": "on"}
    data.update({f"qty_{t.pk}": n for t, n in quantities.items()})
    count = sum(quantities.values())
    for index in range(1, count + 1):
        data[f"attendee_{index}_name"] = f"Person {index}"
        data[f"attendee_{index}_email"] = ""
    if method:
        data["payment_method"] = method
    if billing:
        data.update(
            {
                "billing_name": BILLING.name,
                "billing_company": BILLING.company,
                "billing_street": BILLING.street,
                "billing_postcode": BILLING.postcode,
                "billing_city": BILLING.city,
                "billing_country": BILLING.country,
            }
        )
    data.update(extra)
    return data


def buy(client, event, quantities, **kwargs):
    """Both steps: returns the response of the final submit."""
    step1 = choose(client, event, quantities, voucher=kwargs.get("voucher", ""))
    assert step1.status_code == 200
    return client.post(shop_url(event), details(quantities, token=token_of(step1), **kwargs))


def error_codes_shown(response):
    return response.context["errors"]


@pytest.fixture
def public_sector(future_event):
    return TicketTypeFactory(
        event=future_event,
        name_de="Öffentlicher Sektor",
        name_en="Public sector",
        category=TicketCategory.PUBLIC_SECTOR,
        price_amount=Decimal("0.00"),
        position=0,
    )


@pytest.fixture
def press(future_event):
    return TicketTypeFactory(
        event=future_event,
        name_de="Presse",
        name_en="Press",
        category=TicketCategory.PRESS,
        price_amount=Decimal("0.00"),
        visibility=TicketVisibility.VOUCHER,
        position=5,
    )


# --- step 1: the list ---------------------------------------------------------------------


def test_shop_lists_types_with_gross_price_and_vat(client, future_event, ticket_type, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    response = client.get(shop_url(future_event))
    assert response.status_code == 200
    text = response.text
    assert ticket_type.name_de in text
    assert "534,31 €" in text
    assert "19 %" in text and "85,31 €" in text  # the VAT in 534.31 gross
    assert f'name="qty_{ticket_type.pk}"' in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_shop_in_english_formats_prices(client, future_event, ticket_type):
    response = client.get(shop_url(future_event), headers={"accept-language": "en"})
    assert "534.31 €" in response.text
    assert "incl. 19 % VAT (85.31 €)" in response.text


def test_shop_unknown_event_is_404(client, db):
    assert client.get("/nope2030/tickets/").status_code == 404


def test_shop_hides_voucher_types_and_shows_sold_out(client, future_event, ticket_type, press):
    limited = TicketTypeFactory(event=future_event, name_de="Frühbucher", capacity=1)
    order_place(
        event=future_event,
        email="a@example.org",
        tickets=[TicketRequest(ticket_type_id=limited.pk, attendee_name="A")],
        payment_method=PaymentMethod.INVOICE,
        billing=BILLING,
    )
    response = client.get(shop_url(future_event))
    assert press.name_de not in response.text
    offers = {o.ticket_type.pk: o for o in response.context["offer"].offers}
    assert offers[limited.pk].is_sold_out
    assert "Sold out" in response.text
    assert f'name="qty_{limited.pk}"' not in response.text


def test_shop_says_how_few_are_left(client, future_event):
    TicketTypeFactory(event=future_event, capacity=7)
    response = client.get(shop_url(future_event))
    assert "Only 7 tickets left." in response.text


def test_shop_quantity_choices_follow_min_max_and_availability(client, future_event):
    tight = TicketTypeFactory(event=future_event, min_per_order=2, max_per_order=10, capacity=4)
    response = client.get(shop_url(future_event))
    field = response.context["quantities_form"].fields[f"qty_{tight.pk}"]
    assert [value for value, _label in field.choices] == [0, 2, 3, 4]


def test_shop_not_on_sale_type_is_shown_without_quantity(client, future_event):
    later = TicketTypeFactory(event=future_event, sales_start_at=timezone.now() + dt.timedelta(days=3))
    response = client.get(shop_url(future_event))
    assert "Not on sale" in response.text
    assert f'name="qty_{later.pk}"' not in response.text


def test_choose_nothing_is_an_error_on_step_one(client, future_event, ticket_type):
    response = choose(client, future_event, {ticket_type: 0})
    assert response.status_code == 200
    assert response.templates[0].name == "ticketing/shop.html"
    assert "Please choose at least one ticket." in response.text
    assert 'role="alert"' in response.text


def test_choose_more_than_allowed_is_an_error_on_step_one(client, future_event, ticket_type):
    response = choose(client, future_event, {ticket_type: 11})
    assert response.templates[0].name == "ticketing/shop.html"
    assert f'id="id_qty_{ticket_type.pk}_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert f'href="#id_qty_{ticket_type.pk}"' in response.text


# --- step 2: details ----------------------------------------------------------------------


def test_choose_renders_one_attendee_row_per_ticket(client, future_event, ticket_type, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    response = choose(client, future_event, {ticket_type: 3})
    assert response.templates[0].name == "ticketing/shop_details.html"
    for index in (1, 2, 3):
        assert f'name="attendee_{index}_name"' in response.text
    assert 'name="attendee_4_name"' not in response.text
    assert "1.602,93 €" in response.text  # 3 × 534.31
    assert "255,93 €" in response.text  # VAT in the total
    assert 'value="invoice"' in response.text
    assert 'value="stripe"' not in response.text  # no Stripe keys: invoice only
    assert token_of(response)


def test_card_is_offered_when_stripe_is_configured(client, stripe_keys, future_event, ticket_type):
    response = choose(client, future_event, {ticket_type: 1})
    assert 'value="stripe"' in response.text


def test_invoice_flow_places_order_and_shows_bank_details(client, future_event, ticket_type, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    response = buy(client, future_event, {ticket_type: 2}, vat_id="DE 136 695 976", po_number="PO-77")
    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == order_url(order)
    assert order.status == OrderStatus.PENDING
    assert order.payment_method == PaymentMethod.INVOICE
    assert order.total_amount == Decimal("1068.62")
    assert (order.vat_id, order.po_number, order.billing_city) == ("DE136695976", "PO-77", "Musterstadt")
    assert list(order.tickets.values_list("attendee_name", flat=True)) == ["Person 1", "Person 2"]
    invoice = Invoice.objects.get(order=order)

    page = client.get(order_url(order))
    assert page.status_code == 200
    assert settings.SELLER["iban"] in page.text
    assert invoice.number in page.text
    assert "1.068,62 €" in page.text
    assert page["Referrer-Policy"] == "no-referrer"
    assert page["Cache-Control"] == "private, no-store"
    assert "Download tickets" not in page.text


def test_free_public_sector_order_with_official_domain_is_paid_at_once(client, future_event, public_sector):
    OfficialDomainFactory(domain="berlin.de")
    response = buy(client, future_event, {public_sector: 1}, method=None, billing=False, email="erika@senweb.berlin.de")
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert order.payment_method == PaymentMethod.FREE
    page = client.get(response["Location"])
    assert "tickets.pdf" in page.text


def test_free_public_sector_order_without_official_domain_awaits_approval(client, future_event, public_sector):
    step1 = choose(client, future_event, {public_sector: 1})
    assert 'name="payment_method"' not in step1.text  # free: neither payment nor billing asked for
    assert 'name="billing_street"' not in step1.text
    response = client.post(
        shop_url(future_event),
        details({public_sector: 1}, token=token_of(step1), method=None, billing=False, email="erika@gmail.example"),
    )
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_APPROVAL
    page = client.get(response["Location"])
    assert "Awaiting approval" in page.text
    assert "tickets.pdf" not in page.text


def test_voucher_unlocks_hidden_type_at_voucher_price(client, future_event, ticket_type, press, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    voucher = VoucherFactory(event=future_event, code="PRESS2030", kind=VoucherKind.FREE, max_uses=5)
    voucher.ticket_types.set([press])
    page = client.get(shop_url(future_event) + "?voucher=press2030")
    assert press.name_de in page.text
    assert "PRESS2030" in page.text
    response = buy(client, future_event, {press: 1}, voucher="press2030", method=None, billing=False)
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.voucher == voucher
    assert order.tickets.get().ticket_type == press


def test_percentage_voucher_shows_discounted_price(client, future_event, ticket_type, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    VoucherFactory(event=future_event, code="BITKOM20", kind=VoucherKind.PERCENTAGE, value=Decimal("20.00"))
    page = client.get(shop_url(future_event) + "?voucher=BITKOM20")
    assert "<del>534,31 €</del>" in page.text
    assert "427,45 €" in page.text  # 534.31 − 20 % (106.86)
    response = buy(client, future_event, {ticket_type: 1}, voucher="BITKOM20")
    assert Order.objects.get(code=response["Location"].split("/")[3]).total_amount == Decimal("427.45")


def test_unknown_voucher_is_a_field_error_on_the_list(client, future_event, ticket_type):
    page = client.get(shop_url(future_event) + "?voucher=NOPE")
    assert page.status_code == 200
    assert 'id="voucher-error"' in page.text
    assert 'aria-invalid="true"' in page.text
    assert page.context["offer"].voucher is None


def test_used_up_voucher_is_reported_on_the_list(client, future_event, ticket_type):
    VoucherFactory(event=future_event, code="ONCE", max_uses=1)
    buy(client, future_event, {ticket_type: 1}, voucher="ONCE")
    page = client.get(shop_url(future_event) + "?voucher=ONCE")
    assert page.context["voucher_error"] == "This voucher has been used up."


# --- domain errors: shown on the form, input kept -----------------------------------------


def assert_form_error(response, message_part):
    assert response.status_code == 200
    assert response.templates[0].name == "ticketing/shop_details.html"
    messages = [e.message for e in response.context["errors"]]
    assert any(message_part in m for m in messages), messages
    assert 'value="buyer@example.org"' in response.text  # input kept
    assert 'value="Person 1"' in response.text
    assert not Order.objects.filter(email="buyer@example.org").exists()


def test_sold_out_between_the_steps_is_a_form_error(client, future_event, settings):
    settings.LANGUAGE_CODE = "de"  # German names and number formats
    limited = TicketTypeFactory(event=future_event, capacity=1)
    step1 = choose(client, future_event, {limited: 1})
    order_place(
        event=future_event,
        email="faster@example.org",
        tickets=[TicketRequest(ticket_type_id=limited.pk, attendee_name="Faster")],
        payment_method=PaymentMethod.INVOICE,
        billing=BILLING,
    )
    response = client.post(shop_url(future_event), details({limited: 1}, token=token_of(step1)))
    assert_form_error(response, "ausverkauft")
    assert limited.name_de in response.text


def test_not_on_sale_between_the_steps_is_a_form_error(client, future_event, ticket_type):
    step1 = choose(client, future_event, {ticket_type: 1})
    ticket_type.sales_end_at = timezone.now() - dt.timedelta(minutes=1)
    ticket_type.save()
    response = client.post(shop_url(future_event), details({ticket_type: 1}, token=token_of(step1)))
    assert_form_error(response, "not on sale")


def test_quantity_out_of_range_is_a_form_error(client, future_event, ticket_type):
    step1 = choose(client, future_event, {ticket_type: 1})
    response = client.post(shop_url(future_event), details({ticket_type: 11}, token=token_of(step1)))
    assert_form_error(response, "outside what this ticket type allows")


def test_invalid_voucher_at_submit_is_a_form_error(client, future_event, ticket_type):
    voucher = VoucherFactory(event=future_event, code="GONE")
    step1 = choose(client, future_event, {ticket_type: 1}, voucher="GONE")
    voucher.valid_until = timezone.now() - dt.timedelta(minutes=1)
    voucher.save()
    data = details({ticket_type: 1}, token=token_of(step1), voucher="GONE")
    response = client.post(shop_url(future_event), data)
    assert_form_error(response, "voucher is not valid")


def test_voucher_exhausted_at_submit_is_a_form_error(client, future_event, ticket_type):
    VoucherFactory(event=future_event, code="LAST", max_uses=1)
    step1 = choose(client, future_event, {ticket_type: 1}, voucher="LAST")
    # Someone else takes the last use between the two steps.
    order_place(
        event=future_event,
        email="faster@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Faster")],
        payment_method=PaymentMethod.INVOICE,
        voucher_code="LAST",
        billing=BILLING,
    )
    response = client.post(shop_url(future_event), details({ticket_type: 1}, token=token_of(step1), voucher="LAST"))
    assert_form_error(response, "used up")


def test_billing_required_marks_the_missing_fields(client, future_event, ticket_type):
    step1 = choose(client, future_event, {ticket_type: 1})
    data = details({ticket_type: 1}, token=token_of(step1), billing=False)
    response = client.post(shop_url(future_event), data)
    assert_form_error(response, "billing address")
    for name in ["billing_name", "billing_street", "billing_postcode", "billing_city", "billing_country"]:
        assert f'id="id_{name}_error"' in response.text
        assert f'href="#id_{name}"' in response.text


def test_payment_method_unavailable_is_a_field_error(client, future_event, ticket_type, monkeypatch):
    from ticketing import views

    monkeypatch.setattr(views, "stripe_is_configured", lambda: True)  # offered, but not configured
    step1 = choose(client, future_event, {ticket_type: 1})
    response = client.post(shop_url(future_event), details({ticket_type: 1}, token=token_of(step1), method="stripe"))
    assert_form_error(response, "payment method is not available")
    assert 'id="id_payment_method_error"' in response.text


def test_unknown_ticket_type_in_carried_choice_is_an_error(client, future_event, ticket_type, press):
    response = client.post(shop_url(future_event), details({press: 1}, token="t" * 20))
    assert response.status_code == 200
    assert response.templates[0].name == "ticketing/shop.html"
    assert any("no such ticket type" in e.message for e in response.context["errors"])
    assert not Order.objects.exists()


def test_invalid_form_input_is_shown_with_links_and_kept(client, future_event, ticket_type):
    step1 = choose(client, future_event, {ticket_type: 1})
    data = details({ticket_type: 1}, token=token_of(step1), email="not-an-address", vat_id="DE123", leitweg_id="x")
    data.pop("accept_terms")
    data["attendee_1_name"] = ""
    response = client.post(shop_url(future_event), data)
    assert response.status_code == 200
    anchors = {e.anchor for e in response.context["errors"]}
    assert {"id_email", "id_attendee_1_name", "id_vat_id", "id_leitweg_id", "id_accept_terms"} <= anchors
    assert 'value="not-an-address"' in response.text
    assert 'aria-describedby="id_email_helptext id_email_error"' in response.text
    assert "<title>Error:" in response.text
    assert not Order.objects.exists()


def test_double_submit_with_the_same_token_places_one_order(client, future_event, ticket_type):
    step1 = choose(client, future_event, {ticket_type: 1})
    data = details({ticket_type: 1}, token=token_of(step1))
    first = client.post(shop_url(future_event), data)
    second = client.post(shop_url(future_event), data)
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"] == order_url(Order.objects.get())


def test_reused_token_with_changed_input_is_a_form_error(client, future_event, ticket_type):
    step1 = choose(client, future_event, {ticket_type: 1})
    client.post(shop_url(future_event), details({ticket_type: 1}, token=token_of(step1)))
    changed = details({ticket_type: 1}, token=token_of(step1), email="other@example.org")
    response = client.post(shop_url(future_event), changed)
    assert response.status_code == 200
    assert any("already been used" in e.message for e in response.context["errors"])
    assert Order.objects.count() == 1


def test_change_selection_returns_to_step_one_with_quantities(client, future_event, ticket_type):
    response = client.post(shop_url(future_event), {"step": "change", f"qty_{ticket_type.pk}": "2"})
    assert response.templates[0].name == "ticketing/shop.html"
    assert response.context["quantities_form"][f"qty_{ticket_type.pk}"].value() == 2


# --- card payment -------------------------------------------------------------------------


def test_card_order_redirects_to_stripe_checkout(client, stripe_keys, future_event, ticket_type, monkeypatch):
    fake = stripe_fake.install(monkeypatch)
    response = buy(client, future_event, {ticket_type: 1}, method="stripe")
    order = Order.objects.get()
    assert order.payment_method == PaymentMethod.STRIPE
    assert response["Location"].startswith("https://checkout.stripe.com/")
    created = fake.calls("POST", "/v1/checkout/sessions")[-1]
    assert created.form["success_url"] == f"http://testserver{order_url(order)}?paid=1"


def test_card_order_with_stripe_down_goes_to_order_page_with_pay_now(
    client, stripe_keys, future_event, ticket_type, monkeypatch
):
    fake = stripe_fake.install(monkeypatch)
    fake.down = True
    response = buy(client, future_event, {ticket_type: 1}, method="stripe")
    order = Order.objects.get()
    assert response["Location"] == order_url(order)
    page = client.get(response["Location"])
    assert "could not be reached" in page.text
    assert 'name="action" value="pay"' in page.text

    fake.down = False
    paid = client.post(order_url(order), {"action": "pay"})
    assert paid["Location"].startswith("https://checkout.stripe.com/")


def test_return_from_stripe_says_payment_is_being_confirmed(client, stripe_keys, future_event, ticket_type):
    order = order_place(
        event=future_event,
        email="a@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="A")],
        payment_method=PaymentMethod.STRIPE,
    ).order
    page = client.get(order_url(order) + "?paid=1")
    assert "payment is being confirmed" in page.text
    order_mark_paid(order=order, provider=PaymentProvider.STRIPE, reference="pi_1")
    page = client.get(order_url(order) + "?paid=1")
    assert "payment is being confirmed" not in page.text
    assert "tickets.pdf" in page.text


def test_pay_now_for_an_invoice_order_does_nothing(client, future_event, ticket_type):
    buy(client, future_event, {ticket_type: 1})
    order = Order.objects.get()
    response = client.post(order_url(order), {"action": "pay"}, follow=True)
    assert response.redirect_chain[-1][0] == order_url(order)
    assert "no payment due by card" in response.text


# --- the order page -----------------------------------------------------------------------


@pytest.fixture
def paid_order(future_event, ticket_type):
    order = order_place(
        event=future_event,
        email="buyer@example.org",
        tickets=[
            TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Erika Mustermann"),
            TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Max Mustermann"),
        ],
        payment_method=PaymentMethod.INVOICE,
        billing=BILLING,
    ).order
    return order_mark_paid(order=order, provider=PaymentProvider.BANK_TRANSFER, reference="bank-1")


def test_order_page_wrong_secret_or_event_is_404(client, paid_order):
    assert client.get(f"/{paid_order.event.slug}/orders/{paid_order.code}/wrong/").status_code == 404
    assert client.get(f"/{paid_order.event.slug}/orders/NOPE1234/{paid_order.secret}/").status_code == 404
    other = TicketTypeFactory().event
    assert client.get(f"/{other.slug}/orders/{paid_order.code}/{paid_order.secret}/").status_code == 404
    assert client.get(order_url(paid_order) + "tickets.pdf".replace("tickets", "x")).status_code == 404


def test_order_page_shows_paid_order_with_tickets_and_invoices(client, paid_order):
    page = client.get(order_url(paid_order))
    assert page.status_code == 200
    assert "Erika Mustermann" in page.text and "Max Mustermann" in page.text
    assert "tickets.pdf" in page.text
    invoice = Invoice.objects.get(order=paid_order)
    assert f"invoices/{invoice.number}.pdf" in page.text
    assert '<meta name="referrer" content="same-origin">' in page.text  # never to other sites
    assert '<meta name="robots" content="noindex, nofollow">' in page.text


def test_order_page_expires_an_overdue_order(client, stripe_keys, future_event, ticket_type):
    order = order_place(
        event=future_event,
        email="a@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="A")],
        payment_method=PaymentMethod.STRIPE,
    ).order
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        page = client.get(order_url(order))
    assert page.context["order"].status == OrderStatus.EXPIRED
    assert "expired" in page.text


def test_rename_changes_the_name(client, paid_order):
    ticket = paid_order.tickets.order_by("pk").first()
    response = client.post(
        order_url(paid_order),
        {"action": "rename", "ticket": ticket.pk, f"ticket-{ticket.pk}-attendee_name": "  Erika Musterfrau "},
    )
    assert response.status_code == 302
    assert response["Location"] == order_url(paid_order) + f"#ticket-{ticket.pk}"
    ticket.refresh_from_db()
    assert ticket.attendee_name == "Erika Musterfrau"
    page = client.get(order_url(paid_order))
    assert "The name on the ticket has been changed." in page.text


def test_rename_with_empty_name_is_a_form_error(client, paid_order):
    ticket = paid_order.tickets.order_by("pk").first()
    response = client.post(
        order_url(paid_order), {"action": "rename", "ticket": ticket.pk, f"ticket-{ticket.pk}-attendee_name": ""}
    )
    assert response.status_code == 200
    assert f'id="id_ticket-{ticket.pk}-attendee_name_error"' in response.text
    assert response["Cache-Control"] == "private, no-store"


def test_rename_after_the_start_is_refused_as_form_error(client, paid_order):
    ticket = paid_order.tickets.order_by("pk").first()
    with time_machine.travel(paid_order.event.starts_at + dt.timedelta(hours=1)):
        # the form is no longer offered, and a posted one is refused by the service
        page = client.get(order_url(paid_order))
        assert "Change name" not in page.text
        response = client.post(
            order_url(paid_order), {"action": "rename", "ticket": ticket.pk, f"ticket-{ticket.pk}-attendee_name": "X"}
        )
    assert response.status_code == 200
    assert response.context["errors"]
    ticket.refresh_from_db()
    assert ticket.attendee_name == "Erika Mustermann"


def test_rename_of_another_orders_ticket_is_404(client, paid_order, future_event, ticket_type):
    other = order_place(
        event=future_event,
        email="x@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Other")],
        payment_method=PaymentMethod.INVOICE,
        billing=BILLING,
    ).order
    victim = other.tickets.get()
    response = client.post(
        order_url(paid_order), {"action": "rename", "ticket": victim.pk, f"ticket-{victim.pk}-attendee_name": "X"}
    )
    assert response.status_code == 404
    for junk in ["", "abc", "9" * 30]:
        assert client.post(order_url(paid_order), {"action": "rename", "ticket": junk}).status_code == 404


# --- downloads ----------------------------------------------------------------------------


def test_tickets_pdf_download(client, paid_order, monkeypatch):
    calls = []

    def fake_pdf(*, order):
        calls.append(order.pk)
        return PDF

    monkeypatch.setattr(ticket_service, "order_tickets_pdf", fake_pdf)
    response = client.get(order_url(paid_order) + "tickets.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{paid_order.event.slug}-{paid_order.code}-tickets.pdf"'
    )
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == PDF
    assert calls == [paid_order.pk]


def test_tickets_pdf_renders_a_real_pdf(client, paid_order):
    response = client.get(order_url(paid_order) + "tickets.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_tickets_pdf_of_unpaid_order_is_404(client, future_event, ticket_type):
    buy(client, future_event, {ticket_type: 1})
    order = Order.objects.get()
    assert client.get(order_url(order) + "tickets.pdf").status_code == 404
    assert client.get(f"/{order.event.slug}/orders/{order.code}/wrong/tickets.pdf").status_code == 404


def test_invoice_pdf_downloads_latest_and_each_by_number(client, paid_order, monkeypatch):
    monkeypatch.setattr(invoice_service, "invoice_pdf", lambda *, invoice: f"PDF {invoice.number}".encode())
    invoice = Invoice.objects.get(order=paid_order)
    response = client.get(order_url(paid_order) + "invoice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == f"PDF {invoice.number}".encode()
    assert response["Cache-Control"] == "private, no-store"
    by_number = client.get(order_url(paid_order) + f"invoices/{invoice.number}.pdf")
    assert by_number.content == f"PDF {invoice.number}".encode()
    assert client.get(order_url(paid_order) + "invoices/1999-000001.pdf").status_code == 404


def test_invoice_pdf_after_cancellation_lists_both(client, paid_order, monkeypatch):
    from ticketing.services.orders import order_cancel

    monkeypatch.setattr(invoice_service, "invoice_pdf", lambda *, invoice: f"PDF {invoice.number}".encode())
    order_cancel(order=paid_order)
    invoices = list(Invoice.objects.filter(order=paid_order))
    cancellation = next(i for i in invoices if i.kind == InvoiceKind.CANCELLATION)
    original = next(i for i in invoices if i.kind == InvoiceKind.INVOICE)
    page = client.get(order_url(paid_order))
    assert f"invoices/{cancellation.number}.pdf" in page.text and f"invoices/{original.number}.pdf" in page.text
    assert client.get(order_url(paid_order) + "invoice.pdf").content == f"PDF {original.number}".encode()
    assert client.get(order_url(paid_order) + f"invoices/{cancellation.number}.pdf").status_code == 200
    assert client.get(order_url(paid_order) + "tickets.pdf").status_code == 404


def test_invoice_pdf_real_render(client, paid_order):
    response = client.get(order_url(paid_order) + "invoice.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_invoice_pdf_without_invoice_is_404(client, future_event, public_sector):
    OfficialDomainFactory(domain="bund.de")
    order = order_place(
        event=future_event,
        email="a@bmi.bund.de",
        tickets=[TicketRequest(ticket_type_id=public_sector.pk, attendee_name="A")],
        payment_method=PaymentMethod.INVOICE,
    ).order
    assert order.status == OrderStatus.PAID
    assert client.get(order_url(order) + "invoice.pdf").status_code == 404


# --- XRechnung ------------------------------------------------------------------------------


@pytest.fixture
def leitweg_order(future_event, ticket_type):
    billing = BILLING.__class__(**{**BILLING.__dict__, "leitweg_id": "991-12345-67", "po_number": "PO-2026-17"})
    order = order_place(
        event=future_event,
        email="beschaffung@musterstadt.example",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="Erika Mustermann")],
        payment_method=PaymentMethod.INVOICE,
        billing=billing,
    ).order
    return order_mark_paid(order=order, provider=PaymentProvider.BANK_TRANSFER, reference="bank-2")


def test_order_page_offers_the_xrechnung_beside_the_pdf(client, leitweg_order):
    invoice = Invoice.objects.get(order=leitweg_order)
    page = client.get(order_url(leitweg_order))
    assert f"invoices/{invoice.number}.pdf" in page.text
    assert f'href="{order_url(leitweg_order)}invoices/{invoice.number}.xml" download>XRechnung of {invoice.number}' in (
        page.text
    )


def test_xrechnung_download(client, leitweg_order):
    invoice = Invoice.objects.get(order=leitweg_order)

    response = client.get(order_url(leitweg_order) + f"invoices/{invoice.number}.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{leitweg_order.event.slug}-invoice-{invoice.number}.xml"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.content.startswith(b"<?xml")
    assert b"991-12345-67" in response.content and invoice.number.encode() in response.content


def test_xrechnung_of_a_cancellation_is_offered_too(client, leitweg_order):
    from ticketing.services.orders import order_cancel

    order_cancel(order=leitweg_order)
    cancellation = Invoice.objects.get(order=leitweg_order, kind=InvoiceKind.CANCELLATION)
    assert f"invoices/{cancellation.number}.xml" in client.get(order_url(leitweg_order)).text
    response = client.get(order_url(leitweg_order) + f"invoices/{cancellation.number}.xml")
    assert response.status_code == 200
    assert b"<ram:TypeCode>381</ram:TypeCode>" in response.content  # a credit note


def test_xrechnung_needs_the_secret_and_the_right_event(client, leitweg_order):
    number = Invoice.objects.get(order=leitweg_order).number
    slug, code, secret = leitweg_order.event.slug, leitweg_order.code, leitweg_order.secret
    assert client.get(f"/{slug}/orders/{code}/{secret[:-1]}x/invoices/{number}.xml").status_code == 404
    assert client.get(f"/{slug}/orders/{code}/wrong/invoices/{number}.xml").status_code == 404
    other = TicketTypeFactory().event
    assert client.get(f"/{other.slug}/orders/{code}/{secret}/invoices/{number}.xml").status_code == 404
    assert client.get(order_url(leitweg_order) + "invoices/1999-000001.xml").status_code == 404
    assert client.post(order_url(leitweg_order) + f"invoices/{number}.xml").status_code == 405


def test_xrechnung_of_another_orders_invoice_is_404(client, leitweg_order, paid_order):
    other_number = Invoice.objects.get(order=leitweg_order).number
    assert client.get(order_url(paid_order) + f"invoices/{other_number}.xml").status_code == 404


def test_no_xrechnung_without_a_leitweg_id(client, paid_order):
    invoice = Invoice.objects.get(order=paid_order)
    page = client.get(order_url(paid_order))
    assert f"invoices/{invoice.number}.pdf" in page.text
    assert f"invoices/{invoice.number}.xml" not in page.text and "XRechnung" not in page.text
    assert client.get(order_url(paid_order) + f"invoices/{invoice.number}.xml").status_code == 404


# --- query counts -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_shop_query_count_does_not_grow_with_types(client, future_event, django_assert_num_queries, count):
    quota = None
    for _n in range(count):
        ticket_type = TicketTypeFactory(event=future_event, capacity=50)
        quota = quota or ticket_type.quotas.create(event=future_event, name="Venue", size=500)
        ticket_type.quotas.add(quota)
    # edition, types, their quotas, used per type, used per quota
    with django_assert_num_queries(5):
        response = client.get(shop_url(future_event))
    assert len(response.context["offer"].offers) == count


@pytest.mark.parametrize("count", [1, 3])
def test_order_page_query_count_does_not_grow_with_tickets(
    client, future_event, ticket_type, django_assert_num_queries, count
):
    order = order_place(
        event=future_event,
        email="a@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name=f"P{i}") for i in range(count)],
        payment_method=PaymentMethod.INVOICE,
        billing=BILLING,
    ).order
    # order (with edition and venue), tickets with their types, invoices
    with django_assert_num_queries(3):
        response = client.get(order_url(order))
    assert len(response.context["rows"]) == count


def test_day_ticket_shows_its_day_in_shop_and_order(client, future_event):
    day = TicketTypeFactory(event=future_event, name_de="Tagesticket", valid_on=future_event.start_on)
    page = client.get(shop_url(future_event), headers={"accept-language": "en"})
    expected = f"{future_event.start_on:%A}, {future_event.start_on.day} {future_event.start_on:%B %Y}"
    assert f"Valid on {expected}" in page.text
    response = buy(client, future_event, {day: 1})
    order_page = client.get(response["Location"], headers={"accept-language": "en"})
    assert expected in order_page.text
