"""Placing orders: prices, capacity, vouchers, approval, expiry, idempotency, payment."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.factories.ticketing import OfficialDomainFactory, QuotaFactory, TicketTypeFactory, VoucherFactory
from ticketing.enums import OrderStatus, PaymentMethod, TicketCategory, TicketVisibility, VoucherKind
from ticketing.exceptions import (
    BillingRequired,
    IdempotencyKeyReused,
    InvalidOrderState,
    InvalidVoucher,
    NotOnSale,
    PaymentMethodUnavailable,
    QuantityOutOfRange,
    SoldOut,
    UnknownTicketType,
    VoucherExhausted,
)
from ticketing.models import Order, Payment
from ticketing.selectors import ticket_type_availability
from ticketing.services.orders import (
    Billing,
    TicketRequest,
    order_approve,
    order_cancel,
    order_expire_due,
    order_mark_paid,
    order_place,
    order_refresh,
    order_reject,
    ticket_rename,
)

pytestmark = pytest.mark.django_db


def place(event, *types, method=PaymentMethod.STRIPE, email="buyer@example.org", **kwargs):
    return order_place(
        event=event,
        email=email,
        tickets=[TicketRequest(ticket_type_id=t.pk, attendee_name=f"Person {i}") for i, t in enumerate(types)],
        payment_method=method,
        **kwargs,
    ).order


def test_order_place_prices_gross_and_holds(stripe_keys, future_event, ticket_type):
    order = place(future_event, ticket_type, ticket_type)
    assert order.status == OrderStatus.PENDING
    assert order.total_amount == Decimal("1068.62")
    assert order.expires_at is not None and order.expires_at > timezone.now()
    ticket = order.tickets.first()
    assert (ticket.list_price_amount, ticket.price_amount, ticket.vat_rate) == (
        Decimal("534.31"),
        Decimal("534.31"),
        Decimal("19.00"),
    )


def test_order_place_copies_price_so_repricing_changes_nothing(stripe_keys, future_event, ticket_type):
    order = place(future_event, ticket_type)
    ticket_type.price_amount = Decimal("999.00")
    ticket_type.save()
    order.refresh_from_db()
    assert order.total_amount == Decimal("534.31")


def test_order_place_sold_out_raises(stripe_keys, future_event):
    limited = TicketTypeFactory(event=future_event, capacity=2)
    place(future_event, limited, limited)
    with pytest.raises(SoldOut) as info:
        place(future_event, limited)
    assert info.value.code == "sold_out"


def test_after_a_sold_out_the_next_buyers_are_refused_without_waiting_for_the_locks(stripe_keys, future_event):
    """A sale rush's losers: refused by an unlocked count, outside any transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    limited = TicketTypeFactory(event=future_event, capacity=1)
    place(future_event, limited)
    with pytest.raises(SoldOut):
        place(future_event, limited)  # decided under the locks: and remembered for a few seconds

    with CaptureQueriesContext(connection) as queries, pytest.raises(SoldOut):
        place(future_event, limited)
    assert not any("SAVEPOINT" in q["sql"] or "FOR UPDATE" in q["sql"] for q in queries.captured_queries)

    # The unlocked look can only refuse: with room again (more capacity), the locked path sells.
    limited.capacity = 2
    limited.save()
    assert place(future_event, limited).tickets.count() == 1
    with pytest.raises(SoldOut):
        place(future_event, limited)


def test_shared_quota_limits_several_types(stripe_keys, future_event):
    quota = QuotaFactory(event=future_event, size=3)
    three_day = TicketTypeFactory(event=future_event)
    day = TicketTypeFactory(event=future_event, price_amount=Decimal("236.81"))
    quota.ticket_types.add(three_day, day)
    place(future_event, three_day, three_day)
    place(future_event, day)
    with pytest.raises(SoldOut):
        place(future_event, day)
    available = {a.ticket_type.pk: a.available for a in ticket_type_availability(event=future_event)}
    assert available == {three_day.pk: 0, day.pk: 0}


def test_expired_and_cancelled_orders_free_their_tickets(stripe_keys, future_event):
    limited = TicketTypeFactory(event=future_event, capacity=1)
    first = place(future_event, limited)
    with time_machine.travel(first.expires_at + dt.timedelta(seconds=1)):
        # The lazy check: an expired hold no longer counts, even before expire_orders runs.
        second = place(future_event, limited)
        order_cancel(order=second)
        third = place(future_event, limited)
    assert third.status == OrderStatus.PENDING


