"""The held-ticket counts the database keeps (migration 0007's triggers) agree with counting the
tickets themselves after every kind of write: the services, factories, queryset updates, deletes,
and a pending order whose time ran out before `expire_orders` expired it."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from tests.factories.ticketing import OrderFactory, QuotaFactory, TicketFactory, TicketTypeFactory
from ticketing.enums import OrderStatus
from ticketing.models import Order, Ticket
from ticketing.selectors import quota_used, ticket_type_used
from ticketing.services.orders import (
    Billing,
    TicketRequest,
    order_cancel,
    order_expire_due,
    order_mark_paid,
    order_place,
)


def counted(type_ids: list[int], now: dt.datetime | None = None) -> dict[int, int]:
    """The reference: the tickets that hold capacity, counted row by row (the query the counts replaced)."""
    rows = (
        Order.objects.holding(now)
        .filter(tickets__ticket_type_id__in=type_ids, tickets__is_cancelled=False)
        .order_by()
        .values_list("tickets__ticket_type_id")
        .annotate(n=Count("tickets"))
    )
    return {type_id: n for type_id, n in rows if n}


def place(ticket_type, *names: str):
    return order_place(
        event=ticket_type.event,
        email="held@example.org",
        tickets=[TicketRequest(ticket_type_id=ticket_type.pk, attendee_name=name) for name in names],
        payment_method="invoice",
        billing=Billing(
            name="Erika Mustermann", street="Albrechtstraße 10", postcode="10117", city="Berlin", country="DE"
        ),
    ).order


@pytest.fixture
def types(future_event):
    first = TicketTypeFactory(event=future_event, capacity=50)
    second = TicketTypeFactory(event=future_event)
    return first, second


def check(*ticket_types, now=None) -> None:
    ids = [t.pk for t in ticket_types]
    assert ticket_type_used(ticket_type_ids=ids, now=now) == counted(ids, now)


def test_counts_follow_placing_paying_cancelling_and_expiring(types):
    first, second = types
    check(first, second)
    order = place(first, "A", "B")
    check(first, second)
    order_mark_paid(order=order, provider="bank_transfer", reference="r1")  # held before and after
    check(first, second)
    other = place(first, "C")
    order_cancel(order=other)
    check(first, second)
    late = place(first, "D", "E", "F")
    Order.objects.filter(pk=late.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    # Past its time but not yet expired by the command: no longer held, though the count has it.
    check(first, second)
    assert ticket_type_used(ticket_type_ids=[first.pk]) == {first.pk: 2}
    order_expire_due()
    assert Order.objects.get(pk=late.pk).status == OrderStatus.EXPIRED
    check(first, second)
    assert ticket_type_used(ticket_type_ids=[first.pk]) == {first.pk: 2}


def test_counts_follow_factories_bulk_updates_moves_and_deletes(types):
    first, second = types
    paid = TicketFactory.create_batch(3, ticket_type=first, order=OrderFactory(event=first.event))
    check(first, second)
    Ticket.objects.filter(pk=paid[0].pk).update(is_cancelled=True)
    check(first, second)
    Ticket.objects.filter(pk=paid[1].pk).update(ticket_type=second)  # moved to another type
    check(first, second)
    assert ticket_type_used(ticket_type_ids=[first.pk, second.pk]) == {first.pk: 1, second.pk: 1}
    Ticket.objects.filter(pk=paid[0].pk).update(is_cancelled=False)
    Order.objects.filter(pk=paid[0].order_id).update(status=OrderStatus.CANCELLED)  # all three at once
    check(first, second)
    Order.objects.filter(pk=paid[0].order_id).update(status=OrderStatus.PAID)
    check(first, second)
    pending = OrderFactory(event=first.event, status=OrderStatus.AWAITING_APPROVAL)
    TicketFactory.create_batch(2, ticket_type=second, order=pending)
    check(first, second)
    pending.delete()  # its tickets first, then the order
    check(first, second)
    moved = TicketFactory(ticket_type=first, order=OrderFactory(event=first.event, status=OrderStatus.CANCELLED))
    Ticket.objects.filter(pk=moved.pk).update(order=paid[2].order)  # into a held order
    check(first, second)
    assert ticket_type_used(ticket_type_ids=[first.pk, second.pk]) == counted([first.pk, second.pk]) != {}


def test_quota_use_is_the_sum_over_its_member_types(types):
    first, second = types
    quota = QuotaFactory(event=first.event, size=10)
    quota.ticket_types.set([first, second])
    lone = QuotaFactory(event=first.event, size=10)
    lone.ticket_types.set([second])
    place(first, "A", "B")
    place(second, "C")
    assert quota_used(quota_ids=[quota.pk, lone.pk]) == {quota.pk: 3, lone.pk: 1}
    assert quota_used(quota_ids=[]) == {} == ticket_type_used(ticket_type_ids=[])


def test_the_count_is_one_statement_on_the_kept_counts(types):
    """What makes it cheap: it reads the kept counts (and the few overdue orders), not every ticket."""
    first, _second = types
    order = OrderFactory(event=first.event)
    TicketFactory.create_batch(40, ticket_type=first, order=order)
    captured: list[str] = []

    def keep(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert ticket_type_used(ticket_type_ids=[first.pk]) == {first.pk: 40}
    assert len(captured) == 1 and "ticketing_heldtickets" in captured[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_tickets_already_there():
    first = TicketTypeFactory()
    TicketFactory.create_batch(3, ticket_type=first, order=OrderFactory(event=first.event))
    TicketFactory(ticket_type=first, order=OrderFactory(event=first.event, status=OrderStatus.EXPIRED))
    try:
        call_command("migrate", "ticketing", "0006", verbosity=0)
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        assert "ticketing_heldtickets" not in tables
    finally:
        call_command("migrate", "ticketing", verbosity=0)
    assert ticket_type_used(ticket_type_ids=[first.pk]) == {first.pk: 3}
    assert Counter(Ticket.objects.values_list("ticket_type_id", flat=True)) == {first.pk: 4}


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_no_count_is_left_for_a_reused_type_id():
    """`manage.py flush` empties the tables (TRUNCATE on PostgreSQL, DELETE in any order on SQLite)
    and resets the ids: a count left behind would hold capacity for a new type with an old id."""
    first = TicketTypeFactory()
    TicketFactory.create_batch(2, ticket_type=first, order=OrderFactory(event=first.event))
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ticketing_heldtickets")
        assert cursor.fetchone()[0] == 0
    again = TicketTypeFactory()
    TicketFactory(ticket_type=again, order=OrderFactory(event=again.event))
    assert ticket_type_used(ticket_type_ids=[again.pk]) == {again.pk: 1}


def test_deleting_a_type_drops_its_count(types):
    first, second = types
    TicketFactory(ticket_type=second, order=OrderFactory(event=second.event, status=OrderStatus.CANCELLED))
    Ticket.objects.filter(ticket_type=second).delete()
    second.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ticketing_heldtickets WHERE ticket_type_id = %s", [second.pk])
        assert cursor.fetchone()[0] == 0
    check(first)
