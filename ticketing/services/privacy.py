"""A person's data (GDPR): the export (Art. 15/20), the erasure (Art. 17) and the anonymisation of
every attendee some time after an edition (`ANONYMISE_AFTER_DAYS`). docs/privacy.md.

A person is found by e-mail address: the orders they placed, and the tickets they bought or hold
(a ticket's attendee e-mail). Erasing keeps what the law requires and the statistics need:
invoices stay exactly as issued (8 years, §147 AO, §14b UStG; their PDFs, XRechnung and buyer
data are the issued documents), and so do payments, refunds and check-ins, which then point to
an order and tickets without a name or an e-mail. Leads about the tickets are deleted (the
exhibitors app listens to `personal_data_erased`).
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.exceptions import ApplicationError
from programme.models import Event
from ticketing.enums import OrderStatus
from ticketing.models import (
    AgendaFeed,
    AgendaStar,
    AuditEntry,
    Invoice,
    Order,
    StripeEvent,
    Ticket,
    WaitingListEntry,
)
from ticketing.signals import personal_data_erased, personal_data_exported

ANONYMOUS_NAME = "—"
INVOICE_RETENTION_YEARS = 8
# Fields whose values the audit trail must not keep once their person is erased.
PERSONAL_FIELDS = {
    "email",
    "attendee_name",
    "attendee_email",
    "billing_name",
    "billing_company",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "vat_id",
    "attention_note",
}
# What of a Stripe event is kept once its order is anonymised: the payment facts, not the payer.
STRIPE_KEPT_KEYS = {"id", "object", "amount_total", "amount", "currency", "payment_intent", "payment_status", "status"}


class ErasureBlocked(ApplicationError):
    code = "erasure_blocked"
    http_status = 409
    default_message = _(
        "This person holds tickets for an edition that has not ended yet: cancel those orders first, or erase "
        "after the edition."
    )


def _orders_of(email: str) -> QuerySet[Order]:
    return Order.objects.filter(email__iexact=email.strip())


def _tickets_of(email: str) -> QuerySet[Ticket]:
    email = email.strip()
    return Ticket.objects.filter(Q(attendee_email__iexact=email) | Q(order__email__iexact=email))


# --- export ------------------------------------------------------------------------------------


def personal_data_export(*, email: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything kept about the person with this e-mail address, as JSON-ready data."""
    now = now or timezone.now()
    orders = list(
        _orders_of(email)
        .select_related("event")
        .prefetch_related("invoices", "payments", "refunds")
        .order_by("created_at")
    )
    tickets = list(
        _tickets_of(email)
        .select_related("order__event", "ticket_type")
        .prefetch_related(
            "checkins__checkin_list", "seat_bookings__session", "waiting_list_entries__session", "agenda_stars__session"
        )
        .order_by("pk")
    )
    ticket_ids = [t.pk for t in tickets]
    extra: dict[str, Any] = {}
    for _receiver, sections in personal_data_exported.send(sender=Ticket, ticket_ids=ticket_ids):
        if isinstance(sections, dict):
            extra.update(sections)
    return {
        "email": email.strip(),
        "exported_at": now.isoformat(),
        "orders": [_order_data(order) for order in orders],
        "tickets": [_ticket_data(ticket) for ticket in tickets],
        **extra,
    }


def _order_data(order: Order) -> dict[str, Any]:
    return {
        "code": order.code,
        "edition": order.event.slug,
        "status": order.status,
        "placed_at": order.created_at.isoformat(),
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        "payment_method": order.payment_method,
        "total": str(order.total_amount),
        "currency": order.currency,
        "language": order.language,
        "billing": {
            "name": order.billing_name,
            "company": order.billing_company,
            "street": order.billing_street,
            "postcode": order.billing_postcode,
            "city": order.billing_city,
            "country": order.billing_country,
            "vat_id": order.vat_id,
            "leitweg_id": order.leitweg_id,
            "po_number": order.po_number,
        },
        "invoices": [
            {
                "number": invoice.number,
                "kind": invoice.kind,
                "issued_on": invoice.issued_on.isoformat(),
                "gross": str(invoice.gross_amount),
                "buyer": invoice.buyer,
                "kept_until": _kept_until(invoice).isoformat(),
            }
            for invoice in order.invoices.all()
        ],
        "payments": [
            {
                "provider": p.provider,
                "amount": str(p.amount),
                "currency": p.currency,
                "received_at": p.received_at.isoformat(),
            }
            for p in order.payments.all()
        ],
        "refunds": [
            {
                "amount": str(r.amount),
                "currency": r.currency,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in order.refunds.all()
        ],
        "anonymised_at": order.anonymised_at.isoformat() if order.anonymised_at else None,
    }


def _ticket_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "order": ticket.order.code,
        "edition": ticket.order.event.slug,
        "ticket_type": str(ticket.ticket_type),
        "attendee_name": ticket.attendee_name,
        "attendee_email": ticket.attendee_email,
        "cancelled": ticket.is_cancelled,
        "check_ins": [
            {
                "at": c.scanned_at.isoformat(),
                "direction": c.direction,
                "result": c.result,
                "list": str(c.checkin_list) if c.checkin_list else None,
                "offline": c.is_offline,
            }
            for c in ticket.checkins.all()
        ],
        "seats": [
            {
                "session": s.session.title,
                "booked_at": s.booked_at.isoformat(),
                "cancelled_at": s.cancelled_at.isoformat() if s.cancelled_at else None,
            }
            for s in ticket.seat_bookings.all()
        ],
        "waiting_lists": [
            {"session": w.session.title, "joined_at": w.joined_at.isoformat()}
            for w in ticket.waiting_list_entries.all()
        ],
        "starred_sessions": [s.session.title for s in ticket.agenda_stars.all()],
        "anonymised_at": ticket.anonymised_at.isoformat() if ticket.anonymised_at else None,
    }


