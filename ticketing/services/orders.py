"""Placing orders, and everything that changes an order's status."""

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from programme.models import Event
from ticketing.enums import OrderStatus, PaymentMethod, PaymentProvider, TicketCategory, TicketVisibility
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
from ticketing.models import OfficialDomain, Order, Payment, Quota, Ticket, TicketType, Voucher
from ticketing.money import ZERO, quantize
from ticketing.selectors import (
    price_with_voucher,
    ticket_type_is_on_sale,
    ticket_type_used,
    voucher_covers,
    voucher_used,
)
from ticketing.services import hooks

MAX_TICKETS_PER_ORDER = 50


@dataclass(frozen=True)
class TicketRequest:
    ticket_type_id: int
    attendee_name: str
    attendee_email: str = ""


@dataclass(frozen=True)
class Billing:
    name: str = ""
    company: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    vat_id: str = ""
    leitweg_id: str = ""
    po_number: str = ""

    @property
    def is_complete(self) -> bool:
        return bool((self.name or self.company) and self.street and self.postcode and self.city and self.country)


@dataclass(frozen=True)
class Placement:
    order: Order
    created: bool


def stripe_is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)


def email_is_official(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return False
    parts = domain.split(".")
    candidates = {".".join(parts[i:]) for i in range(len(parts) - 1)}
    return OfficialDomain.objects.filter(domain__in=candidates).exists()


def _fingerprint(**values: Any) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def order_place(
    *,
    event: Event,
    email: str,
    tickets: Sequence[TicketRequest],
    payment_method: str,
    voucher_code: str = "",
    billing: Billing | None = None,
    language: str = "de",
    idempotency_key: str = "",
    unlocked_types: Collection[int] = (),
    now: dt.datetime | None = None,
) -> Placement:
    """Reserve tickets for a buyer, priced and checked against every capacity they draw on.

    Capacity rows (ticket types, then quotas, then the voucher) are locked in primary-key order
    and the counts are taken after the lock, so nothing sells past capacity at any concurrency.
    A repeated `idempotency_key` answers with the order it created the first time.
    `unlocked_types`: hidden types the caller may sell without a voucher (another app's trusted
    path, e.g. extra exhibitor passes from the exhibitor portal); never taken from a request.
    """
    now = now or timezone.now()
    email = email.strip()
    fingerprint = _fingerprint(
        email=email.lower(),
        tickets=[asdict(t) for t in tickets],
        payment_method=payment_method,
        voucher=voucher_code.strip().upper(),
        billing=asdict(billing) if billing else None,
    )
    if idempotency_key:
        existing = _order_for_key(event=event, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return Placement(order=existing, created=False)
    if not tickets:
        raise QuantityOutOfRange(extra={"tickets": "At least one ticket is needed."})
    if len(tickets) > MAX_TICKETS_PER_ORDER:
        raise QuantityOutOfRange(extra={"tickets": f"At most {MAX_TICKETS_PER_ORDER} tickets per order."})
    if payment_method not in PaymentMethod.values or payment_method == PaymentMethod.FREE:
        raise PaymentMethodUnavailable(extra={"payment_method": payment_method})
    wanted = Counter(t.ticket_type_id for t in tickets)
    _check_recently_sold_out(event=event, wanted=wanted, now=now)
    try:
        with transaction.atomic():
            order = _place_locked(
                event=event,
                email=email,
                tickets=tickets,
                payment_method=payment_method,
                voucher_code=voucher_code.strip(),
                billing=billing,
                language=language,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                unlocked_types=frozenset(unlocked_types),
                now=now,
            )
    except SoldOut:
        cache.set_many({_sold_out_key(type_id): True for type_id in wanted}, SOLD_OUT_SECONDS)
        raise
    except IntegrityError:
        # Another request with the same Idempotency-Key won the race: answer with its order.
        if idempotency_key:
            existing = _order_for_key(event=event, key=idempotency_key, fingerprint=fingerprint)
            if existing is not None:
                return Placement(order=existing, created=False)
        raise
    return Placement(order=order, created=True)


# After a type sold out, its next buyers are first checked without the row locks for this long.
SOLD_OUT_SECONDS = 5


def _sold_out_key(type_id: int) -> str:
    return f"ticketing:sold-out:{type_id}"


def _check_recently_sold_out(*, event: Event, wanted: Counter[int], now: dt.datetime) -> None:
    """A sale rush: once a type has sold out, every later buyer would queue on its row lock only
    to hear `sold_out`. For a few seconds after that answer, the capacity is first counted without
    the locks, and an order that cannot fit is refused at once (the losers no longer wait behind
    each other, nor hold up the buyers of the edition's other types on a shared quota). An order
    that may fit, and any order of a type not recently sold out, is decided under the locks alone:
    this look can only refuse, never sell."""
    if not cache.get_many([_sold_out_key(type_id) for type_id in wanted]):
        return
    types = {t.pk: t for t in TicketType.objects.filter(event=event, pk__in=list(wanted))}
    if set(types) != set(wanted):
        return  # the locked path names the unknown type
    _check_capacity(wanted=wanted, types=types, quotas=_read_quotas(ticket_type_ids=list(wanted)), now=now)


def _order_for_key(*, event: Event, key: str, fingerprint: str) -> Order | None:
    # Usually there is none: look for its id and fingerprint first, load the order only for a repeat.
    # `idempotency_key <> ''` repeats the unique index's condition as a literal, so that even a
    # prepared statement's generic plan on PostgreSQL uses that partial index (tests/test_db_plans.py)
    # instead of reading every order of the edition.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, request_fingerprint FROM ticketing_order"
            " WHERE event_id = %s AND idempotency_key = %s AND idempotency_key <> '' LIMIT 1",
            [event.pk, key],
        )
        found = cursor.fetchall()
    if not found:
        return None
    pk, stored = found[0]
    existing = Order.objects.select_related("event").get(pk=pk)
    if stored != fingerprint:
        raise IdempotencyKeyReused(extra={"order": existing.code})
    return existing


def _place_locked(
    *,
    event: Event,
    email: str,
    tickets: Sequence[TicketRequest],
    payment_method: str,
    voucher_code: str,
    billing: Billing | None,
    language: str,
    idempotency_key: str,
    fingerprint: str,
    unlocked_types: frozenset[int],
    now: dt.datetime,
) -> Order:
    wanted = Counter(t.ticket_type_id for t in tickets)
    types = {
        t.pk: t for t in TicketType.objects.select_for_update().filter(event=event, pk__in=list(wanted)).order_by("pk")
    }
    missing = sorted(set(wanted) - set(types))
    if missing:
        raise UnknownTicketType(extra={"ticket_types": missing})
    for ticket_type in types.values():
        ticket_type.event = event  # the edition the caller has: not read again
    quotas = _lock_quotas(ticket_type_ids=list(wanted))
    voucher = None
    if voucher_code:
        voucher = (
            Voucher.objects.select_for_update().filter(event=event, code__iexact=voucher_code).order_by("pk").first()
        )
        if voucher is None or (voucher.valid_until is not None and voucher.valid_until < now):
            raise InvalidVoucher(extra={"voucher": voucher_code})
    voucher_types = set(voucher.ticket_types.values_list("pk", flat=True)) if voucher else set()

    for type_id, count in wanted.items():
        ticket_type = types[type_id]
        unlocked = (voucher is not None and type_id in voucher_types) or type_id in unlocked_types
        if ticket_type.visibility != TicketVisibility.PUBLIC and not unlocked:
            raise UnknownTicketType(extra={"ticket_types": [type_id]})
        if not ticket_type_is_on_sale(ticket_type, now=now):
            raise NotOnSale(extra={"ticket_type": type_id})
        if not ticket_type.min_per_order <= count <= ticket_type.max_per_order:
            raise QuantityOutOfRange(
                extra={"ticket_type": type_id, "min": ticket_type.min_per_order, "max": ticket_type.max_per_order}
            )

    _check_capacity(wanted=wanted, types=types, quotas=quotas, now=now)

    def voucher_applies(ticket_type: TicketType) -> bool:
        return voucher_covers(voucher=voucher, voucher_type_ids=voucher_types, ticket_type=ticket_type)

    if voucher is not None:
        applicable = sum(1 for t in tickets if voucher_applies(types[t.ticket_type_id]))
        if applicable == 0:
            raise InvalidVoucher(extra={"voucher": voucher_code})
        if voucher_used(voucher=voucher, now=now) + applicable > voucher.max_uses:
            raise VoucherExhausted(extra={"voucher": voucher_code})

    lines = []
    for request in tickets:
        ticket_type = types[request.ticket_type_id]
        price = price_with_voucher(ticket_type.price_amount, voucher, voucher_applies(ticket_type))
        lines.append((request, ticket_type, price))
    total = quantize(sum((price for _r, _t, price in lines), ZERO))

    needs_approval = any(
        t.requires_approval
        or (t.category == TicketCategory.PUBLIC_SECTOR and not email_is_official(r.attendee_email or email))
        for r, t, _p in lines
    )
    if total > 0:
        if payment_method == PaymentMethod.STRIPE and not stripe_is_configured():
            raise PaymentMethodUnavailable(extra={"payment_method": payment_method})
        if payment_method == PaymentMethod.INVOICE and not (billing and billing.is_complete):
            raise BillingRequired()
        method = payment_method
    else:
        method = PaymentMethod.FREE

    if needs_approval:
        status, expires_at, due_on = OrderStatus.AWAITING_APPROVAL, None, None
    elif method == PaymentMethod.FREE:
        status, expires_at, due_on = OrderStatus.PAID, None, None
    else:
        status = OrderStatus.PENDING
        expires_at, due_on = _payment_deadline(event=event, method=method, now=now)

    billing = billing or Billing()
    order = Order.objects.create(
        event=event,
        email=email,
        language=language,
        status=status,
        payment_method=method,
        total_amount=total,
        currency=next(iter(types.values())).currency,
        expires_at=expires_at,
        payment_due_on=due_on,
        billing_name=billing.name,
        billing_company=billing.company,
        billing_street=billing.street,
        billing_postcode=billing.postcode,
        billing_city=billing.city,
        billing_country=billing.country.upper(),
        vat_id=billing.vat_id.replace(" ", "").upper(),
        leitweg_id=billing.leitweg_id.strip(),
        po_number=billing.po_number.strip(),
        voucher=voucher,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        paid_at=now if status == OrderStatus.PAID else None,
    )
    created = Ticket.objects.bulk_create(
        [
            Ticket(
                order=order,
                ticket_type=ticket_type,
                attendee_name=request.attendee_name.strip(),
                attendee_email=request.attendee_email.strip(),
                list_price_amount=ticket_type.price_amount,
                price_amount=price,
                vat_rate=ticket_type.vat_rate,
            )
            for request, ticket_type, price in lines
        ]
    )
    # What follows (the invoice) takes the order and tickets just written instead of reading them.
    hooks.order_placed(order=order, tickets=created)
    return order


@dataclass(frozen=True)
class LockedQuotas:
    """The quotas some ticket types draw on, locked: their sizes and all their member types."""

    sizes: dict[int, int]
    members: dict[int, frozenset[int]]


def _lock_quotas(*, ticket_type_ids: list[int]) -> LockedQuotas:
    """Lock the quotas the ticket types draw on, in primary-key order (after the types), and read
    their sizes and all their member types in the same statement."""
    return _read_quotas(ticket_type_ids=ticket_type_ids, lock=True)


def _read_quotas(*, ticket_type_ids: list[int], lock: bool = False) -> LockedQuotas:
    drawn_on = TicketType.quotas.through.objects.filter(tickettype_id__in=ticket_type_ids).values("quota_id")
    quotas = Quota.objects.select_for_update(of=("self",)) if lock else Quota.objects.all()
    rows = quotas.filter(pk__in=Subquery(drawn_on)).order_by("pk").values_list("pk", "size", "ticket_types")
    sizes: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    for quota_id, size, type_id in rows:
        sizes[quota_id] = size
        group = members.setdefault(quota_id, set())
        if type_id is not None:
            group.add(type_id)
    return LockedQuotas(sizes, {pk: frozenset(types) for pk, types in members.items()})


def _check_capacity(
    *, wanted: Counter[int], types: dict[int, TicketType], quotas: LockedQuotas, now: dt.datetime
) -> None:
    """With the types and quotas locked, raise SoldOut unless `wanted` fits every limit.

    One count of the tickets held per type, for the wanted types and every type sharing a quota
    with them; a quota's use is the sum over its member types."""
    counted = set(types).union(*quotas.members.values())
    used = ticket_type_used(ticket_type_ids=sorted(counted), now=now)
    for type_id, count in wanted.items():
        capacity = types[type_id].capacity
        if capacity is not None and used.get(type_id, 0) + count > capacity:
            raise SoldOut(extra={"ticket_type": type_id})
    for quota_id, size in quotas.sizes.items():
        members = quotas.members[quota_id]
        requested = sum(count for type_id, count in wanted.items() if type_id in members)
        if requested and sum(used.get(type_id, 0) for type_id in members) + requested > size:
            raise SoldOut(extra={"ticket_type": min(members & set(wanted)), "quota": quota_id})


def order_issue_complimentary(
    *,
    event: Event,
    ticket_type: TicketType,
    email: str,
    attendee_names: Sequence[str],
    reference: str,
    language: str = "de",
    now: dt.datetime | None = None,
) -> Order:
    """Tickets given, not sold (e.g. the passes a booth includes): a paid order of total 0 with one
    ticket per name, signed, rendered and mailed like any paid order. Capacity applies as in the
    shop (the type and its quotas locked, in the same order); visibility, sales window and per-order
    limits do not. `reference` (stored as the order's idempotency key) makes a repeat return the
    first order."""
    now = now or timezone.now()
    if not attendee_names:
        raise QuantityOutOfRange()
    with transaction.atomic():
        locked = TicketType.objects.select_for_update().get(pk=ticket_type.pk, event=event)
        # After the lock: a concurrent issue of the same reference has committed by now.
        existing = Order.objects.filter(event=event, idempotency_key=reference).first()
        if existing is not None:
            return existing
        quotas = _lock_quotas(ticket_type_ids=[locked.pk])
        _check_capacity(
            wanted=Counter({locked.pk: len(attendee_names)}), types={locked.pk: locked}, quotas=quotas, now=now
        )
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    event=event,
                    email=email,
                    language=language,
                    status=OrderStatus.PAID,
                    payment_method=PaymentMethod.FREE,
                    total_amount=ZERO,
                    currency=locked.currency,
                    paid_at=now,
                    idempotency_key=reference,
                )
        except IntegrityError:  # a backstop: the type's lock already serialises issues of one reference
            return Order.objects.get(event=event, idempotency_key=reference)
        Ticket.objects.bulk_create(
            Ticket(
                order=order,
                ticket_type=locked,
                attendee_name=name,
                list_price_amount=locked.price_amount,
                price_amount=ZERO,
                vat_rate=locked.vat_rate,
            )
            for name in attendee_names
        )
        hooks.order_paid(order=order)
    return order


