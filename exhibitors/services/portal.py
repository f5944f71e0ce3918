"""What exhibitor staff change themselves in the portal: their public profile, the names and
e-mails on their staff passes, and extra passes bought at the pass type's price."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from exhibitors.exceptions import BillingAddressMissing, ExtraPassesUnavailable, PassNotFound
from exhibitors.models import BoothBooking, Exhibitor, ExtraPassOrder
from exhibitors.selectors import exhibitor_pass_ticket, pass_type
from ticketing.enums import PaymentMethod
from ticketing.models import Order, Ticket
from ticketing.services.orders import Billing, TicketRequest, order_place, ticket_assign

MAX_EXTRA_PASSES = 20
# What staff may change, in the order the profile form shows it.
PROFILE_FIELDS = (
    "description_de",
    "description_en",
    "website",
    "email",
    "phone",
    "logo",
    "street",
    "postcode",
    "city",
    "country",
    "vat_id",
)


def exhibitor_profile_update(*, exhibitor: Exhibitor, categories: Any = None, **changes: Any) -> Exhibitor:
    """Change the exhibitor's profile (only `PROFILE_FIELDS`). The address and VAT ID apply to
    invoices issued from now on; an issued invoice is corrected by the organisers (cancel and
    reissue), never edited."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Exhibitor.objects.select_for_update().get(pk=exhibitor.pk)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        if categories is not None:
            locked.categories.set(categories)
    return locked


def pass_assign(*, exhibitor: Exhibitor, ticket_id: int, attendee_name: str, attendee_email: str = "") -> Ticket:
    """Put a staff member's name (and e-mail, which gets the pass mailed) on one of the exhibitor's
    passes. Another exhibitor's ticket, or any other ticket, is `PassNotFound`."""
    ticket = exhibitor_pass_ticket(exhibitor=exhibitor, ticket_id=ticket_id)
    if ticket is None:
        raise PassNotFound(extra={"ticket": ticket_id})
    return ticket_assign(ticket=ticket, attendee_name=attendee_name, attendee_email=attendee_email)


def _billing(exhibitor: Exhibitor) -> Billing:
    booking = BoothBooking.objects.confirmed().filter(exhibitor=exhibitor).order_by("-confirmed_at", "-pk").first()
    billing = Billing(
        name=booking.contact_name if booking else "",
        company=exhibitor.name,
        street=exhibitor.street,
        postcode=exhibitor.postcode,
        city=exhibitor.city,
        country=exhibitor.country,
        vat_id=exhibitor.vat_id,
        leitweg_id=booking.leitweg_id if booking else "",
        po_number=booking.po_number if booking else "",
    )
    if not billing.is_complete:
        raise BillingAddressMissing()
    return billing


def extra_passes_buy(*, exhibitor: Exhibitor, quantity: int, email: str, token: str, language: str = "de") -> Order:
    """An order of `quantity` extra passes at the pass type's price, paid by invoice and bank
    transfer (the invoice goes to `email`); its tickets are issued once an organiser marks it paid.
    The same `token` (one per form shown) answers with the order it placed the first time."""
    ticket_type = pass_type(event_id=exhibitor.event_id)
    if ticket_type is None or ticket_type.price_amount <= 0:
        raise ExtraPassesUnavailable()
    billing = _billing(exhibitor)
    requests = [
        TicketRequest(ticket_type_id=ticket_type.pk, attendee_name=f"{exhibitor.name} – Standpersonal")
        for _ in range(quantity)
    ]
    with transaction.atomic():
        placement = order_place(
            event=exhibitor.event,
            email=email,
            tickets=requests,
            payment_method=PaymentMethod.INVOICE,
            billing=billing,
            language=language,
            idempotency_key=f"exhibitor-{exhibitor.pk}-extra-passes-{token}",
            unlocked_types=[ticket_type.pk],
        )
        ExtraPassOrder.objects.get_or_create(order=placement.order, defaults={"exhibitor": exhibitor})
    return placement.order
