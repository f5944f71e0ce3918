"""Stripe: Checkout Sessions, the webhook and refunds, against the real SDK with a fake transport
(`tests/ticketing/stripe_fake.py`). Nothing here touches the network."""

import datetime as dt
import json
import logging
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.db_locks import lock_held, short_lock_timeout  # noqa: F401 - a fixture
from tests.factories.programme import EventFactory
from tests.factories.ticketing import OrderFactory, TicketFactory, TicketTypeFactory
from tests.ticketing.stripe_fake import FakeStripe, event, install, post_event, refund_object, sign
from ticketing import signing
from ticketing.enums import InvoiceKind, OrderStatus, PaymentMethod, PaymentProvider, RefundStatus
from ticketing.exceptions import InvalidOrderState, PaymentProviderUnavailable
from ticketing.models import Invoice, Order, Payment, Refund, StripeEvent
from ticketing.selectors_sales import order_refundable_amount
from ticketing.services import hooks
from ticketing.services.orders import TicketRequest, order_expire_due, order_mark_paid, order_place
from ticketing.services.stripe_payments import (
    MAX_NETWORK_RETRIES,
    InvalidRefundAmount,
    PaymentInProgress,
    RefundFailed,
    RefundTooLarge,
    checkout_session_expire,
    checkout_session_url,
    refund_create,
)

pytestmark = pytest.mark.django_db

RETURN_URL = "https://shop.example/sccon/orders/ABC/secret/"


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.STRIPE_API_BASE = ""
    settings.TICKET_SIGNING_KEY = signing.generate_seed()
    signing.private_key.cache_clear()
    yield settings
    signing.private_key.cache_clear()


@pytest.fixture
def fake(stripe_settings, monkeypatch) -> FakeStripe:
    return install(monkeypatch)


@pytest.fixture
def edition():
    start = dt.date.today() + dt.timedelta(days=365)
    return EventFactory(start_on=start, end_on=start + dt.timedelta(days=2))


@pytest.fixture
def day_ticket(edition):
    return TicketTypeFactory(
        event=edition, name_de="3-Tages-Ticket", name_en="3-day ticket", price_amount=Decimal("534.31")
    )


def place(ticket_type, *, names=("Erika Mustermann",), email="buyer@example.org", now=None) -> Order:
    return order_place(
        event=ticket_type.event,
        email=email,
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name=name) for name in names],
        payment_method=PaymentMethod.STRIPE,
        now=now,
    ).order


def pay(client, fake: FakeStripe, order: Order) -> tuple[Order, dict]:
    """The buyer pays by card: a session, Stripe's `checkout.session.completed`, delivered."""
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id)
    response = post_event(client, event("checkout.session.completed", session))
    assert response.status_code == 200
    order.refresh_from_db()
    return order, session


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    return body["code"]


# ---------------------------------------------------------------------------------------------
# Checkout Sessions


def test_checkout_session_created_with_hold_and_idempotency_key(fake, day_ticket):
    order = place(day_ticket, names=("Erika Mustermann", "Max Mustermann"))
    before = int(time.time())

    url = checkout_session_url(order=order, return_url=RETURN_URL)

    after = int(time.time())
    (request,) = fake.requests
    assert (request.method, request.host, request.path) == ("POST", "https://api.stripe.com", "/v1/checkout/sessions")
    assert request.headers["Authorization"] == "Bearer sk_test_x"
    assert request.idempotency_key.startswith(f"sccon-checkout-{order.code}-")
    form = request.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "53431"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][price_data][product_data][name]"] == "3-Tages-Ticket – Erika Mustermann"
    assert form["line_items[1][price_data][product_data][name]"] == "3-Tages-Ticket – Max Mustermann"
    assert form["line_items[0][quantity]"] == "1"
    assert form["customer_email"] == "buyer@example.org"
    assert form["client_reference_id"] == order.code
    assert form["metadata[order]"] == order.code
    assert form["locale"] == "de"
    assert form["success_url"] == RETURN_URL + "?paid=1"
    assert form["cancel_url"] == RETURN_URL
    assert not any(key.startswith("payment_method_types") for key in form)
    assert before + 30 * 60 <= int(form["expires_at"]) <= after + 24 * 3600
    order.refresh_from_db()
    assert order.stripe_checkout_session_id == fake.last_session_id
    assert url == fake.sessions[order.stripe_checkout_session_id]["url"]
    assert fake.sessions[order.stripe_checkout_session_id]["amount_total"] == 2 * 53431


def test_checkout_session_expires_with_a_longer_hold(fake, day_ticket, settings):
    settings.ORDER_HOLD_MINUTES = 120
    order = place(day_ticket)

    checkout_session_url(order=order, return_url=RETURN_URL)

    assert int(fake.requests[0].form["expires_at"]) == int(order.expires_at.timestamp())