def _payment_deadline(*, event: Event, method: str, now: dt.datetime) -> tuple[dt.datetime, dt.date | None]:
    """Until when an unpaid order holds its tickets (never past the start of the edition)."""
    if method == PaymentMethod.INVOICE:
        due = now + dt.timedelta(days=settings.INVOICE_PAYMENT_DAYS)
        expires_at = min(due, event.starts_at) if event.starts_at > now else due
        return expires_at, timezone.localdate(expires_at)
    return now + dt.timedelta(minutes=settings.ORDER_HOLD_MINUTES), None


def order_expire_due(*, now: dt.datetime | None = None) -> int:
    """Release every unpaid order past its deadline. Safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    count = 0
    due = Order.objects.filter(status=OrderStatus.PENDING, expires_at__lte=now).values_list("pk", flat=True)
    for order_id in list(due):
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id, status=OrderStatus.PENDING).first()
            if order is None or order.expires_at is None or order.expires_at > now:
                continue
            order.status = OrderStatus.EXPIRED
            order.save(update_fields=["status"])
            hooks.order_expired(order=order)
            count += 1
    return count


def order_refresh(*, order: Order, now: dt.datetime | None = None) -> Order:
    """The lazy check: an unpaid order past its deadline is expired when someone looks at it."""
    now = now or timezone.now()
    if order.status == OrderStatus.PENDING and order.expires_at is not None and order.expires_at <= now:
        order_expire_due(now=now)
        order.refresh_from_db()
    return order


def order_mark_paid(
    *,
    order: Order,
    amount: Decimal | None = None,
    provider: str = PaymentProvider.MANUAL,
    reference: str = "",
    user: Any = None,
    now: dt.datetime | None = None,
) -> Order:
    """Record a payment and issue the tickets. A payment for an order that already expired or was
    cancelled is recorded too, and the order is flagged for an organiser instead of being lost."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if reference and Payment.objects.filter(provider=provider, reference=reference).exists():
            return order
        Payment.objects.create(
            order=order,
            provider=provider,
            amount=order.total_amount if amount is None else amount,
            currency=order.currency,
            reference=reference,
            received_at=now,
            recorded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        )
        if order.status == OrderStatus.PAID:
            order.needs_attention = True
            order.attention_note += f"{now:%Y-%m-%d %H:%M} A second payment arrived ({reference or provider}).\n"
            order.save(update_fields=["needs_attention", "attention_note"])
            return order
        if order.status not in (OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL) and not _try_revive(
            order=order, now=now
        ):
            order.needs_attention = True
            order.attention_note += (
                f"{now:%Y-%m-%d %H:%M} Payment received for a {order.status} order whose tickets are no longer "
                f"held ({reference or provider}). Refund it or issue the tickets by hand.\n"
            )
            order.save(update_fields=["needs_attention", "attention_note"])
            return order
        order.status = OrderStatus.PAID
        order.paid_at = now
        order.expires_at = None
        order.save(update_fields=["status", "paid_at", "expires_at"])
        hooks.order_paid(order=order)
    return order


