"""Reads of the exhibitors app, with the related rows their callers need."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from exhibitors.enums import BookingStatus
from exhibitors.exceptions import ExhibitorNotFound
from exhibitors.models import (
    Booth,
    BoothBooking,
    Exhibitor,
    ExhibitorCategory,
    ExhibitorDevice,
    ExhibitorStaff,
    Lead,
    LeadConsent,
)
from programme.models import BERLIN, Event, Hall
from ticketing.enums import DeviceKind, InvoiceKind, OrderStatus, TicketCategory
from ticketing.models import Device, Invoice, Order, Ticket, TicketType

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _confirmed_bookings(
    *, with_exhibitor: bool = False, with_booth: bool = False, with_categories: bool = False
) -> Prefetch[Any]:
    queryset = BoothBooking.objects.filter(status=BookingStatus.CONFIRMED)
    if with_exhibitor:
        queryset = queryset.select_related("exhibitor")
    if with_categories:
        queryset = queryset.prefetch_related(
            Prefetch("exhibitor__categories", queryset=ExhibitorCategory.objects.order_by("position", "pk"))
        )
    if with_booth:
        queryset = queryset.select_related("booth__hall")
    return Prefetch("bookings", queryset=queryset, to_attr="confirmed_bookings")


def exhibitor_list(
    *, event: Event, q: str | None = None, category: str | None = None, hall: int | None = None
) -> QuerySet[Exhibitor]:
    """Public exhibitors of an edition by name, with categories and booked booths (`confirmed_bookings`)."""
    exhibitors = Exhibitor.objects.public().filter(event=event)
    if q:
        exhibitors = exhibitors.filter(
            Q(name__icontains=q) | Q(description_de__icontains=q) | Q(description_en__icontains=q)
        )
    if category:
        exhibitors = exhibitors.filter(categories__slug=category)
    if hall:
        exhibitors = exhibitors.filter(bookings__status=BookingStatus.CONFIRMED, bookings__booth__hall_id=hall)
    return (
        exhibitors.distinct()
        .select_related("event")
        .prefetch_related("categories", _confirmed_bookings(with_booth=True))
        .order_by("name", "pk")
    )


def exhibitor_get_public(*, event: Event, slug: str) -> Exhibitor:
    exhibitor = (
        Exhibitor.objects.public()
        .filter(event=event, slug=slug)
        .select_related("event")
        .prefetch_related("categories", _confirmed_bookings(with_booth=True), "contacts")
        .first()
    )
    if exhibitor is None:
        raise ExhibitorNotFound(extra={"exhibitor": slug})
    return exhibitor


def booth_list(*, event: Event, hall: int | None = None, with_categories: bool = False) -> QuerySet[Booth]:
    """An edition's booths with their hall and their confirmed booking's exhibitor (`confirmed_bookings`;
    with `with_categories`, the exhibitor's categories too, by position)."""
    booths = Booth.objects.filter(event=event)
    if hall:
        booths = booths.filter(hall_id=hall)
    return (
        booths.select_related("hall", "event")
        .prefetch_related(_confirmed_bookings(with_exhibitor=True, with_categories=with_categories))
        .order_by("hall__level", "hall__name", "number")
    )


def booth_exhibitor(booth: Booth) -> Exhibitor | None:
    """The exhibitor of a booth from `booth_list` (prefetched)."""
    bookings = getattr(booth, "confirmed_bookings", None)
    if bookings is None:
        booking = BoothBooking.objects.confirmed().filter(booth=booth).select_related("exhibitor").first()
        return booking.exhibitor if booking else None
    return bookings[0].exhibitor if bookings else None


def event_halls(*, event: Event) -> QuerySet[Hall]:
    """Halls of the edition's venue that have booths of this edition."""
    return Hall.objects.filter(booths__event=event).distinct().order_by("level", "name")


@dataclass
class HallPlan:
    hall: Hall
    booths: list[Booth] = field(default_factory=list)
    width: Decimal = Decimal("0")
    height: Decimal = Decimal("0")


def floorplan(*, event: Event, with_categories: bool = False) -> list[HallPlan]:
    """Per hall: its booths (with exhibitors, and their categories if asked) and the extent of the
    plan in metres."""
    plans: dict[int, HallPlan] = {}
    for booth in booth_list(event=event, with_categories=with_categories):
        plan = plans.setdefault(booth.hall_id, HallPlan(hall=booth.hall))
        plan.booths.append(booth)
        plan.width = max(plan.width, booth.x + booth.width)
        plan.height = max(plan.height, booth.y + booth.depth)
    return list(plans.values())


# Who is calling: the exhibitor behind a lead device or a staff login --------------------------


def exhibitor_for_device(*, device: Device) -> Exhibitor | None:
    """The exhibitor a lead device belongs to (None for door devices and unlinked ones)."""
    if device.kind != DeviceKind.LEADS:
        return None
    link = ExhibitorDevice.objects.select_related("exhibitor__event").filter(device_id=device.pk).first()
    if link is None or link.exhibitor.event_id != device.event_id:
        return None
    return link.exhibitor


def exhibitors_for_user(*, user: Any, event: Event) -> list[Exhibitor]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        staff.exhibitor
        for staff in ExhibitorStaff.objects.filter(user=user, exhibitor__event=event)
        .select_related("exhibitor__event")
        .order_by("exhibitor__name", "exhibitor__pk")
    ]