def test_checkout_session_expires_at_most_a_day_ahead(fake, day_ticket, settings):
    settings.ORDER_HOLD_MINUTES = 3 * 24 * 60
    order = place(day_ticket)

    checkout_session_url(order=order, return_url=RETURN_URL)

    expires_at = int(fake.requests[0].form["expires_at"])
    assert time.time() + 23 * 3600 < expires_at <= time.time() + 24 * 3600


def test_checkout_session_uses_stripe_api_base(fake, day_ticket, settings):
    settings.STRIPE_API_BASE = "http://stripe-mock:12111/"
    order = place(day_ticket)

    checkout_session_url(order=order, return_url=RETURN_URL)

    assert fake.requests[0].url == "http://stripe-mock:12111/v1/checkout/sessions"


def test_checkout_session_open_one_is_reused(fake, day_ticket):
    order = place(day_ticket)
    first = checkout_session_url(order=order, return_url=RETURN_URL)

    second = checkout_session_url(order=order, return_url=RETURN_URL)

    assert second == first
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 1
    assert [r.path for r in fake.calls("GET", "/v1/checkout/sessions")] == [
        f"/v1/checkout/sessions/{fake.last_session_id}"
    ]


def test_checkout_session_replaced_when_expired(fake, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    old = fake.last_session_id
    fake.expire_session(old)

    url = checkout_session_url(order=order, return_url=RETURN_URL)

    order.refresh_from_db()
    assert order.stripe_checkout_session_id != old
    assert url == fake.sessions[order.stripe_checkout_session_id]["url"]
    first, second = fake.calls("POST", "/v1/checkout/sessions")
    assert first.idempotency_key != second.idempotency_key


def test_checkout_session_retry_after_outage_sends_the_same_key(fake, day_ticket):
    order = place(day_ticket)
    fake.fail_with = 500
    with pytest.raises(PaymentProviderUnavailable):
        checkout_session_url(order=order, return_url=RETURN_URL)
    fake.fail_with = None

    checkout_session_url(order=order, return_url=RETURN_URL)

    keys = {r.idempotency_key for r in fake.calls("POST", "/v1/checkout/sessions")}
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 4  # three tries, then the retry
    assert len(keys) == 1
    assert len(fake.sessions) == 1


def test_checkout_session_transient_error_is_retried_by_the_sdk(fake, day_ticket):
    order = place(day_ticket)
    fake.fail_with, fake.fail_times = 503, 1

    url = checkout_session_url(order=order, return_url=RETURN_URL)

    assert url.startswith("https://checkout.stripe.com/")
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 2


def test_checkout_session_stripe_unreachable_keeps_the_order(fake, day_ticket):
    order = place(day_ticket)
    fake.down = True

    with pytest.raises(PaymentProviderUnavailable) as excinfo:
        checkout_session_url(order=order, return_url=RETURN_URL)

    assert excinfo.value.http_status == 503
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.stripe_checkout_session_id == ""


def test_checkout_session_refused_for_a_paid_order(fake, day_ticket):
    order = place(day_ticket)
    order_mark_paid(order=order)

    with pytest.raises(InvalidOrderState):
        checkout_session_url(order=order, return_url=RETURN_URL)
    assert fake.requests == []


def test_checkout_session_not_replaced_while_a_payment_is_processing(fake, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    fake.complete_session(fake.last_session_id, payment_status="unpaid")  # SEPA debit under way

    with pytest.raises(PaymentInProgress):
        checkout_session_url(order=order, return_url=RETURN_URL)
    assert len(fake.sessions) == 1


def test_order_create_api_answers_with_the_payment_url(fake, client, day_ticket):
    body = {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": day_ticket.pk, "attendee_name": "Erika Mustermann"}],
        "payment_method": "stripe",
    }

    response = client.post(
        f"/api/v1/events/{day_ticket.event.slug}/orders/", data=body, content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["payment_url"] == fake.sessions[fake.last_session_id]["url"]
    form = fake.requests[0].form
    assert form["cancel_url"] == response.json()["url"]


def test_order_create_api_keeps_the_order_when_stripe_is_down(fake, client, day_ticket):
    fake.down = True
    body = {
        "email": "buyer@example.org",
        "tickets": [{"ticket_type": day_ticket.pk, "attendee_name": "Erika Mustermann"}],
        "payment_method": "stripe",
    }

    response = client.post(
        f"/api/v1/events/{day_ticket.event.slug}/orders/", data=body, content_type="application/json"
    )

    assert response.status_code == 201
    assert "payment_url" not in response.json()
    assert Order.objects.get(code=response.json()["code"]).status == OrderStatus.PENDING


def test_checkout_session_expire_ends_the_session(fake, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()

    checkout_session_expire(order=order)

    (request,) = fake.calls("POST", f"/v1/checkout/sessions/{order.stripe_checkout_session_id}/expire")
    assert request.idempotency_key  # the SDK keys every POST
    assert fake.sessions[order.stripe_checkout_session_id]["status"] == "expired"


def test_checkout_session_expire_leaves_a_completed_session_alone(fake, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    fake.complete_session(order.stripe_checkout_session_id)

    checkout_session_expire(order=order)  # Stripe answers 400: nothing to do

    assert fake.sessions[order.stripe_checkout_session_id]["status"] == "complete"


def test_checkout_session_expire_outage_raises_for_a_retry(fake, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    fake.down = True

    with pytest.raises(PaymentProviderUnavailable):
        checkout_session_expire(order=order)


@pytest.mark.django_db(transaction=True)  # db_worker closes the connection between tasks
def test_checkout_session_expire_task_runs_again_after_an_outage(fake, day_ticket, settings):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from ticketing import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    fake.down = True

    tasks.expire_checkout_session.enqueue(order.pk)
    call_command("db_worker", "--batch", verbosity=0)
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [order.pk], "kwargs": {"attempt": 1}}

    fake.down = False
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", "--batch", verbosity=0)
    assert fake.sessions[order.stripe_checkout_session_id]["status"] == "expired"
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_order_expiry_expires_its_checkout_session(fake, day_ticket, django_capture_on_commit_callbacks):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        assert order_expire_due(now=timezone.now() + dt.timedelta(minutes=31)) == 1

    assert fake.calls("POST", f"/v1/checkout/sessions/{order.stripe_checkout_session_id}/expire")
    assert fake.sessions[order.stripe_checkout_session_id]["status"] == "expired"


# ---------------------------------------------------------------------------------------------
# The webhook


def test_webhook_checkout_completed_pays_the_order(fake, client, day_ticket):
    order = place(day_ticket, names=("Erika Mustermann", "Max Mustermann"))
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id)
    delivered = event("checkout.session.completed", session)

    response = post_event(client, delivered)

    assert response.status_code == 200
    assert response.json() == {"received": True, "id": delivered["id"]}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert not order.needs_attention
    payment = Payment.objects.get(order=order)
    assert (payment.provider, payment.reference, payment.amount) == (
        PaymentProvider.STRIPE,
        session["payment_intent"],
        Decimal("1068.62"),
    )
    codes = [t.code for t in order.tickets.all()]
    assert all(codes) and all(signing.verify_ticket(code) for code in codes)
    stored = StripeEvent.objects.get(event_id=delivered["id"])
    assert (stored.type, stored.order, stored.outcome) == ("checkout.session.completed", order, "order paid")
    assert stored.payload == delivered


def test_webhook_duplicate_event_changes_nothing(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    delivered = event("checkout.session.completed", fake.complete_session(order.stripe_checkout_session_id))
    post_event(client, delivered)
    order.refresh_from_db()
    codes = list(order.tickets.values_list("code", flat=True))

    response = post_event(client, delivered)

    assert response.status_code == 200
    assert response.json() == {"received": True, "id": delivered["id"]}
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not order.needs_attention
    assert list(order.tickets.values_list("code", flat=True)) == codes


def test_webhook_completed_twice_under_new_ids_records_one_payment(fake, client, day_ticket):
    order = place(day_ticket)
    order, session = pay(client, fake, order)

    response = post_event(client, event("checkout.session.completed", session))

    assert response.status_code == 200
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 2
    assert StripeEvent.objects.order_by("pk").last().outcome == "payment already recorded"
    order.refresh_from_db()
    assert not order.needs_attention


@pytest.mark.django_db(transaction=True)
def test_webhook_parallel_deliveries_record_one_payment(fake, day_ticket):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id)
    completed = event("checkout.session.completed", session)
    deliveries = [completed, completed, event("checkout.session.completed", session), completed]
    barrier = threading.Barrier(len(deliveries))
    statuses: list[int] = []

    def deliver(delivered: dict) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(post_event(Client(), delivered).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(d,)) for d in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200] * len(deliveries)
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not order.needs_attention


def test_webhook_async_payment_succeeds_later(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id, payment_status="unpaid")

    post_event(client, event("checkout.session.completed", session))

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not Payment.objects.exists()
    assert StripeEvent.objects.get().outcome.startswith("awaiting asynchronous payment; held until ")

    session["payment_status"] = "paid"
    response = post_event(client, event("checkout.session.async_payment_succeeded", session))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Payment.objects.get().reference == session["payment_intent"]


def test_webhook_async_success_before_completed_changes_nothing_later(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id, payment_status="unpaid")
    completed = event("checkout.session.completed", dict(session), created=int(time.time()) - 60)
    session["payment_status"] = "paid"
    succeeded = event("checkout.session.async_payment_succeeded", session)

    post_event(client, succeeded)
    post_event(client, completed)
    post_event(client, succeeded)

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 2
    assert not order.needs_attention


def test_webhook_async_payment_failed_flags_the_order_and_allows_a_new_session(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id, payment_status="unpaid")
    post_event(client, event("checkout.session.completed", session))

    response = post_event(client, event("checkout.session.async_payment_failed", session))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.needs_attention
    assert "failed" in order.attention_note
    assert order.stripe_checkout_session_id == ""
    assert not Payment.objects.exists()

    url = checkout_session_url(order=order, return_url=RETURN_URL)

    order.refresh_from_db()
    assert order.stripe_checkout_session_id not in ("", session["id"])
    assert url == fake.sessions[order.stripe_checkout_session_id]["url"]
    first, second = fake.calls("POST", "/v1/checkout/sessions")
    assert first.idempotency_key != second.idempotency_key


def sepa_pending(client, fake: FakeStripe, order: Order) -> dict:
    """The buyer completes the Checkout with SEPA Direct Debit: Stripe says complete, unpaid."""
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id, payment_status="unpaid")
    assert post_event(client, event("checkout.session.completed", session)).status_code == 200
    order.refresh_from_db()
    return session


def test_webhook_async_payment_pending_extends_the_hold(fake, client, day_ticket):
    order = place(day_ticket)
    before = timezone.now()

    sepa_pending(client, fake, order)

    assert order.status == OrderStatus.PENDING
    assert before + dt.timedelta(days=21) <= order.expires_at <= timezone.now() + dt.timedelta(days=21)
    # The normal hold has long run out; the bank has not answered yet: the tickets stay held.
    assert order_expire_due(now=timezone.now() + dt.timedelta(days=7)) == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert StripeEvent.objects.get().order == order


def test_webhook_async_payment_pending_holds_at_most_until_the_edition_starts(fake, client):
    soon = EventFactory(start_on=dt.date.today() + dt.timedelta(days=3), end_on=dt.date.today() + dt.timedelta(days=4))
    order = place(TicketTypeFactory(event=soon, price_amount=Decimal("99.00")))

    sepa_pending(client, fake, order)

    assert order.expires_at == soon.starts_at


def test_webhook_async_payment_failed_puts_the_order_back_on_a_short_hold(fake, client, day_ticket, settings):
    order = place(day_ticket)
    session = sepa_pending(client, fake, order)
    assert order.expires_at > timezone.now() + dt.timedelta(days=20)

    response = post_event(client, event("checkout.session.async_payment_failed", session))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.expires_at <= timezone.now() + dt.timedelta(minutes=settings.ORDER_HOLD_MINUTES)
    assert order.stripe_checkout_session_id == ""
    assert order.needs_attention
    assert order_expire_due(now=timezone.now() + dt.timedelta(minutes=settings.ORDER_HOLD_MINUTES + 1)) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED


def test_webhook_async_payment_failed_before_completed_does_not_extend_the_hold(fake, client, day_ticket):
    order = place(day_ticket)
    held_until = order.expires_at
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id, payment_status="unpaid")
    completed = event("checkout.session.completed", session, created=int(time.time()) - 60)

    post_event(client, event("checkout.session.async_payment_failed", session))
    post_event(client, completed)

    order.refresh_from_db()
    assert order.expires_at == held_until
    assert StripeEvent.objects.get(event_id=completed["id"]).outcome.endswith("not the order's current session")


def test_webhook_async_payment_pending_after_the_hold_ended_is_flagged_not_held(fake, client, day_ticket):
    order = place(day_ticket, now=timezone.now() - dt.timedelta(minutes=40))
    held_until = order.expires_at
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id="cs_test_late")
    fake.sessions["cs_test_late"] = {
        "id": "cs_test_late",
        "object": "checkout.session",
        "status": "open",
        "payment_status": "unpaid",
        "payment_intent": None,
        "amount_total": 53431,
        "currency": "eur",
        "metadata": {"order": order.code},
        "client_reference_id": order.code,
        "customer_email": order.email,
        "url": None,
    }
    session = fake.complete_session("cs_test_late", payment_status="unpaid")

    assert post_event(client, event("checkout.session.completed", session)).status_code == 200

    order.refresh_from_db()
    assert order.expires_at == held_until  # its tickets may be sold meanwhile: not taken back
    assert order.needs_attention
    assert "hold had ended" in StripeEvent.objects.get().outcome