def _try_revive(*, order: Order, now: dt.datetime) -> bool:
    """An expired order paid late gets its tickets back if capacity still allows (locked)."""
    if order.status != OrderStatus.EXPIRED:
        return False
    wanted = Counter(order.tickets.filter(is_cancelled=False).values_list("ticket_type_id", flat=True))
    types = list(TicketType.objects.select_for_update().filter(pk__in=list(wanted)).order_by("pk"))
    quotas = _lock_quotas(ticket_type_ids=list(wanted))
    try:
        _check_capacity(wanted=wanted, types={t.pk: t for t in types}, quotas=quotas, now=now)
    except SoldOut:
        return False
    return True


def order_approve(*, order: Order, user: Any = None, now: dt.datetime | None = None) -> Order:
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("event").get(pk=order.pk)
        if order.status != OrderStatus.AWAITING_APPROVAL:
            raise InvalidOrderState(extra={"status": order.status})
        order.decided_at = now
        if order.total_amount == 0:
            order.status = OrderStatus.PAID
            order.paid_at = now
            order.save(update_fields=["status", "paid_at", "decided_at"])
            hooks.order_approved(order=order)
            hooks.order_paid(order=order)
        else:
            order.status = OrderStatus.PENDING
            order.expires_at, order.payment_due_on = _payment_deadline(
                event=order.event, method=order.payment_method, now=now
            )
            order.save(update_fields=["status", "decided_at", "expires_at", "payment_due_on"])
            hooks.order_approved(order=order)
    return order


