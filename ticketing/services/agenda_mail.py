"""E-mails of the attendee's agenda: a seat booked, a seat from the waiting list, and sessions a
release moved or cancelled. To the ticket's holder (`attendee_email`, else the buyer), in the
order's language, built by `mail_build` like every mail of the shop. The link to the agenda (it
carries the order's secret) goes only to the buyer's address."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.urls import reverse

from programme.models import ReleasedSession, ScheduleRelease
from ticketing.models import SeatBooking, Ticket
from ticketing.selectors_agenda import ticket_agenda
from ticketing.services.mail import BRAND_COLOUR, _localised, mail_build

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "ticketing/email"


def agenda_url(ticket: Ticket) -> str:
    order = ticket.order
    path = reverse(
        "ticketing:agenda",
        kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret, "ticket_id": ticket.pk},
    )
    return f"{settings.SITE_URL}{path}"


def _recipient(ticket: Ticket) -> str:
    return ticket.attendee_email or ticket.order.email


def _context(ticket: Ticket, language: str) -> dict[str, Any]:
    order = ticket.order
    to = _recipient(ticket)
    return {
        "language": language,
        "brand_colour": BRAND_COLOUR,
        "event": order.event,
        "venue": order.event.venue,
        "seller": settings.SELLER,
        "ticket": ticket,
        "agenda_url": agenda_url(ticket) if to.lower() == order.email.lower() else "",
        "order_url": "",
    }


def _send(ticket: Ticket, name: str, context: dict[str, Any]) -> None:
    mail_build(
        template=f"{TEMPLATE_DIR}/{name}",
        context=context,
        to=[_recipient(ticket)],
        headers={"X-Order": ticket.order.code},
    ).send()
    logger.info("Sent %s mail for ticket %s.", name, ticket.pk)


def seat_mail_send(*, booking_id: int, from_waiting_list: bool) -> None:
    booking = (
        SeatBooking.objects.select_related("ticket__order__event__venue", "session")
        .filter(pk=booking_id, cancelled_at__isnull=True)
        .first()
    )
    if booking is None:
        return  # cancelled meanwhile
    ticket = booking.ticket
    released = (
        ReleasedSession.objects.filter(release=booking.seen_release, session=booking.session)
        .select_related("room")
        .first()
    )
    if released is None:
        return
    with _localised(ticket.order) as language:
        context = {**_context(ticket, language), "session": released, "from_waiting_list": from_waiting_list}
        _send(ticket, "seat", context)


def agenda_changes_send(*, ticket_id: int, release_id: int) -> None:
    ticket = Ticket.objects.select_related("order__event__venue", "ticket_type").filter(pk=ticket_id).first()
    release = ScheduleRelease.objects.filter(pk=release_id).first()
    if ticket is None or release is None or ticket.is_cancelled:
        return
    with _localised(ticket.order) as language:
        agenda = ticket_agenda(ticket=ticket, event=ticket.order.event)
        changed = [item for item in agenda.items if item.changed]
        if not changed:
            return  # already seen, or no longer in the agenda
        context = {**_context(ticket, language), "items": changed, "release": release}
        _send(ticket, "agenda_changes", context)