# Leads -----------------------------------------------------------------------------------------


def lead_list(*, exhibitor: Exhibitor) -> QuerySet[Lead]:
    """Only this exhibitor's leads, newest scan first."""
    return (
        Lead.objects.of_exhibitor(exhibitor).select_related("ticket__ticket_type").order_by("-last_scanned_at", "-pk")
    )


def lead_get(*, exhibitor: Exhibitor, lead_id: int) -> Lead | None:
    return lead_list(exhibitor=exhibitor).filter(pk=lead_id).first()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Excel runs a cell starting with = + - @ as a formula: such text is quoted as text.
    return f"'{text}" if text.startswith(CSV_FORMULA_START) else text


LEAD_CSV_HEADER = [
    "id",
    "first_scanned_at",
    "last_scanned_at",
    "scans",
    "consent",
    "name",
    "email",
    "company",
    "ticket_type",
    "rating",
    "tags",
    "notes",
]


def leads_csv(*, exhibitor: Exhibitor) -> str:
    """The exhibitor's leads as CSV for Excel: UTF-8 with BOM, `;`-separated (Excel's German
    default), CRLF; contact fields only where the attendee consented."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(LEAD_CSV_HEADER)
    for lead in lead_list(exhibitor=exhibitor):
        writer.writerow(
            [
                lead.pk,
                timezone.localtime(lead.first_scanned_at, BERLIN).strftime("%Y-%m-%d %H:%M:%S"),
                timezone.localtime(lead.last_scanned_at, BERLIN).strftime("%Y-%m-%d %H:%M:%S"),
                lead.scan_count,
                "yes" if lead.has_consent else "no",
                _cell(lead.contact_name if lead.has_consent else ""),
                _cell(lead.contact_email if lead.has_consent else ""),
                _cell(lead.contact_company if lead.has_consent else ""),
                _cell(lead.ticket.ticket_type.name),
                lead.rating or "",
                _cell(", ".join(lead.tags or [])),
                _cell(lead.notes),
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class TicketLeads:
    """What an attendee sees of one ticket: the opt-in and which exhibitors scanned the badge."""

    ticket: Ticket
    consent: LeadConsent | None
    leads: list[Lead]

    @property
    def has_consent(self) -> bool:
        return self.consent is not None and self.consent.withdrawn_at is None


def order_ticket_leads(*, order: Order) -> list[TicketLeads]:
    """Per valid ticket of the order: its lead consent and the leads about it (all exhibitors)."""
    tickets = list(order.tickets.filter(is_cancelled=False).select_related("ticket_type").order_by("pk"))
    consents = {c.ticket_id: c for c in LeadConsent.objects.filter(ticket__in=tickets)}
    leads: dict[int, list[Lead]] = {}
    for lead in Lead.objects.filter(ticket__in=tickets).select_related("exhibitor").order_by("first_scanned_at"):
        leads.setdefault(lead.ticket_id, []).append(lead)
    return [TicketLeads(ticket=t, consent=consents.get(t.pk), leads=leads.get(t.pk, [])) for t in tickets]


def passes_reference(booking: BoothBooking) -> str:
    """The idempotency key of the order holding a booking's included passes."""
    return f"exhibitor-passes-{booking.pk}"


