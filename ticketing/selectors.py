"""Non-trivial reads of the ticket shop."""

import datetime as dt
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from programme.models import Event
from ticketing.enums import OrderStatus, TicketVisibility, VoucherKind
from ticketing.models import Order, Quota, Ticket, TicketType, Voucher
from ticketing.money import ZERO, percentage_of, quantize


def tickets_holding(*, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Tickets that count against capacity: not cancelled, in an order that holds them."""
    return Ticket.objects.filter(is_cancelled=False, order__in=Order.objects.holding(now))


def _held_sql(types: str) -> str:
    """Tickets held per type for the types `types` (an SQL list or subquery) names: the database's
    count per type of the tickets of paid, pending and awaiting orders (`ticketing_heldtickets`,
    kept by triggers: migration 0007), less the tickets of unpaid orders past their `expires_at`
    that `expire_orders` has not expired yet (found by the orders' (status, expires_at) index;
    usually none). Parameters: the `types` parameters twice around the two unpaid statuses and now."""
    return (
        "SELECT ticket_type_id, SUM(n) AS n FROM ("  # noqa: S608 (`types` holds placeholders only)
        f" SELECT ticket_type_id, held AS n FROM ticketing_heldtickets WHERE ticket_type_id IN {types}"
        " UNION ALL"
        " SELECT t.ticket_type_id, -COUNT(*) FROM ticketing_order o JOIN ticketing_ticket t ON t.order_id = o.id"
        f" WHERE o.status IN (%s, %s) AND o.expires_at <= %s AND NOT t.is_cancelled AND t.ticket_type_id IN {types}"
        " GROUP BY t.ticket_type_id"
        ") counts GROUP BY ticket_type_id"
    )


def _held_params(ids: list[int], now: dt.datetime | None) -> list[Any]:
    """The parameters of `_held_sql` when its `types` has the placeholders of `ids`."""
    unpaid = [OrderStatus.PENDING.value, OrderStatus.AWAITING_APPROVAL.value]
    return [*ids, *unpaid, connection.ops.adapt_datetimefield_value(now or timezone.now()), *ids]


def _counts(sql: str, params: list[Any]) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {int(key): int(n) for key, n in cursor.fetchall() if n}


def _placeholders(ids: list[int]) -> str:
    return "(" + ", ".join(["%s"] * len(ids)) + ")"


def ticket_type_used(*, ticket_type_ids: list[int], now: dt.datetime | None = None) -> dict[int, int]:
    """Tickets held per type, as `tickets_holding` counts them, in one statement whose cost does not
    grow with the tickets sold (`_held_sql`)."""
    if not ticket_type_ids:
        return {}
    return _counts(_held_sql(_placeholders(ticket_type_ids)), _held_params(ticket_type_ids, now))


def quota_used(*, quota_ids: list[int], now: dt.datetime | None = None) -> dict[int, int]:
    """Tickets held per quota, the sum over its member types, in one statement."""
    if not quota_ids:
        return {}
    quotas = _placeholders(quota_ids)
    members = f"(SELECT tickettype_id FROM ticketing_tickettype_quotas WHERE quota_id IN {quotas})"  # noqa: S608
    sql = (
        "SELECT m.quota_id, SUM(u.n) FROM ticketing_tickettype_quotas m"  # noqa: S608 (placeholders only)
        f" JOIN ({_held_sql(members)}) u ON u.ticket_type_id = m.tickettype_id"
        f" WHERE m.quota_id IN {quotas} GROUP BY m.quota_id"
    )
    return _counts(sql, [*_held_params(quota_ids, now), *quota_ids])


def voucher_used(*, voucher: Voucher, now: dt.datetime | None = None) -> int:
    return tickets_holding(now=now).filter(order__voucher=voucher).count()


def ticket_type_sales_end(ticket_type: TicketType) -> dt.datetime:
    return ticket_type.sales_end_at or ticket_type.event.ends_at


def ticket_type_is_on_sale(ticket_type: TicketType, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if not ticket_type.is_active:
        return False
    if ticket_type.sales_start_at and now < ticket_type.sales_start_at:
        return False
    return now < ticket_type_sales_end(ticket_type)


@dataclass
class Availability:
    ticket_type: TicketType
    is_on_sale: bool
    available: int | None  # None: no limit


def ticket_type_availability(
    *, event: Event, ticket_types: QuerySet[TicketType] | None = None, now: dt.datetime | None = None
) -> list[Availability]:
    """What is left of each ticket type: the smallest of its own limit and every quota it is in."""
    now = now or timezone.now()
    types = list(
        (ticket_types if ticket_types is not None else TicketType.objects.filter(event=event))
        .select_related("event")
        .prefetch_related("quotas")
        .order_by("position", "pk")
    )
    type_ids = [t.pk for t in types]
    quotas = {q.pk: q for t in types for q in t.quotas.all()}
    used_types = ticket_type_used(ticket_type_ids=type_ids, now=now)
    used_quotas = quota_used(quota_ids=list(quotas), now=now)
    result = []
    for ticket_type in types:
        limits = []
        if ticket_type.capacity is not None:
            limits.append(ticket_type.capacity - used_types.get(ticket_type.pk, 0))
        limits += [q.size - used_quotas.get(q.pk, 0) for q in ticket_type.quotas.all()]
        available = max(0, min(limits)) if limits else None
        result.append(
            Availability(
                ticket_type=ticket_type,
                is_on_sale=ticket_type_is_on_sale(ticket_type, now=now),
                available=available,
            )
        )
    return result


def shop_ticket_types(*, event: Event, voucher: Voucher | None = None) -> QuerySet[TicketType]:
    """The types a buyer may choose: public ones, plus hidden ones a voucher unlocks."""
    visible = Q(visibility=TicketVisibility.PUBLIC)
    if voucher is not None:
        visible |= Q(pk__in=voucher.ticket_types.values("pk"))
    return TicketType.objects.filter(event=event, is_active=True).filter(visible).order_by("position", "pk")


def quota_overview(*, event: Event) -> list[tuple[Quota, int]]:
    quotas = list(Quota.objects.filter(event=event).order_by("name"))
    used = quota_used(quota_ids=[q.pk for q in quotas])
    return [(q, used.get(q.pk, 0)) for q in quotas]


def order_get_by_secret(*, code: str, secret: str, event: str | None = None) -> Order | None:
    """The order with this code (of the edition with slug `event`, when given), if `secret` is its
    secret (compared in constant time). Over-long input, as it comes from a URL or a header, is
    cut to what a code and a secret can be."""
    code, secret = code[:20], secret[:100]
    orders = Order.objects.select_related("event", "event__venue", "voucher").filter(code=code)
    if event is not None:
        orders = orders.filter(event__slug=event)
    order = orders.first()
    if order is None or not hmac.compare_digest(order.secret.encode(), secret.encode()):
        return None
    return order


def price_with_voucher(price: Decimal, voucher: Voucher | None, applies: bool) -> Decimal:
    """The price of one ticket after the voucher (never below zero)."""
    if voucher is None or not applies:
        return price
    if voucher.kind == VoucherKind.FREE:
        return ZERO
    if voucher.kind == VoucherKind.PERCENTAGE:
        return max(ZERO, price - percentage_of(price, voucher.value))
    return max(ZERO, quantize(price - voucher.value))


def voucher_covers(*, voucher: Voucher | None, voucher_type_ids: set[int], ticket_type: TicketType) -> bool:
    """Whether the voucher discounts this type: the types it lists, else every public type."""
    if voucher is None:
        return False
    if voucher_type_ids:
        return ticket_type.pk in voucher_type_ids
    return ticket_type.visibility == TicketVisibility.PUBLIC