def _kept_until(invoice: Invoice) -> dt.date:
    """Invoices are kept for 8 years from the end of the year they were issued in."""
    return dt.date(invoice.issued_on.year + INVOICE_RETENTION_YEARS, 12, 31)


# --- erasure -----------------------------------------------------------------------------------


@dataclass
class Erasure:
    orders: list[str] = field(default_factory=list)  # codes
    tickets: int = 0
    invoices_kept: list[str] = field(default_factory=list)  # numbers, kept as issued


def personal_data_erase(*, email: str, now: dt.datetime | None = None) -> Erasure:
    """Anonymise the orders this person placed and the tickets they bought or hold. Refused while
    one of those tickets is for an edition that has not ended (the ticket is still needed)."""
    now = now or timezone.now()
    tickets = _tickets_of(email).filter(anonymised_at__isnull=True)
    upcoming = tickets.filter(is_cancelled=False, order__event__end_on__gte=timezone.localdate(now))
    upcoming = upcoming.exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.EXPIRED])
    if upcoming.exists():
        codes = sorted(set(upcoming.values_list("order__code", flat=True)))
        raise ErasureBlocked(extra={"orders": codes})
    return _anonymise(orders=_orders_of(email).filter(anonymised_at__isnull=True), tickets=tickets, now=now)


def anonymise_ended_editions(
    *, after_days: int, now: dt.datetime | None = None, dry_run: bool = False
) -> dict[str, Erasure]:
    """Anonymise every buyer and attendee of the editions that ended more than `after_days` ago
    (safe to run daily: what is anonymised is not touched again)."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - dt.timedelta(days=after_days)
    done: dict[str, Erasure] = {}
    for event in Event.objects.filter(end_on__lt=cutoff).order_by("start_on"):
        orders = Order.objects.filter(event=event, anonymised_at__isnull=True)
        tickets = Ticket.objects.filter(order__event=event, anonymised_at__isnull=True)
        if dry_run:
            done[event.slug] = Erasure(orders=list(orders.values_list("code", flat=True)), tickets=tickets.count())
        elif orders.exists() or tickets.exists():
            done[event.slug] = _anonymise(orders=orders, tickets=tickets, now=now)
    return done


def _anonymise(*, orders: QuerySet[Order], tickets: QuerySet[Ticket], now: dt.datetime) -> Erasure:
    from ticketing.audit import record_anonymised

    with transaction.atomic():
        order_list = list(orders.select_for_update())
        ticket_ids = list(tickets.values_list("pk", flat=True))
        order_ids = [o.pk for o in order_list]
        result = Erasure(orders=[o.code for o in order_list], tickets=len(ticket_ids))
        result.invoices_kept = list(Invoice.objects.filter(order_id__in=order_ids).values_list("number", flat=True))
        # Updates, not saves: the trail must not copy the values being erased into its entries.
        Ticket.objects.filter(pk__in=ticket_ids).update(
            attendee_name=ANONYMOUS_NAME, attendee_email="", anonymised_at=now
        )
        AgendaFeed.objects.filter(ticket_id__in=ticket_ids).delete()
        AgendaStar.objects.filter(ticket_id__in=ticket_ids).delete()
        WaitingListEntry.objects.filter(ticket_id__in=ticket_ids).delete()
        # Check-ins and seat bookings stay (the edition's figures); they hold no name or e-mail.
        for order in order_list:
            if order.tickets_pdf:  # it prints the names; removed once the erasure is committed
                transaction.on_commit(partial(order.tickets_pdf.storage.delete, str(order.tickets_pdf.name)))
        Order.objects.filter(pk__in=order_ids).update(
            email="",
            billing_name="",
            billing_company="",
            billing_street="",
            billing_postcode="",
            billing_city="",
            vat_id="",
            attention_note="",
            tickets_pdf="",
            anonymised_at=now,
        )
        _scrub_stripe_events(order_ids)
        _scrub_audit_trail(order_ids, ticket_ids)
        personal_data_erased.send(sender=Ticket, ticket_ids=ticket_ids)
        for order in Order.objects.filter(pk__in=order_ids):
            record_anonymised(order, order_id=order.pk)
        for ticket in Ticket.objects.filter(pk__in=ticket_ids).exclude(order_id__in=order_ids):
            record_anonymised(ticket, order_id=ticket.order_id)
    return result


def _scrub_stripe_events(order_ids: list[int]) -> None:
    for stripe_event in StripeEvent.objects.filter(order_id__in=order_ids):
        obj = stripe_event.payload.get("data", {}).get("object", {})
        kept = {key: value for key, value in obj.items() if key in STRIPE_KEPT_KEYS}
        stripe_event.payload = {
            "id": stripe_event.payload.get("id"),
            "type": stripe_event.type,
            "data": {"object": kept},
            "anonymised": True,
        }
        stripe_event.save(update_fields=["payload"])


def _scrub_audit_trail(order_ids: list[int], ticket_ids: list[int]) -> None:
    ticket_type = ContentType.objects.get_for_model(Ticket)
    entries = AuditEntry.objects.filter(
        Q(order_id__in=order_ids) | Q(content_type=ticket_type, object_id__in=[str(pk) for pk in ticket_ids])
    )
    for entry in entries:
        changes = {
            name: [None if v in (None, "") else "(anonymised)" for v in values] if name in PERSONAL_FIELDS else values
            for name, values in entry.changes.items()
        }
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes=changes, object_repr=f"{entry.content_type.model} {entry.object_id}"
        )
