"""Tickets: signed QR codes and the tickets PDF.

`tickets.pdf` holds one A4 page per valid ticket of a paid order, in the order's language. It is
rendered by a task after payment and stored on the order (`Order.tickets_pdf`, under a new random
name each time, so an old link never serves a stale file); `order_tickets_pdf` serves the stored
file while it is newer than every change to the tickets, edition and venue, and renders again
otherwise (e.g. after `ticket_rename`).
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe

from config.i18n import content_language
from programme.models import BERLIN
from ticketing.enums import OrderStatus
from ticketing.exceptions import InvalidOrderState
from ticketing.models import Order, Ticket
from ticketing.signing import sign_ticket

TEMPLATE = "ticketing/pdf/tickets.html"
STYLESHEET = "ticketing/pdf/tickets.css"  # parsed once per process by `render_pdf`
# The code in print, in lines of fixed length: a line break never looks like part of the code.
CODE_LINE_LENGTH = 40


def tickets_sign(*, order: Order) -> None:
    """Give every valid ticket of a paid order its signed code (once; a code never changes)."""
    for ticket in order.tickets.filter(is_cancelled=False, code__isnull=True).order_by("pk"):
        ticket.code = sign_ticket(ticket_id=ticket.pk, event_id=order.event_id)
        ticket.save(update_fields=["code", "updated_at"])


@dataclass(frozen=True)
class _Page:
    """What one page of the PDF shows, formatted in the order's language."""

    ticket: Ticket
    number: int
    ticket_type_name: str
    ticket_type_lang: str
    valid_on: str
    price: str
    vat_rate: str
    is_free: bool
    qr: SafeString
    code_lines: list[str]


def _printable_tickets(order: Order) -> list[Ticket]:
    return list(
        order.tickets.filter(is_cancelled=False, code__isnull=False).select_related("ticket_type").order_by("pk")
    )


def _date_range(start: dt.date, end: dt.date) -> str:
    if start == end:
        return date_format(start, "DATE_FORMAT")
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def _number(value: Decimal, places: int) -> str:
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _page(ticket: Ticket, number: int, qr_label: str) -> _Page:
    from ticketing.pdf import qr_svg

    ticket_type = ticket.ticket_type
    day = ticket_type.valid_on
    rate = ticket.vat_rate
    assert ticket.code is not None
    return _Page(
        ticket=ticket,
        number=number,
        ticket_type_name=ticket_type.name,
        ticket_type_lang=content_language(ticket_type, "name"),
        valid_on=f"{date_format(day, 'l')}, {date_format(day, 'DATE_FORMAT')}" if day else "",
        price=_number(ticket.price_amount, 2),
        vat_rate=_number(rate, 0 if rate == rate.to_integral_value() else 2),
        is_free=ticket.price_amount == 0,
        code_lines=[ticket.code[i : i + CODE_LINE_LENGTH] for i in range(0, len(ticket.code), CODE_LINE_LENGTH)],
        # Markup built by ElementTree, which escapes the label; the code itself only shapes the path.
        qr=mark_safe(qr_svg(ticket.code, label=qr_label % {"name": ticket.attendee_name})),  # noqa: S308
    )


