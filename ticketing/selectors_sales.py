"""Reads for the shop pages, the order page and the organisers' sales overview.

The shop shows what `order_place` would charge: the voucher rules come from the same helpers
(`ticketing.services.orders`), so a preview never disagrees with the order.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from programme.models import Event
from ticketing.enums import InvoiceKind, OrderStatus, RefundStatus
from ticketing.exceptions import InvalidVoucher, VoucherExhausted
from ticketing.models import Invoice, Order, Payment, Quota, Refund, Ticket, TicketType, Voucher
from ticketing.money import ZERO, net_from_gross, quantize, vat_from_gross
from ticketing.selectors import (
    price_with_voucher,
    quota_overview,
    shop_ticket_types,
    ticket_type_availability,
    tickets_holding,
    voucher_covers,
    voucher_used,
)

# --- the shop -----------------------------------------------------------------------------

FEW_LEFT = 100  # the shop says how many are left from this number down


@dataclass(frozen=True)
class Offer:
    """A ticket type as the shop shows it: price (after the voucher), VAT in it, what is left."""

    ticket_type: TicketType
    is_on_sale: bool
    available: int | None  # None: no limit
    list_price: Decimal
    price: Decimal
    opens_at: dt.datetime | None = None  # when sales start, if that is still ahead

    @property
    def vat(self) -> Decimal:
        return vat_from_gross(self.price, self.ticket_type.vat_rate)

    @property
    def is_discounted(self) -> bool:
        return self.price != self.list_price

    @property
    def is_sold_out(self) -> bool:
        return self.available is not None and self.available < self.ticket_type.min_per_order

    @property
    def is_scarce(self) -> bool:
        return self.available is not None and self.available <= FEW_LEFT

    @property
    def max_quantity(self) -> int:
        """The most a buyer can choose now: the per-order maximum, or fewer when fewer are left."""
        limit = self.ticket_type.max_per_order
        return limit if self.available is None else min(limit, self.available)

    @property
    def can_buy(self) -> bool:
        return self.is_on_sale and not self.is_sold_out and self.max_quantity >= self.ticket_type.min_per_order


@dataclass(frozen=True)
class ShopOffer:
    voucher_code: str
    voucher: Voucher | None
    voucher_error: str  # the message of a voucher that cannot be used, else ""
    offers: list[Offer]

    def by_type(self) -> dict[int, Offer]:
        return {offer.ticket_type.pk: offer for offer in self.offers}


def voucher_find(*, event: Event, code: str, now: dt.datetime | None = None) -> tuple[Voucher | None, str]:
    """The voucher a buyer typed, or None and the reason it cannot be used."""
    now = now or timezone.now()
    code = code.strip()
    if not code:
        return None, ""
    voucher = Voucher.objects.filter(event=event, code__iexact=code).order_by("pk").first()
    if voucher is None or (voucher.valid_until is not None and voucher.valid_until < now):
        return None, InvalidVoucher().message
    if voucher_used(voucher=voucher, now=now) >= voucher.max_uses:
        return None, VoucherExhausted().message
    return voucher, ""


def shop_offer(*, event: Event, voucher_code: str = "", now: dt.datetime | None = None) -> ShopOffer:
    """What the shop offers: public types plus those a valid voucher unlocks, priced with it."""
    now = now or timezone.now()
    voucher, error = voucher_find(event=event, code=voucher_code, now=now)
    voucher_types = set(voucher.ticket_types.values_list("pk", flat=True)) if voucher else set()

    def applies(ticket_type: TicketType) -> bool:
        return voucher_covers(voucher=voucher, voucher_type_ids=voucher_types, ticket_type=ticket_type)

    rows = ticket_type_availability(event=event, ticket_types=shop_ticket_types(event=event, voucher=voucher), now=now)
    offers = [
        Offer(
            ticket_type=row.ticket_type,
            is_on_sale=row.is_on_sale,
            available=row.available,
            list_price=row.ticket_type.price_amount,
            price=price_with_voucher(row.ticket_type.price_amount, voucher, applies(row.ticket_type)),
            opens_at=start if (start := row.ticket_type.sales_start_at) and start > now else None,
        )
        for row in rows
    ]
    return ShopOffer(voucher_code=voucher_code.strip(), voucher=voucher, voucher_error=error, offers=offers)


@dataclass(frozen=True)
class QuoteLine:
    offer: Offer
    quantity: int

    @property
    def amount(self) -> Decimal:
        return quantize(self.offer.price * self.quantity)


@dataclass(frozen=True)
class Quote:
    """The price of a selection as the shop previews it (the order prices it again when placed)."""

    lines: list[QuoteLine]
    total: Decimal
    vat_by_rate: list[tuple[Decimal, Decimal]]

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_free(self) -> bool:
        return self.total == ZERO

    @property
    def ticket_types(self) -> list[TicketType]:
        """One entry per ticket, in the order the attendee rows are shown."""
        return [line.offer.ticket_type for line in self.lines for _n in range(line.quantity)]


def shop_quote(*, offer: ShopOffer, quantities: Mapping[int, int]) -> Quote:
    lines = [
        QuoteLine(offer=item, quantity=quantities[item.ticket_type.pk])
        for item in offer.offers
        if quantities.get(item.ticket_type.pk, 0) > 0
    ]
    gross_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        gross_by_rate[line.offer.ticket_type.vat_rate] += line.amount
    vat = [(rate, vat_from_gross(gross, rate)) for rate, gross in sorted(gross_by_rate.items()) if gross > 0]
    return Quote(lines=lines, total=quantize(sum((line.amount for line in lines), ZERO)), vat_by_rate=vat)


# --- the order page -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    tickets: list[Ticket]
    invoices: list[Invoice]
    can_rename: bool
    vat_by_rate: list[tuple[Decimal, Decimal]] = field(default_factory=list)

    @property
    def invoice(self) -> Invoice | None:
        """The one `invoice.pdf` serves: the latest invoice, else the latest cancellation invoice."""
        regular = [i for i in self.invoices if i.kind == InvoiceKind.INVOICE]
        candidates = regular or self.invoices
        return candidates[0] if candidates else None


def order_invoices(*, order: Order) -> list[Invoice]:
    """Every invoice of an order, the latest first."""
    return list(Invoice.objects.filter(order=order).select_related("cancels").order_by("-year", "-sequence"))


def order_detail(*, order: Order, now: dt.datetime | None = None) -> OrderDetail:
    now = now or timezone.now()
    tickets = list(order.tickets.select_related("ticket_type").order_by("pk"))
    gross_by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for ticket in tickets:
        if not ticket.is_cancelled:
            gross_by_rate[ticket.vat_rate] += ticket.price_amount
    vat = [(rate, vat_from_gross(gross, rate)) for rate, gross in sorted(gross_by_rate.items()) if gross > 0]
    can_rename = (
        order.status in (OrderStatus.PAID, OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL)
        and now < order.event.starts_at
    )
    return OrderDetail(
        order=order, tickets=tickets, invoices=order_invoices(order=order), can_rename=can_rename, vat_by_rate=vat
    )


def order_refundable_amount(*, order: Order) -> Decimal:
    """Money received for an order minus what has been or is being paid back."""
    paid = Payment.objects.filter(order=order).aggregate(total=Coalesce(Sum("amount"), Value(ZERO)))["total"]
    refunded = (
        Refund.objects.filter(order=order)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Coalesce(Sum("amount"), Value(ZERO)))["total"]
    )
    return max(ZERO, quantize(paid - refunded))


# --- the organisers' sales overview ---------------------------------------------------------


@dataclass(frozen=True)
class TicketTypeSales:
    ticket_type: TicketType
    is_on_sale: bool
    sold: int  # in paid orders
    reserved: int  # in unpaid orders that still hold them
    available: int | None  # None: no limit
    revenue_gross: Decimal
    revenue_net: Decimal


@dataclass(frozen=True)
class QuotaSales:
    quota: Quota
    used: int

    @property
    def free(self) -> int:
        return max(0, self.quota.size - self.used)


@dataclass(frozen=True)
class SalesOverview:
    event: Event
    ticket_types: list[TicketTypeSales]
    quotas: list[QuotaSales]

    @property
    def sold(self) -> int:
        return sum(row.sold for row in self.ticket_types)

    @property
    def reserved(self) -> int:
        return sum(row.reserved for row in self.ticket_types)

    @property
    def revenue_gross(self) -> Decimal:
        return sum((row.revenue_gross for row in self.ticket_types), ZERO)

    @property
    def revenue_net(self) -> Decimal:
        return sum((row.revenue_net for row in self.ticket_types), ZERO)


def sales_overview(*, event: Event, now: dt.datetime | None = None) -> SalesOverview:
    """Per ticket type: sold, reserved, free and revenue (paid, not cancelled tickets, gross and
    net); per quota: size, used, free. A fixed number of queries, whatever the size of the edition."""
    now = now or timezone.now()
    availability = ticket_type_availability(event=event, now=now)
    reserving = Order.objects.holding(now).filter(status__in=[OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL])
    rows = (
        Ticket.objects.filter(ticket_type__event=event, is_cancelled=False)
        .values("ticket_type_id", "vat_rate")
        .annotate(
            sold=Count("pk", filter=Q(order__status=OrderStatus.PAID)),
            reserved=Count("pk", filter=Q(order__in=reserving)),
            gross=Sum("price_amount", filter=Q(order__status=OrderStatus.PAID)),
        )
        .order_by()
    )
    sold: dict[int, int] = defaultdict(int)
    reserved: dict[int, int] = defaultdict(int)
    gross: dict[int, Decimal] = defaultdict(lambda: ZERO)
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        type_id = row["ticket_type_id"]
        sold[type_id] += row["sold"]
        reserved[type_id] += row["reserved"]
        amount = row["gross"] or ZERO
        gross[type_id] += amount
        net[type_id] += net_from_gross(amount, row["vat_rate"])
    return SalesOverview(
        event=event,
        ticket_types=[
            TicketTypeSales(
                ticket_type=item.ticket_type,
                is_on_sale=item.is_on_sale,
                sold=sold[item.ticket_type.pk],
                reserved=reserved[item.ticket_type.pk],
                available=item.available,
                revenue_gross=quantize(gross[item.ticket_type.pk]),
                revenue_net=quantize(net[item.ticket_type.pk]),
            )
            for item in availability
        ],
        quotas=[QuotaSales(quota=quota, used=used) for quota, used in quota_overview(event=event)],
    )


# --- admin lists --------------------------------------------------------------------------


def _holding_count(**outer: OuterRef) -> Coalesce:
    """A subquery counting the tickets that hold capacity, correlated by `outer`."""
    (lookup, ref), *_rest = outer.items()
    counted = (
        tickets_holding().filter(**{lookup: ref}).order_by().values(lookup).annotate(n=Count("pk")).values("n")[:1]
    )
    return Coalesce(Subquery(counted), Value(0))


def ticket_types_with_holding(queryset: QuerySet[TicketType]) -> QuerySet[TicketType]:
    """Ticket types annotated with `holding`: tickets sold or reserved (unexpired)."""
    return queryset.annotate(holding=_holding_count(ticket_type=OuterRef("pk")))


def quotas_with_used(queryset: QuerySet[Quota]) -> QuerySet[Quota]:
    """Quotas annotated with `used`: tickets sold or reserved (unexpired) of their types."""
    return queryset.annotate(used=_holding_count(ticket_type__quotas=OuterRef("pk")))


def vouchers_with_used(queryset: QuerySet[Voucher]) -> QuerySet[Voucher]:
    """Vouchers annotated with `used`: tickets sold or reserved (unexpired) with them."""
    return queryset.annotate(used=_holding_count(order__voucher=OuterRef("pk")))


def orders_with_ticket_count(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.annotate(ticket_count=Count("tickets", filter=Q(tickets__is_cancelled=False)))
