"""Exhibitors and their booth bookings: prices, passes, applications, confirmation, cancellation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from exhibitors.enums import BookingStatus, BoothStatus
from exhibitors.exceptions import (
    BookingNotApplied,
    BookingWrongEdition,
    BoothTaken,
    BoothUnavailable,
)
from exhibitors.models import (
    DEFAULT_PRICE_PER_SQM,
    RESERVED_EXHIBITOR_SLUGS,
    Booth,
    BoothBooking,
    BoothRate,
    Exhibitor,
    ExhibitorDevice,
)
from exhibitors.selectors import pass_type, passes_reference
from exhibitors.services.invoices import booking_invoice_cancel, booking_invoice_issue
from programme.models import Event
from ticketing.enums import DeviceKind, OrderStatus
from ticketing.models import Device, Order
from ticketing.money import quantize
from ticketing.services.checkin import device_create
from ticketing.services.orders import order_cancel, order_issue_complimentary

PASSES_BASE = 3
PASSES_BASE_AREA = Decimal("20")
PASSES_STEP_AREA = Decimal("10")


# Prices and passes -----------------------------------------------------------------------------


def booth_rates(*, event: Event) -> dict[str, Decimal]:
    """Net price per m² by booth type for an edition: its `BoothRate`s over the defaults."""
    rates = {str(kind): price for kind, price in DEFAULT_PRICE_PER_SQM.items()}
    rates.update(BoothRate.objects.filter(event=event).values_list("booth_type", "price_per_sqm_amount"))
    return rates


def booth_price(*, booth: Booth, rates: dict[str, Decimal] | None = None) -> Decimal:
    """The booth's net price: its package price, else its area times the rate of its type."""
    if booth.package_price_amount is not None:
        return quantize(booth.package_price_amount)
    if rates is None:
        rates = booth_rates(event=booth.event)
    return quantize(booth.area * rates[booth.booth_type])