def test_availability_is_none_when_unlimited(future_event, ticket_type):
    [availability] = ticket_type_availability(event=future_event)
    assert availability.available is None
    assert availability.is_on_sale


def test_not_on_sale_outside_the_sales_window(stripe_keys, future_event):
    later = TicketTypeFactory(event=future_event, sales_start_at=timezone.now() + dt.timedelta(days=1))
    inactive = TicketTypeFactory(event=future_event, is_active=False)
    with pytest.raises(NotOnSale):
        place(future_event, later)
    with pytest.raises(NotOnSale):
        place(future_event, inactive)


def test_sales_end_with_the_edition(stripe_keys, future_event, ticket_type):
    with time_machine.travel(future_event.ends_at + dt.timedelta(minutes=1)), pytest.raises(NotOnSale):
        place(future_event, ticket_type)


def test_per_order_minimum_and_maximum(stripe_keys, future_event):
    group = TicketTypeFactory(event=future_event, min_per_order=2, max_per_order=3)
    with pytest.raises(QuantityOutOfRange):
        place(future_event, group)
    with pytest.raises(QuantityOutOfRange):
        place(future_event, *[group] * 4)
    assert place(future_event, group, group).tickets.count() == 2


def test_unknown_or_foreign_ticket_type(stripe_keys, future_event):
    foreign = TicketTypeFactory()
    with pytest.raises(UnknownTicketType):
        place(future_event, foreign)


def test_hidden_type_needs_a_voucher_that_unlocks_it(stripe_keys, future_event):
    press = TicketTypeFactory(
        event=future_event, category=TicketCategory.PRESS, visibility=TicketVisibility.VOUCHER, price_amount=0
    )
    with pytest.raises(UnknownTicketType):
        place(future_event, press)
    voucher = VoucherFactory(event=future_event, kind=VoucherKind.FREE, code="PRESS2027")
    voucher.ticket_types.add(press)
    order = place(future_event, press, voucher_code="press2027")
    assert order.status == OrderStatus.PAID
    assert order.payment_method == PaymentMethod.FREE


def test_percentage_voucher_and_its_uses(stripe_keys, future_event, ticket_type):
    VoucherFactory(event=future_event, code="BITKOM20", value=Decimal("20.00"), max_uses=2)
    order = place(future_event, ticket_type, voucher_code="BITKOM20")
    assert order.total_amount == Decimal("427.45")
    place(future_event, ticket_type, voucher_code="BITKOM20")
    with pytest.raises(VoucherExhausted):
        place(future_event, ticket_type, voucher_code="BITKOM20")


def test_fixed_voucher_never_below_zero(stripe_keys, future_event):
    cheap = TicketTypeFactory(event=future_event, price_amount=Decimal("50.00"))
    VoucherFactory(event=future_event, code="MINUS100", kind=VoucherKind.FIXED, value=Decimal("100.00"))
    order = place(future_event, cheap, voucher_code="MINUS100")
    assert order.total_amount == Decimal("0.00")


def test_voucher_invalid_expired_or_not_applicable(stripe_keys, future_event, ticket_type):
    other = TicketTypeFactory(event=future_event)
    limited = VoucherFactory(event=future_event, code="ONLYOTHER")
    limited.ticket_types.add(other)
    VoucherFactory(event=future_event, code="OLD", valid_until=timezone.now() - dt.timedelta(days=1))
    for code in ["NOPE", "OLD", "ONLYOTHER"]:
        with pytest.raises(InvalidVoucher):
            place(future_event, ticket_type, voucher_code=code)


def test_public_sector_official_domain_is_free_at_once(future_event):
    OfficialDomainFactory(domain="berlin.de")
    public = TicketTypeFactory(event=future_event, category=TicketCategory.PUBLIC_SECTOR, price_amount=0)
    order = place(future_event, public, email="anna@senweb.berlin.de")
    assert order.status == OrderStatus.PAID
    assert order.tickets.get().code


