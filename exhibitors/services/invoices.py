"""The booth invoice, through the ticketing app's invoice machinery (same gap-free numbering,
PDF and XRechnung), linked to its booking by `BoothInvoice`.

A confirmed booking is invoiced once, net price plus 19 % VAT, or net with a reverse-charge note
for a business in another EU member state (`exhibitors.vat`). The buyer is the exhibitor's
company as it is at issue, with the booking's contact, Leitweg-ID and purchase-order number. A
correction is a cancellation invoice and a new invoice (`booking_invoice_reissue`); cancelling
the booking cancels its invoice. The invoice is mailed to the booking's contact once the
transaction that issued it has committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from config.tasks import enqueue_on_commit
from exhibitors import tasks
from exhibitors.enums import BookingStatus
from exhibitors.exceptions import BookingNotConfirmed
from exhibitors.models import BoothBooking, BoothInvoice
from exhibitors.selectors import booking_open_invoice, booking_reference
from exhibitors.vat import BoothVat, booth_vat
from programme.models import BERLIN
from ticketing.enums import PaymentMethod
from ticketing.models import Invoice
from ticketing.services.invoices import UNIT_PIECE, InvoiceLine, invoice_cancel, invoice_issue_for


def _lock(booking: BoothBooking) -> BoothBooking:
    return (
        BoothBooking.objects.select_for_update(of=("self",))
        .select_related("exhibitor", "event", "booth__hall")
        .get(pk=booking.pk)
    )


def _buyer(booking: BoothBooking, vat: BoothVat, *, issued_on: dt.date) -> dict[str, Any]:
    exhibitor = booking.exhibitor
    return {
        "name": booking.contact_name,
        "company": exhibitor.name,
        "street": exhibitor.street,
        "postcode": exhibitor.postcode,
        "city": exhibitor.city,
        "country": exhibitor.country,
        "email": booking.contact_email,
        "vat_id": vat.vat_id or exhibitor.vat_id,
        "leitweg_id": booking.leitweg_id,
        "po_number": booking.po_number,
        "reference": booking_reference(booking),
        "language": booking.language,
        "payment": {
            "method": PaymentMethod.INVOICE,
            "due_on": (issued_on + dt.timedelta(days=settings.INVOICE_PAYMENT_DAYS)).isoformat(),
            "paid_on": None,
        },
    }


def _lines(booking: BoothBooking, vat: BoothVat) -> list[InvoiceLine]:
    booth = booking.booth
    assert booth is not None and booking.price_amount is not None  # a confirmed booking has both
    event = booking.event
    with translation.override(booking.language):
        description = _("Booth %(number)s in %(hall)s: %(type)s, %(width)s × %(depth)s m = %(area)s m² – %(event)s") % {
            "number": booth.number,
            "hall": booth.hall.name,
            "type": booth.get_booth_type_display(),
            "width": number_format(booth.width.normalize()),
            "depth": number_format(booth.depth.normalize()),
            "area": number_format(booth.area.normalize()),
            "event": event.name,
        }
        if booth.package_price_amount is not None:
            description += " " + _("(package price)")
    return [
        InvoiceLine.from_net(
            description=description,
            quantity=1,
            unit_net=booking.price_amount,
            vat_rate=vat.rate,
            vat_category=vat.category,
            unit_code=UNIT_PIECE,
            service_from=event.start_on,
            service_to=event.end_on,
        )
    ]


def _issue_locked(booking: BoothBooking) -> Invoice:
    exhibitor = booking.exhibitor
    vat = booth_vat(country=exhibitor.country, vat_id=exhibitor.vat_id)
    issued_on = timezone.localdate(timezone.now(), BERLIN)
    invoice = invoice_issue_for(
        buyer=_buyer(booking, vat, issued_on=issued_on), lines=_lines(booking, vat), render=False
    )
    BoothInvoice.objects.create(invoice=invoice, booking=booking)
    enqueue_on_commit(tasks.send_booth_invoice, invoice.pk)
    return invoice


def booking_invoice_issue(*, booking: BoothBooking) -> Invoice:
    """Invoice a confirmed booking; if it has an invoice that is not cancelled, that one is returned
    (the booking row is locked, so two calls at once issue one)."""
    with transaction.atomic():
        locked = _lock(booking)
        if locked.status != BookingStatus.CONFIRMED:
            raise BookingNotConfirmed(extra={"booking": locked.pk, "status": locked.status})
        existing = booking_open_invoice(booking=locked)
        if existing is not None:
            return existing
        return _issue_locked(locked)


def booking_invoice_cancel(*, booking: BoothBooking) -> Invoice | None:
    """Cancel the booking's open invoice by a cancellation invoice (mailed like the invoice).
    None when there is nothing to cancel."""
    with transaction.atomic():
        locked = _lock(booking)
        invoice = booking_open_invoice(booking=locked)
        if invoice is None:
            return None
        cancellation = invoice_cancel(invoice=invoice, render=False)
        if cancellation is not None:
            BoothInvoice.objects.create(invoice=cancellation, booking=locked)
            enqueue_on_commit(tasks.send_booth_invoice, cancellation.pk)
        return cancellation


def booking_invoice_reissue(*, booking: BoothBooking) -> Invoice:
    """Correct the invoice after the company's data changed: a cancellation invoice for the old one
    and a new invoice with the data as it is now (an invoice is never edited)."""
    with transaction.atomic():
        locked = _lock(booking)
        if locked.status != BookingStatus.CONFIRMED:
            raise BookingNotConfirmed(extra={"booking": locked.pk, "status": locked.status})
        booking_invoice_cancel(booking=locked)
        return _issue_locked(locked)


def booking_mark_paid(*, booking: BoothBooking, now: dt.datetime | None = None) -> BoothBooking:
    """Record that the booth invoice was paid (a bank transfer the organisers saw). Twice keeps the
    first date."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(booking)
        if locked.status != BookingStatus.CONFIRMED or booking_open_invoice(booking=locked) is None:
            raise BookingNotConfirmed(extra={"booking": locked.pk, "status": locked.status})
        if locked.paid_at is None:
            locked.paid_at = now
            locked.save(update_fields=["paid_at"])
    return locked