def _language(order: Order) -> str:
    try:
        return translation.get_supported_language_variant(order.language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _render(*, order: Order, tickets: list[Ticket]) -> bytes:
    from ticketing.pdf import render_pdf

    event = order.event
    venue = event.venue
    with translation.override(_language(order)), timezone.override(BERLIN):
        qr_label = translation.gettext("QR code of the ticket for %(name)s")
        pages = [_page(ticket, number, qr_label) for number, ticket in enumerate(tickets, start=1)]
        html = render_to_string(
            TEMPLATE,
            {
                "order": order,
                "event": event,
                "event_lang": content_language(event, "name"),
                "venue": venue,
                "venue_directions_lang": content_language(venue, "directions"),
                "dates": _date_range(event.start_on, event.end_on),
                "pages": pages,
                "count": len(pages),
                "language": translation.get_language(),
            },
        )
    return render_pdf(html, stylesheet=STYLESHEET)


def order_tickets_pdf_bytes(*, order: Order) -> bytes:
    """Render the tickets PDF of a paid order: one A4 page per valid ticket with a code, in the
    order's language. Raises `InvalidOrderState` when the order is unpaid or has no such ticket."""
    if order.status != OrderStatus.PAID:
        raise InvalidOrderState(extra={"status": order.status})
    tickets = _printable_tickets(order)
    if not tickets:
        raise InvalidOrderState(extra={"status": order.status, "tickets": 0})
    return _render(order=order, tickets=tickets)


def ticket_pdf_bytes(*, ticket: Ticket) -> bytes:
    """One ticket of a paid order as a one-page PDF (what its holder is sent)."""
    order = ticket.order
    if order.status != OrderStatus.PAID or ticket.is_cancelled or not ticket.code:
        raise InvalidOrderState(extra={"status": order.status})
    return _render(order=order, tickets=[ticket])


def _store(*, order: Order, pdf: bytes, rendered_at: dt.datetime) -> None:
    """Save `pdf` under a new random name, point the order at it, and delete the previous file
    once that is committed. The order row is locked, so concurrent renders cannot orphan a file."""
    field = order.tickets_pdf
    storage = field.storage
    new_name = storage.save(
        field.field.generate_filename(order, f"{order.code}-{secrets.token_urlsafe(16)}.pdf"), ContentFile(pdf)
    )
    try:
        with transaction.atomic():
            old_name = Order.objects.select_for_update().values_list("tickets_pdf", flat=True).get(pk=order.pk)
            Order.objects.filter(pk=order.pk).update(tickets_pdf=new_name, tickets_pdf_rendered_at=rendered_at)
            if old_name and old_name != new_name:
                transaction.on_commit(lambda: storage.delete(old_name))
    except Exception:
        storage.delete(new_name)
        raise
    order.tickets_pdf.name = new_name
    order.tickets_pdf_rendered_at = rendered_at


def _render_and_store(*, order: Order) -> bytes | None:
    if order.status != OrderStatus.PAID:
        return None
    # Taken before the tickets are read: a change made while rendering makes the file stale.
    started = timezone.now()
    tickets = _printable_tickets(order)
    if not tickets:
        return None
    pdf = _render(order=order, tickets=tickets)
    _store(order=order, pdf=pdf, rendered_at=started)
    return pdf


def order_tickets_render(*, order: Order) -> None:
    """Render and store the tickets PDF of a paid order (does nothing for any other order)."""
    _render_and_store(order=order)


def _changed_since(*, order: Order, moment: dt.datetime) -> bool:
    latest = order.tickets.aggregate(updated=Max("updated_at"), cancelled=Max("cancelled_at"))
    changes = [latest["updated"], latest["cancelled"], order.event.updated_at, order.event.venue.updated_at]
    return any(change is not None and change > moment for change in changes)


def order_tickets_pdf(*, order: Order) -> bytes:
    """The tickets PDF of a paid order: the stored file while it is current, else rendered and stored
    again. Raises `InvalidOrderState` when the order is unpaid or has no valid ticket."""
    if order.status != OrderStatus.PAID:
        raise InvalidOrderState(extra={"status": order.status})
    name, rendered_at = Order.objects.values_list("tickets_pdf", "tickets_pdf_rendered_at").get(pk=order.pk)
    if name and rendered_at and not _changed_since(order=order, moment=rendered_at):
        try:
            with order.tickets_pdf.storage.open(name, "rb") as stored:
                content: bytes = stored.read()
        except FileNotFoundError:
            pass
        else:
            return content
    pdf = _render_and_store(order=order)
    if pdf is None:
        raise InvalidOrderState(extra={"status": order.status, "tickets": 0})
    return pdf