def test_public_sector_other_domain_waits_for_approval(future_event):
    OfficialDomainFactory(domain="berlin.de")
    public = TicketTypeFactory(event=future_event, category=TicketCategory.PUBLIC_SECTOR, price_amount=0)
    for email in ["anna@notberlin.de", "anna@berlin.de.evil.example"]:
        order = place(future_event, public, email=email)
        assert order.status == OrderStatus.AWAITING_APPROVAL
        assert order.expires_at is None
        assert not order.tickets.get().code


def test_approval_then_paid_for_free_order(future_event):
    public = TicketTypeFactory(event=future_event, category=TicketCategory.PUBLIC_SECTOR, price_amount=0)
    order = place(future_event, public, email="anna@example.org")
    order = order_approve(order=order)
    assert order.status == OrderStatus.PAID
    assert order.tickets.get().code
    with pytest.raises(InvalidOrderState):
        order_approve(order=order)


def test_approval_of_paid_type_then_payment_is_due(stripe_keys, future_event):
    speaker = TicketTypeFactory(event=future_event, requires_approval=True)
    order = place(future_event, speaker)
    assert order.status == OrderStatus.AWAITING_APPROVAL
    order = order_approve(order=order)
    assert order.status == OrderStatus.PENDING
    assert order.expires_at is not None


def test_rejection_cancels_and_frees(future_event):
    public = TicketTypeFactory(event=future_event, category=TicketCategory.PUBLIC_SECTOR, price_amount=0, capacity=1)
    order = order_reject(order=place(future_event, public, email="anna@example.org"))
    assert order.status == OrderStatus.CANCELLED
    assert order.tickets.get().is_cancelled
    place(future_event, public, email="bob@example.org")


def test_stripe_only_when_configured(future_event, ticket_type):
    with pytest.raises(PaymentMethodUnavailable):
        place(future_event, ticket_type)


def test_invoice_needs_billing(future_event, ticket_type):
    with pytest.raises(BillingRequired):
        place(future_event, ticket_type, method=PaymentMethod.INVOICE)


def test_idempotency_key_returns_the_same_order(stripe_keys, future_event, ticket_type):
    first = order_place(
        event=future_event,
        email="a@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="A")],
        payment_method="stripe",
        idempotency_key="key-1",
    )
    again = order_place(
        event=future_event,
        email="a@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="A")],
        payment_method="stripe",
        idempotency_key="key-1",
    )
    assert first.created and not again.created
    assert again.order.pk == first.order.pk
    assert Order.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        order_place(
            event=future_event,
            email="other@example.org",
            tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name="B")],
            payment_method="stripe",
            idempotency_key="key-1",
        )


def test_expire_orders_command_releases_due_orders(stripe_keys, future_event, ticket_type):
    order = place(future_event, ticket_type)
    kept = place(future_event, ticket_type)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("expire_orders", verbosity=0)
    call_command("expire_orders", verbosity=0)
    order.refresh_from_db()
    kept.refresh_from_db()
    assert (order.status, kept.status) == (OrderStatus.EXPIRED, OrderStatus.PENDING)


def test_order_refresh_is_the_lazy_expiry(stripe_keys, future_event, ticket_type):
    order = place(future_event, ticket_type)
    with time_machine.travel(order.expires_at + dt.timedelta(seconds=1)):
        assert order_refresh(order=order).status == OrderStatus.EXPIRED


def test_mark_paid_issues_signed_codes_once(stripe_keys, future_event, ticket_type):
    order = place(future_event, ticket_type)
    order_mark_paid(order=order, provider="stripe", reference="pi_1")
    order_mark_paid(order=order, provider="stripe", reference="pi_1")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Payment.objects.filter(order=order).count() == 1
    assert order.tickets.get().code.startswith("SC1.")


def test_late_payment_for_expired_order_is_revived_when_capacity_allows(stripe_keys, future_event):
    limited = TicketTypeFactory(event=future_event, capacity=1)
    order = place(future_event, limited)
    order_expire_due(now=order.expires_at + dt.timedelta(seconds=1))
    order = order_mark_paid(order=order, provider="stripe", reference="pi_late")
    assert order.status == OrderStatus.PAID
    assert not order.needs_attention


