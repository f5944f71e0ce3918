"""E-mails to exhibitors: the booth invoice and its cancellation, with the PDF (and the XRechnung
for a public buyer) attached. Built by the ticket shop's `mail_build`, so they look the same;
nothing here swallows errors (the task fails and is retried; a mail never lacks its PDF)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from exhibitors.models import BoothBooking
from exhibitors.selectors import booking_reference
from programme.models import BERLIN
from ticketing.enums import InvoiceKind
from ticketing.models import Invoice
from ticketing.services import invoices as invoice_service
from ticketing.services.mail import BRAND_COLOUR, Attachment, BankTransfer, format_money, mail_build

logger = logging.getLogger(__name__)

TEMPLATE = "exhibitors/email/booth_invoice"
XML = "application/xml"


def portal_url(booking: BoothBooking) -> str:
    return settings.SITE_URL + reverse("exhibitors:portal", kwargs={"event": booking.event.slug})


def _language(code: str) -> str:
    try:
        return translation.get_supported_language_variant((code or settings.LANGUAGE_CODE).lower())
    except LookupError:
        return settings.LANGUAGE_CODE


def booth_invoice_send(*, invoice: Invoice) -> None:
    """Mail a booth invoice (or cancellation invoice) to its booking's contact."""
    booking = invoice.booth_link.booking
    event = booking.event
    language = _language(invoice.buyer.get("language", ""))
    payment = invoice.buyer.get("payment") or {}
    seller = settings.SELLER
    with translation.override(language), timezone.override(BERLIN):
        amount = format_money(abs(invoice.gross_amount), invoice.currency)
        attachments = [Attachment(f"invoice-{invoice.number}.pdf", invoice_service.invoice_pdf(invoice=invoice))]
        if xml := invoice_service.invoice_xrechnung(invoice=invoice):
            attachments.append(Attachment(f"invoice-{invoice.number}.xml", xml, XML))
        due_on = payment.get("due_on")
        context = {
            "language": language,
            "brand_colour": BRAND_COLOUR,
            "event": event,
            "venue": event.venue,
            "seller": seller,
            "booking": booking,
            "exhibitor": booking.exhibitor,
            "reference": booking_reference(booking),
            "invoice": invoice,
            "is_cancellation": invoice.kind == InvoiceKind.CANCELLATION,
            "amount": amount,
            "portal_url": portal_url(booking),
            "bank": BankTransfer(
                amount=amount,
                due_on=dt.date.fromisoformat(due_on) if due_on else None,
                account_holder=seller["name"],
                iban=seller["iban"],
                bic=seller["bic"],
                bank=seller["bank_name"],
                reference=invoice.number,
            ),
        }
        mail_build(
            template=TEMPLATE,
            context=context,
            to=[invoice.buyer.get("email") or booking.contact_email],
            headers={"X-Booking": booking_reference(booking)},
            attachments=attachments,
        ).send()
    logger.info("Sent booth invoice %s for booking %s.", invoice.number, booking.pk)
