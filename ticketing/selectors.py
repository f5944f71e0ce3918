"""Non-trivial reads of the ticket shop."""

import datetime as dt
import hmac
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from programme.models import Event
from ticketing.enums import TicketVisibility, VoucherKind
from ticketing.models import Order, Quota, Ticket, TicketType, Voucher
from ticketing.money import ZERO, percentage_of, quantize


def tickets_holding(*, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """Tickets that count against capacity: not cancelled, in an order that holds them."""
    return Ticket.objects.filter(is_cancelled=False, order__in=Order.objects.holding(now))


def ticket_type_used(*, ticket_type_ids: list[int], now: dt.datetime | None = None) -> dict[int, int]:
    """Tickets held per type (as `tickets_holding` counts them): one join of the holding orders
    and their tickets, the cheapest form of this count to build and to run."""
    rows = (
        Order.objects.holding(now)
        .filter(tickets__ticket_type_id__in=ticket_type_ids, tickets__is_cancelled=False)
        .order_by()
        .values_list("tickets__ticket_type_id")
        .annotate(n=Count("tickets"))
    )
    return dict(rows)


def quota_used(*, quota_ids: list[int], now: dt.datetime | None = None) -> dict[int, int]:
    rows = (
        tickets_holding(now=now)
        .filter(ticket_type__quotas__in=quota_ids)
        .order_by()
        .values("ticket_type__quotas")
        .annotate(n=Count("pk"))
    )
    return {row["ticket_type__quotas"]: row["n"] for row in rows}


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