def pass_type(*, event_id: int) -> TicketType | None:
    """The edition's exhibitor-pass ticket type: included passes are issued free of it, extra
    passes are sold at its price."""
    return (
        TicketType.objects.filter(event_id=event_id, category=TicketCategory.EXHIBITOR_PASS, is_active=True)
        .order_by("position", "pk")
        .first()
    )


def exhibitor_pass_orders(*, exhibitor: Exhibitor) -> list[Order]:
    """The orders holding the exhibitor's staff passes, oldest first, with their tickets: those its
    confirmed bookings include and the extra ones it bought."""
    keys = [
        passes_reference(booking) for booking in BoothBooking.objects.confirmed().filter(exhibitor=exhibitor).only("pk")
    ]
    return list(
        Order.objects.filter(event_id=exhibitor.event_id)
        .filter(Q(idempotency_key__in=keys) | Q(exhibitor_link__exhibitor=exhibitor))
        .select_related("event")
        .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.select_related("ticket_type").order_by("pk")))
        .order_by("pk")
    )


def exhibitor_pass_ticket(*, exhibitor: Exhibitor, ticket_id: int) -> Ticket | None:
    """One valid pass of the exhibitor's (None for anyone else's ticket)."""
    orders = [order.pk for order in exhibitor_pass_orders(exhibitor=exhibitor) if order.status == OrderStatus.PAID]
    return (
        Ticket.objects.filter(pk=ticket_id, order_id__in=orders, is_cancelled=False)
        .select_related("order__event", "ticket_type")
        .first()
    )


def exhibitor_bookings(*, exhibitor: Exhibitor) -> list[BoothBooking]:
    """The exhibitor's bookings, newest first, with booth, hall, invoices (`invoice_list`) and
    `reference`."""
    bookings = list(
        BoothBooking.objects.filter(exhibitor=exhibitor).select_related("booth__hall").order_by("-applied_at", "-pk")
    )
    invoices: dict[int, list[Invoice]] = {}
    for invoice in (
        Invoice.objects.filter(booth_link__booking__in=bookings)
        .select_related("booth_link")
        .prefetch_related("cancelled_by")
        .order_by("year", "sequence")
    ):
        invoices.setdefault(invoice.booth_link.booking_id, []).append(invoice)
    for booking in bookings:
        booking.invoice_list = invoices.get(booking.pk, [])  # type: ignore[attr-defined]
        booking.reference = booking_reference(booking)  # type: ignore[attr-defined]
    return bookings


def booking_reference(booking: BoothBooking) -> str:
    """The number the exhibitor quotes for a booking (on its invoice, in mails)."""
    return f"B-{booking.pk:06d}"


def booking_invoices(*, booking: BoothBooking) -> list[Invoice]:
    """The booking's invoices and cancellation invoices, oldest first."""
    return list(
        Invoice.objects.filter(booth_link__booking=booking)
        .select_related("cancels")
        .prefetch_related("cancelled_by")
        .order_by("year", "sequence")
    )


def booking_open_invoice(*, booking: BoothBooking) -> Invoice | None:
    """The booking's invoice that no cancellation invoice cancels, if any."""
    return (
        Invoice.objects.filter(booth_link__booking=booking, kind=InvoiceKind.INVOICE, cancelled_by__isnull=True)
        .order_by("-year", "-sequence")
        .first()
    )


def booth_invoice_get(*, exhibitor: Exhibitor, invoice_id: int) -> Invoice | None:
    """One of the exhibitor's booth invoices (None for anyone else's)."""
    return (
        Invoice.objects.filter(pk=invoice_id, booth_link__booking__exhibitor=exhibitor)
        .select_related("booth_link__booking")
        .first()
    )