def test_webhook_session_expired_clears_the_current_session(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.expire_session(order.stripe_checkout_session_id)

    response = post_event(client, event("checkout.session.expired", session))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.stripe_checkout_session_id == ""
    assert order.status == OrderStatus.PENDING
    assert StripeEvent.objects.get().order == order


def test_webhook_session_expired_for_an_older_session_keeps_the_current_one(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    old = fake.expire_session(fake.last_session_id)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    current = order.stripe_checkout_session_id

    post_event(client, event("checkout.session.expired", old))

    order.refresh_from_db()
    assert order.stripe_checkout_session_id == current != old["id"]


def test_webhook_late_payment_revives_an_expired_order_when_tickets_are_left(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    order_expire_due(now=timezone.now() + dt.timedelta(minutes=31))
    session = fake.complete_session(order.stripe_checkout_session_id)

    post_event(client, event("checkout.session.completed", session))

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert all(order.tickets.values_list("code", flat=True))


def test_webhook_late_payment_for_an_expired_order_whose_tickets_are_gone_is_flagged(fake, client, edition):
    last_one = TicketTypeFactory(event=edition, capacity=1, price_amount=Decimal("99.00"))
    late = place(last_one)
    checkout_session_url(order=late, return_url=RETURN_URL)
    late.refresh_from_db()
    order_expire_due(now=timezone.now() + dt.timedelta(minutes=31))
    other = place(last_one, email="quick@example.org")
    order_mark_paid(order=other)
    session = fake.complete_session(late.stripe_checkout_session_id)

    response = post_event(client, event("checkout.session.completed", session))

    assert response.status_code == 200
    late.refresh_from_db()
    assert late.status == OrderStatus.EXPIRED
    assert late.needs_attention
    assert session["payment_intent"] in late.attention_note
    payment = Payment.objects.get(order=late)
    assert (payment.reference, payment.amount) == (session["payment_intent"], Decimal("99.00"))
    assert not any(late.tickets.values_list("code", flat=True))
    assert "flagged" in StripeEvent.objects.get(order=late).outcome


def test_webhook_payment_for_a_cancelled_order_is_recorded_and_flagged(fake, client, day_ticket):
    from ticketing.services.orders import order_cancel

    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    session = fake.complete_session(order.stripe_checkout_session_id)
    order_cancel(order=order)

    post_event(client, event("checkout.session.completed", session))

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.needs_attention
    assert Payment.objects.filter(order=order).count() == 1


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("wrong_secret", "invalid_signature"),
        ("stale", "invalid_signature"),
        ("future_proof_replay", "invalid_signature"),
        ("missing", "invalid_signature"),
        ("garbage", "invalid_signature"),
        ("tampered", "invalid_signature"),
    ],
)
def test_webhook_refuses_a_bad_signature_and_stores_nothing(fake, client, day_ticket, kind, expected):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    delivered = event("checkout.session.completed", fake.complete_session(order.stripe_checkout_session_id))
    payload = json.dumps(delivered)
    old = int(time.time()) - 301
    if kind == "wrong_secret":
        response = post_event(client, payload, secret="whsec_other")
    elif kind == "stale":
        response = post_event(client, payload, timestamp=old)
    elif kind == "future_proof_replay":
        # A genuine old delivery replayed with a fresh timestamp but its old signature.
        signature = sign(payload, timestamp=old).split(",", 1)[1]
        response = post_event(client, payload, signature=f"t={int(time.time())},{signature}")
    elif kind == "missing":
        response = post_event(client, payload, signature="")
    elif kind == "garbage":
        response = post_event(client, payload, signature="t=abc,v1=")
    else:
        signature = sign(payload)
        response = post_event(client, payload.replace(order.code, "ZZZZZZZZ"), signature=signature)

    assert response.status_code == 400
    assert error_code(response) == expected
    assert not StripeEvent.objects.exists()
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


@pytest.mark.parametrize("body", ["not json", "[]", '{"object": "event", "id": "evt_1"}', '{"id": "x"}'])
def test_webhook_refuses_a_signed_body_that_is_not_an_event(fake, client, body):
    response = post_event(client, body)

    assert response.status_code == 400
    assert error_code(response) == "invalid_event"
    assert not StripeEvent.objects.exists()


def test_webhook_without_a_secret_is_not_configured(fake, client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = post_event(client, event("checkout.session.completed", {"object": "checkout.session"}))

    assert response.status_code == 404
    assert error_code(response) == "stripe_not_configured"


def test_webhook_unknown_event_type_is_stored_and_ignored(fake, client):
    delivered = event("customer.created", {"id": "cus_test_1", "object": "customer"})

    response = post_event(client, delivered)

    assert response.status_code == 200
    assert StripeEvent.objects.get(event_id=delivered["id"]).outcome == "ignored"


def test_webhook_event_for_an_unknown_order_is_stored_and_ignored(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    session = fake.complete_session(fake.last_session_id)
    session["metadata"] = {"order": "NOSUCHOR"}
    session["client_reference_id"] = "NOSUCHOR"

    response = post_event(client, event("checkout.session.completed", session))

    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored: no such order"
    assert not Payment.objects.exists()


def test_webhook_effect_failing_rolls_back_and_answers_503(fake, client, day_ticket, monkeypatch, caplog):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    delivered = event("checkout.session.completed", fake.complete_session(order.stripe_checkout_session_id))

    def broken(**kwargs):
        raise RuntimeError("invoice numbering is broken")

    with monkeypatch.context() as patched, caplog.at_level(logging.ERROR, logger="ticketing.services.stripe_payments"):
        patched.setattr(hooks, "order_paid", broken)
        response = post_event(client, delivered)

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert error_code(response) == "service_unavailable"
    assert not StripeEvent.objects.exists()  # not stored as processed: Stripe's retry applies it
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    (record,) = [r for r in caplog.records if r.name == "ticketing.services.stripe_payments"]
    assert delivered["id"] in record.getMessage()
    assert record.exc_info is not None

    response = post_event(client, delivered)  # Stripe's retry, once the fault is fixed

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert StripeEvent.objects.get(event_id=delivered["id"]).outcome == "order paid"
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("short_lock_timeout")
def test_webhook_lock_timeout_answers_503_and_stores_nothing(fake, client, day_ticket):
    order = place(day_ticket)
    checkout_session_url(order=order, return_url=RETURN_URL)
    order.refresh_from_db()
    delivered = event("checkout.session.completed", fake.complete_session(order.stripe_checkout_session_id))

    with lock_held(lambda: Order.objects.select_for_update().get(pk=order.pk)):
        response = post_event(client, delivered)

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert error_code(response) == "service_unavailable"
    assert not StripeEvent.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not Payment.objects.exists()


def test_webhook_is_documented_in_the_schema(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})

    assert response.status_code == 200
    assert "/api/v1/payments/stripe/webhook/" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Refunds


def test_refund_partial_goes_through_stripe(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))

    refund = refund_create(order=order, amount=Decimal("100.00"), reason="Kulanz")

    (request,) = fake.calls("POST", "/v1/refunds")
    assert request.form["payment_intent"] == session["payment_intent"]
    assert request.form["amount"] == "10000"
    assert request.form["metadata[refund]"] == str(refund.pk)
    assert request.idempotency_key == f"sccon-refund-{order.code}-{refund.pk}"
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.reference in fake.refunds
    assert refund.amount == Decimal("100.00")
    assert refund.payment.reference == session["payment_intent"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not order.tickets.filter(is_cancelled=True).exists()


def test_refund_full_cancels_the_order_and_revokes_its_tickets(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket, names=("Erika Mustermann", "Max Mustermann")))

    refund = refund_create(order=order, amount=Decimal("1068.62"))

    assert refund.status == RefundStatus.SUCCEEDED
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.tickets.filter(is_cancelled=False).count() == 0


def test_refund_in_two_parts_cancels_the_order_at_the_second(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    refund_create(order=order, amount=Decimal("34.31"))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    refund_create(order=order, amount=Decimal("500.00"))

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_refund_too_large_is_refused(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    refund_create(order=order, amount=Decimal("500.00"))

    with pytest.raises(RefundTooLarge) as excinfo:
        refund_create(order=order, amount=Decimal("34.32"))

    assert (excinfo.value.code, excinfo.value.http_status) == ("refund_too_large", 400)
    assert excinfo.value.extra == {"refundable": "34.31"}
    assert Refund.objects.count() == 1
    assert len(fake.calls("POST", "/v1/refunds")) == 1


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1.00"), Decimal("0.001")])
def test_refund_of_an_invalid_amount_is_refused(fake, client, day_ticket, amount):
    order, _session = pay(client, fake, place(day_ticket))

    with pytest.raises(InvalidRefundAmount) as excinfo:
        refund_create(order=order, amount=amount)

    assert excinfo.value.http_status == 400
    assert not Refund.objects.exists()


def test_refund_of_an_unpaid_order_is_too_large(fake, day_ticket):
    order = place(day_ticket)

    with pytest.raises(RefundTooLarge):
        refund_create(order=order, amount=Decimal("1.00"))


def test_refund_of_a_bank_transfer_is_recorded_as_done(fake, edition):
    ticket = TicketFactory(order=OrderFactory(event=edition, status=OrderStatus.PENDING))
    order = order_mark_paid(order=ticket.order, provider=PaymentProvider.BANK_TRANSFER, reference="EREF-1")

    refund = refund_create(order=order, amount=Decimal("534.31"), reason="Storno")

    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.reference == ""
    assert fake.requests == []
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_refund_pending_at_stripe_succeeds_through_the_webhook(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    fake.refund_status = "pending"
    refund = refund_create(order=order, amount=Decimal("534.31"))
    assert refund.status == RefundStatus.PENDING
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED  # accepted: the tickets are revoked at once
    stripe_refund = dict(fake.refunds[refund.reference], status="succeeded")
    delivered = event("refund.updated", stripe_refund)

    response = post_event(client, delivered)

    assert response.status_code == 200
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert StripeEvent.objects.get(event_id=delivered["id"]).order == order

    post_event(client, delivered)
    post_event(client, event("refund.updated", stripe_refund))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert Refund.objects.count() == 1


def test_refund_failing_at_stripe_flags_the_order(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    fake.refund_status = "pending"
    refund = refund_create(order=order, amount=Decimal("100.00"))

    post_event(client, event("refund.failed", dict(fake.refunds[refund.reference], status="failed")))

    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    order.refresh_from_db()
    assert order.needs_attention
    assert order.status == OrderStatus.PAID


def test_refund_events_out_of_order_keep_the_newest_state(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    fake.refund_status = "pending"
    refund = refund_create(order=order, amount=Decimal("100.00"))
    now = int(time.time())
    succeeded = event("refund.updated", dict(fake.refunds[refund.reference], status="succeeded"), created=now + 5)
    older_failed = event("refund.updated", dict(fake.refunds[refund.reference], status="failed"), created=now + 1)
    created = event("refund.created", dict(fake.refunds[refund.reference], status="pending"), created=now)

    for delivered in (succeeded, older_failed, created):
        assert post_event(client, delivered).status_code == 200

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    order.refresh_from_db()
    assert not order.needs_attention


def test_refund_made_in_the_stripe_dashboard_is_recorded(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))
    dashboard = refund_object(refund_id="re_test_dashboard", amount=53431, payment_intent=session["payment_intent"])

    response = post_event(client, event("refund.created", dashboard))

    assert response.status_code == 200
    refund = Refund.objects.get(reference="re_test_dashboard")
    assert (refund.order, refund.amount, refund.status) == (order, Decimal("534.31"), RefundStatus.SUCCEEDED)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_refund_carried_by_charge_refunded_is_applied(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))
    fake.refund_status = "pending"
    refund = refund_create(order=order, amount=Decimal("100.00"))
    charge = {
        "id": f"ch_{session['payment_intent'][3:]}",
        "object": "charge",
        "amount": 53431,
        "amount_refunded": 10000,
        "payment_intent": session["payment_intent"],
        "refunded": False,
        "refunds": {
            "object": "list",
            "data": [dict(fake.refunds[refund.reference], status="succeeded")],
            "has_more": False,
        },
    }

    post_event(client, event("charge.refunded", charge))

    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


def test_refund_when_stripe_is_unreachable_is_set_right_by_the_webhook(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))
    fake.down = True

    with pytest.raises(PaymentProviderUnavailable):
        refund_create(order=order, amount=Decimal("100.00"))

    refund = Refund.objects.get()
    assert (refund.status, refund.reference) == (RefundStatus.PENDING, "")  # sent, answer unknown
    # Stripe did make the refund; its event carries our row id.
    made = refund_object(
        refund_id="re_test_lost_answer",
        amount=10000,
        payment_intent=session["payment_intent"],
        metadata={"order": order.code, "refund": str(refund.pk)},
    )
    post_event(client, event("refund.created", made))

    refund.refresh_from_db()
    assert (refund.status, refund.reference) == (RefundStatus.SUCCEEDED, "re_test_lost_answer")
    assert Refund.objects.count() == 1


def test_refund_refused_by_stripe_raises_and_records_the_failure(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))
    fake.refunds["re_test_elsewhere"] = refund_object(
        refund_id="re_test_elsewhere", amount=53431, payment_intent=session["payment_intent"]
    )

    with pytest.raises(RefundFailed) as excinfo:
        refund_create(order=order, amount=Decimal("10.00"))

    assert excinfo.value.code == "refund_failed"
    assert Refund.objects.get().status == RefundStatus.FAILED


def test_refund_retried_after_a_lost_answer_refunds_once(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))
    fake.lose_answers = MAX_NETWORK_RETRIES + 1  # Stripe refunds, every answer is lost

    with pytest.raises(PaymentProviderUnavailable):
        refund_create(order=order, amount=Decimal("100.00"))

    (row,) = Refund.objects.all()
    assert (row.status, row.reference) == (RefundStatus.PENDING, "")
    assert len(fake.refunds) == 1
    order.refresh_from_db()
    assert order_refundable_amount(order=order) == Decimal("434.31")  # the amount stays reserved

    refund = refund_create(order=order, amount=Decimal("100.00"), reason="retry")  # Stripe is back

    (stripe_refund,) = fake.refunds.values()
    assert refund.pk == row.pk
    assert (refund.status, refund.reference, refund.amount) == (
        RefundStatus.SUCCEEDED,
        stripe_refund["id"],
        Decimal("100.00"),
    )
    posts = fake.calls("POST", "/v1/refunds")
    assert len(posts) == MAX_NETWORK_RETRIES + 2
    assert {r.idempotency_key for r in posts} == {f"sccon-refund-{order.code}-{row.pk}"}
    assert {r.form["metadata[refund]"] for r in posts} == {str(row.pk)}
    assert Refund.objects.count() == 1
    assert Invoice.objects.filter(order=order, kind=InvoiceKind.CANCELLATION).count() == 1

    # Stripe's events about it arrive late, in every shape: nothing is recorded twice.
    charge = {
        "id": f"ch_{session['payment_intent'][3:]}",
        "object": "charge",
        "amount": 53431,
        "amount_refunded": 10000,
        "payment_intent": session["payment_intent"],
        "refunded": False,
        "refunds": {"object": "list", "data": [stripe_refund], "has_more": False},
    }
    for delivered in (
        event("refund.created", stripe_refund),
        event("charge.refunded", charge),
        event("refund.updated", stripe_refund),
    ):
        assert post_event(client, delivered).status_code == 200

    assert Refund.objects.count() == 1
    refund.refresh_from_db()
    assert (refund.status, refund.reference) == (RefundStatus.SUCCEEDED, stripe_refund["id"])
    assert Invoice.objects.filter(order=order, kind=InvoiceKind.CANCELLATION).count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not order.needs_attention


def test_refund_retried_after_stripe_was_unreachable_is_made_once(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    fake.down = True
    with pytest.raises(PaymentProviderUnavailable):
        refund_create(order=order, amount=Decimal("534.31"))
    assert fake.refunds == {}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID  # not accepted by Stripe yet: the tickets stay valid
    fake.down = False

    refund = refund_create(order=order, amount=Decimal("534.31"))

    assert refund.status == RefundStatus.SUCCEEDED
    assert len(fake.refunds) == 1
    assert {r.idempotency_key for r in fake.calls("POST", "/v1/refunds")} == {f"sccon-refund-{order.code}-{refund.pk}"}
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_refund_of_another_amount_while_one_is_unanswered_is_a_new_refund(fake, client, day_ticket):
    order, _session = pay(client, fake, place(day_ticket))
    fake.down = True
    with pytest.raises(PaymentProviderUnavailable):
        refund_create(order=order, amount=Decimal("500.00"))
    fake.down = False

    with pytest.raises(RefundTooLarge):
        refund_create(order=order, amount=Decimal("100.00"))  # the unanswered 500.00 is reserved
    other = refund_create(order=order, amount=Decimal("34.31"))

    assert other.status == RefundStatus.SUCCEEDED
    assert Refund.objects.filter(status=RefundStatus.PENDING, reference="").count() == 1
    keys = [r.idempotency_key for r in fake.calls("POST", "/v1/refunds")]
    assert keys[-1] == f"sccon-refund-{order.code}-{other.pk}"


def test_refund_event_naming_a_row_with_another_refund_is_recorded_and_flagged(fake, client, day_ticket):
    order, session = pay(client, fake, place(day_ticket))
    refund = refund_create(order=order, amount=Decimal("100.00"))
    second = refund_object(
        refund_id="re_test_second",
        amount=10000,
        payment_intent=session["payment_intent"],
        metadata={"order": order.code, "refund": str(refund.pk)},
    )

    assert post_event(client, event("refund.created", second)).status_code == 200

    assert Refund.objects.count() == 2  # the money did go back twice
    order.refresh_from_db()
    assert order.needs_attention
    assert "re_test_second" in order.attention_note


def test_stripe_too_slow_to_answer_keeps_the_order_and_the_payment_retryable(
    stripe_settings, client, day_ticket, monkeypatch
):
    """Not a fake: the real SDK's HTTP client against a server that accepts and never answers,
    with the read timeout shortened from 30 s."""
    import stripe

    from tests.silent_server import silent_server
    from ticketing.services import stripe_payments

    with silent_server() as (port, accepted):
        stripe_settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
        monkeypatch.setattr(stripe_payments, "_http_client_override", stripe.RequestsClient(timeout=(1.0, 0.5)))
        monkeypatch.setattr(stripe_payments, "MAX_NETWORK_RETRIES", 0)
        body = {
            "email": "buyer@example.org",
            "tickets": [{"ticket_type": day_ticket.pk, "attendee_name": "Erika Mustermann"}],
            "payment_method": "stripe",
        }
        response = client.post(
            f"/api/v1/events/{day_ticket.event.slug}/orders/", data=body, content_type="application/json"
        )
        assert accepted, "the request reached the silent server"

    assert response.status_code == 201
    assert "payment_url" not in response.json()  # no session: paying is offered again on the order page
    order = Order.objects.get(code=response.json()["code"])
    assert order.status == OrderStatus.PENDING and order.stripe_checkout_session_id == ""
    page = client.get(response.json()["url"].replace("http://testserver", ""))
    assert page.status_code == 200


def test_webhook_before_the_buyer_returns_the_order_page_shows_it_paid(fake, client, day_ticket, settings):
    """Stripe's webhook often beats the buyer's browser back to the shop: the return to the order
    page then shows the paid order and its tickets, and asks Stripe for nothing more."""
    settings.LANGUAGE_CODE = "en"
    order = place(day_ticket)
    order, _session = pay(client, fake, order)  # the webhook: paid
    sessions_before = len(fake.calls("POST", "/v1/checkout/sessions"))
    page = client.get(f"/{order.event.slug}/orders/{order.code}/{order.secret}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/{order.event.slug}/orders/{order.code}/{order.secret}/tickets.pdf" in body
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == sessions_before
    # A retried return (the buyer reloads) changes nothing either.
    assert client.get(f"/{order.event.slug}/orders/{order.code}/{order.secret}/").status_code == 200
    assert Payment.objects.filter(order=order).count() == 1