def order_reject(*, order: Order, user: Any = None, now: dt.datetime | None = None) -> Order:
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.AWAITING_APPROVAL:
            raise InvalidOrderState(extra={"status": order.status})
        order.status = OrderStatus.CANCELLED
        order.decided_at = now
        order.cancelled_at = now
        order.save(update_fields=["status", "decided_at", "cancelled_at"])
        order.tickets.update(is_cancelled=True, cancelled_at=now)
        hooks.order_rejected(order=order)
    return order


def order_cancel(*, order: Order, user: Any = None, now: dt.datetime | None = None) -> Order:
    """Cancel an order and revoke its tickets. Money paid is returned through `refund_create`."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
            raise InvalidOrderState(extra={"status": order.status})
        was_paid = order.status == OrderStatus.PAID
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = now
        order.save(update_fields=["status", "cancelled_at"])
        order.tickets.update(is_cancelled=True, cancelled_at=now)
        hooks.order_cancelled(order=order, was_paid=was_paid)
    return order


def ticket_assign(*, ticket: Ticket, attendee_name: str, attendee_email: str, now: dt.datetime | None = None) -> Ticket:
    """Put a person's name and e-mail on a ticket of a paid order (e.g. an exhibitor's staff pass)
    and mail that one ticket to them once the change has committed. Rules as `ticket_rename`."""
    attendee_email = attendee_email.strip()
    with transaction.atomic():
        ticket = ticket_rename(ticket=ticket, attendee_name=attendee_name, now=now)
        if ticket.order.status != OrderStatus.PAID:
            raise InvalidOrderState(extra={"status": ticket.order.status})
        if ticket.attendee_email != attendee_email:
            ticket.attendee_email = attendee_email
            ticket.save(update_fields=["attendee_email", "updated_at"])
        if attendee_email:
            hooks.ticket_assigned(ticket=ticket)
    return ticket


def ticket_rename(*, ticket: Ticket, attendee_name: str, now: dt.datetime | None = None) -> Ticket:
    """Change the name on a ticket until the edition starts; the PDF is rendered again."""
    now = now or timezone.now()
    attendee_name = attendee_name.strip()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().select_related("order__event").get(pk=ticket.pk)
        if ticket.is_cancelled or ticket.order.status not in (
            OrderStatus.PAID,
            OrderStatus.PENDING,
            OrderStatus.AWAITING_APPROVAL,
        ):
            raise InvalidOrderState(extra={"status": ticket.order.status})
        if now >= ticket.order.event.starts_at:
            raise InvalidOrderState(extra={"reason": "The edition has started; names can no longer change."})
        if ticket.attendee_name != attendee_name:
            ticket.attendee_name = attendee_name
            ticket.save(update_fields=["attendee_name", "updated_at"])
            hooks.ticket_renamed(ticket=ticket)
    return ticket