def test_late_payment_for_expired_order_whose_tickets_are_gone_is_flagged(stripe_keys, future_event):
    limited = TicketTypeFactory(event=future_event, capacity=1)
    order = place(future_event, limited)
    later = order.expires_at + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        order_expire_due()
        place(future_event, limited)
        order = order_mark_paid(order=order, provider="stripe", reference="pi_late")
    assert order.status == OrderStatus.EXPIRED
    assert order.needs_attention and "pi_late" in order.attention_note
    assert Payment.objects.filter(order=order, reference="pi_late").exists()


def test_ticket_rename_until_the_edition_starts(stripe_keys, future_event, ticket_type):
    order = place(future_event, ticket_type)
    ticket = ticket_rename(ticket=order.tickets.get(), attendee_name="  Neue Person ")
    assert ticket.attendee_name == "Neue Person"
    with time_machine.travel(future_event.starts_at + dt.timedelta(hours=1)), pytest.raises(InvalidOrderState):
        ticket_rename(ticket=ticket, attendee_name="Zu spät")


def test_quota_checks_count_every_member_type_and_each_quota_of_a_type(stripe_keys, future_event):
    small = QuotaFactory(event=future_event, size=2)
    venue = QuotaFactory(event=future_event, size=4)
    workshop = TicketTypeFactory(event=future_event)  # in both quotas
    day = TicketTypeFactory(event=future_event, price_amount=Decimal("236.81"))  # in the venue quota only
    small.ticket_types.add(workshop)
    venue.ticket_types.add(workshop, day)
    place(future_event, workshop, workshop)
    with pytest.raises(SoldOut) as info:
        place(future_event, workshop)
    assert info.value.extra == {"ticket_type": workshop.pk, "quota": small.pk}
    place(future_event, day)
    with pytest.raises(SoldOut) as info:
        place(future_event, day, day)  # the venue holds one more, counting the workshop tickets
    assert info.value.extra == {"ticket_type": day.pk, "quota": venue.pk}
    place(future_event, day)


BILLING = Billing(
    company="Stadt Musterstadt", street="Rathausplatz 1", postcode="12345", city="Musterstadt", country="de"
)


def test_order_place_invoice_has_the_snapshot_a_later_issue_would_take(future_event):
    from ticketing.services.invoices import _buyer_snapshot, _ticket_lines

    voucher = VoucherFactory(event=future_event, code="BITKOM20", value=Decimal("20.00"))
    three_day = TicketTypeFactory(event=future_event)
    day = TicketTypeFactory(event=future_event, price_amount=Decimal("236.81"))
    billing = Billing(**{**BILLING.__dict__, "vat_id": "de 136 695 976", "po_number": " PO 7 "})
    order = place(
        future_event,
        three_day,
        day,
        three_day,
        method=PaymentMethod.INVOICE,
        billing=billing,
        voucher_code="bitkom20",
        language="en",
    )

    invoice = order.invoices.get()
    stored = Order.objects.select_related("event", "voucher").get(pk=order.pk)
    assert invoice.buyer == _buyer_snapshot(stored)
    assert (invoice.buyer["company"], invoice.buyer["vat_id"], invoice.buyer["po_number"]) == (
        "Stadt Musterstadt",
        "DE136695976",
        "PO 7",
    )
    assert invoice.lines == [
        dataclasses.replace(line, position=i).to_json() for i, line in enumerate(_ticket_lines(stored), start=1)
    ]
    assert [line["quantity"] for line in invoice.lines] == [2, 1]
    assert voucher.code in invoice.lines[0]["description"]
    assert invoice.gross_amount == stored.total_amount


def test_order_place_invoice_pdf_is_rendered_once_for_the_order_mail(
    future_event, ticket_type, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core import mail

    from ticketing.services import invoices

    renders = []
    render_pdf = invoices.invoice_render_pdf
    monkeypatch.setattr(invoices, "invoice_render_pdf", lambda **kw: renders.append(kw) or render_pdf(**kw))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = place(future_event, ticket_type, method=PaymentMethod.INVOICE, billing=BILLING)

    invoice = order.invoices.get()
    assert len(callbacks) == 1  # one task: the order-received mail, which renders and stores the PDF
    assert len(renders) == 1
    assert invoice.pdf
    (message,) = mail.outbox
    assert [name for name, _content, _mimetype in message.attachments] == [f"invoice-{invoice.number}.pdf"]