def passes_included(*, area: Decimal) -> int:
    """Exhibitor passes a booth of `area` m² includes: 3 up to 20 m², one more per full further 10 m²."""
    if area <= PASSES_BASE_AREA:
        return PASSES_BASE
    return PASSES_BASE + int((area - PASSES_BASE_AREA) // PASSES_STEP_AREA)


# Exhibitors and bookings -----------------------------------------------------------------------


def _unique_slug(*, event: Event, name: str) -> str:
    base = (slugify(name) or "exhibitor")[:70]
    if base in RESERVED_EXHIBITOR_SLUGS:
        base = f"{base}-exhibitor"
    slug, n = base, 1
    while Exhibitor.objects.filter(event=event, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@dataclass(frozen=True)
class Company:
    name: str
    email: str = ""
    phone: str = ""
    website: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DE"
    vat_id: str = ""
    description_de: str = ""
    description_en: str = ""


def exhibitor_create(*, event: Event, company: Company, categories: Any = ()) -> Exhibitor:
    with transaction.atomic():
        exhibitor = Exhibitor(
            event=event,
            slug=_unique_slug(event=event, name=company.name),
            name=company.name,
            email=company.email,
            phone=company.phone,
            website=company.website,
            street=company.street,
            postcode=company.postcode,
            city=company.city,
            country=company.country.upper(),
            vat_id=company.vat_id.replace(" ", "").upper(),
            description_de=company.description_de,
            description_en=company.description_en,
        )
        exhibitor.full_clean()
        exhibitor.save()
        if categories:
            exhibitor.categories.set(categories)
    return exhibitor


def booking_apply(
    *,
    exhibitor: Exhibitor,
    wished_booth_type: str,
    wished_width: Decimal,
    wished_depth: Decimal,
    contact_name: str,
    contact_email: str,
    co_exhibitors: str = "",
    message: str = "",
    leitweg_id: str = "",
    po_number: str = "",
    language: str = "de",
) -> BoothBooking:
    """An exhibitor's application for a booth of a wished type and size (status applied)."""
    booking = BoothBooking(
        event_id=exhibitor.event_id,
        exhibitor=exhibitor,
        wished_booth_type=wished_booth_type,
        wished_width=wished_width,
        wished_depth=wished_depth,
        contact_name=contact_name,
        contact_email=contact_email,
        co_exhibitors=co_exhibitors.strip(),
        message=message.strip(),
        leitweg_id=leitweg_id.strip(),
        po_number=po_number.strip(),
        language=(language or "de")[:8],
    )
    booking.full_clean()
    with transaction.atomic():
        booking.save()
    return booking


def application_submit(*, event: Event, company: Company, categories: Any = (), **booking: Any) -> BoothBooking:
    """The web form: a new exhibitor and its application, in one transaction."""
    with transaction.atomic():
        exhibitor = exhibitor_create(event=event, company=company, categories=categories)
        return booking_apply(exhibitor=exhibitor, **booking)


def booking_confirm(
    *,
    booking: BoothBooking,
    booth: Booth,
    user: Any = None,
    now: dt.datetime | None = None,
    issue_passes: bool = True,
    issue_invoice: bool = True,
) -> BoothBooking:
    """Confirm an application onto a booth. The booth's row is locked first (then the booking's), and
    the booth's bookings are re-checked under the lock; the partial unique constraint backs it.
    A booth already booked raises `BoothTaken` (409 `booth_taken`). The passes the booth includes and
    the booth invoice are issued in the same transaction (`booking_passes_issue`,
    `booking_invoice_issue`) unless `issue_passes` / `issue_invoice` is off."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_booth = Booth.objects.select_for_update().select_related("event").get(pk=booth.pk)
        locked = BoothBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != BookingStatus.APPLIED:
            raise BookingNotApplied(extra={"booking": locked.pk, "status": locked.status})
        if locked_booth.event_id != locked.event_id:
            raise BookingWrongEdition(extra={"booth": locked_booth.number})
        if locked_booth.status == BoothStatus.BLOCKED:
            raise BoothUnavailable(extra={"booth": locked_booth.number})
        if (
            locked_booth.status == BoothStatus.BOOKED
            or BoothBooking.objects.confirmed().filter(booth=locked_booth).exists()
        ):
            raise BoothTaken(extra={"booth": locked_booth.number})
        locked.status = BookingStatus.CONFIRMED
        locked.booth = locked_booth
        locked.price_amount = booth_price(booth=locked_booth)
        locked.passes_included = passes_included(area=locked_booth.area)
        locked.confirmed_at = now
        locked.confirmed_by = user if getattr(user, "pk", None) else None
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:  # only without the lock (never expected): the constraint decides
            raise BoothTaken(extra={"booth": locked_booth.number}) from exc
        locked_booth.status = BoothStatus.BOOKED
        locked_booth.save(update_fields=["status", "updated_at"])
        Exhibitor.objects.filter(pk=locked.exhibitor_id).update(is_public=True, updated_at=now)
        if issue_passes:
            booking_passes_issue(booking=locked, now=now)
        if issue_invoice:
            booking_invoice_issue(booking=locked)
    return locked


def booking_passes_issue(*, booking: BoothBooking, now: dt.datetime | None = None) -> Order | None:
    """The staff passes a confirmed booking includes, as real tickets of the edition's exhibitor-pass
    type (same PDF, QR code and check-in as any ticket), in one free order mailed to the booking's
    contact; its secret link lets the exhibitor put names on the passes. Once per booking; None when
    the edition has no exhibitor-pass type or the booking includes no passes."""
    if booking.status != BookingStatus.CONFIRMED or not booking.passes_included:
        return None
    ticket_type = pass_type(event_id=booking.event_id)
    if ticket_type is None:
        return None
    exhibitor = booking.exhibitor
    return order_issue_complimentary(
        event=exhibitor.event,
        ticket_type=ticket_type,
        email=booking.contact_email,
        attendee_names=[f"{exhibitor.name} – Standpersonal {n}" for n in range(1, booking.passes_included + 1)],
        reference=passes_reference(booking),
        now=now,
    )


def booking_cancel(*, booking: BoothBooking, user: Any = None, now: dt.datetime | None = None) -> BoothBooking:
    """Cancel an application or a confirmed booking. A confirmed one frees its booth, its invoice is
    cancelled by a cancellation invoice and its staff passes are revoked. Twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        booth_id = BoothBooking.objects.filter(pk=booking.pk).values_list("booth_id", flat=True).get()
        booth = Booth.objects.select_for_update().get(pk=booth_id) if booth_id else None  # booth first, as confirm
        locked = BoothBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == BookingStatus.CANCELLED:
            return locked
        was_confirmed = locked.status == BookingStatus.CONFIRMED
        locked.status = BookingStatus.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        if was_confirmed and booth is not None and booth.status == BoothStatus.BOOKED:
            booth.status = BoothStatus.AVAILABLE
            booth.save(update_fields=["status", "updated_at"])
        if was_confirmed:
            booking_invoice_cancel(booking=locked)
            passes = Order.objects.filter(
                event_id=locked.event_id, idempotency_key=passes_reference(locked), status=OrderStatus.PAID
            ).first()
            if passes is not None:
                order_cancel(order=passes, user=user, now=now)
    return locked


def lead_device_create(
    *, exhibitor: Exhibitor, name: str, language: str = "de", user: Any = None
) -> tuple[Device, str]:
    """A lead scanner for `exhibitor` (a `ticketing.Device` of kind leads) and its token (shown once)."""
    with transaction.atomic():
        device, token = device_create(
            event=exhibitor.event, name=name, kind=DeviceKind.LEADS, language=language, user=user
        )
        ExhibitorDevice.objects.create(device=device, exhibitor=exhibitor)
    return device, token


def booth_block(*, booth: Booth) -> Booth:
    """Take a free booth off the market (e.g. a fire lane); a booked booth stays booked."""
    with transaction.atomic():
        locked = Booth.objects.select_for_update().get(pk=booth.pk)
        if locked.status == BoothStatus.BOOKED:
            raise BoothTaken(extra={"booth": locked.number})
        if locked.status != BoothStatus.BLOCKED:
            locked.status = BoothStatus.BLOCKED
            locked.save(update_fields=["status", "updated_at"])
    return locked


def booth_unblock(*, booth: Booth) -> Booth:
    with transaction.atomic():
        locked = Booth.objects.select_for_update().get(pk=booth.pk)
        if locked.status == BoothStatus.BLOCKED:
            locked.status = BoothStatus.AVAILABLE
            locked.save(update_fields=["status", "updated_at"])
    return locked
