"""The agenda on the programme's pages: free seats in the timetable, and the seat and star
buttons of a session page (for the tickets whose agenda this browser opened)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programme.models import ReleasedSession, ScheduleRelease
from ticketing.models import AgendaStar, SeatBooking
from ticketing.selectors_agenda import SeatFigures, seat_figures, ticket_admits, waiting_positions

register = template.Library()


@register.simple_tag
def seat_figures_of(release: ScheduleRelease | None) -> dict[int, SeatFigures]:
    """`{% seat_figures_of release as seats %}`: seats per session with limited seats."""
    return seat_figures(release=release)


@register.simple_tag
def seats_line(seats: dict[int, SeatFigures], session_id: int) -> str:
    """ "12 of 30 seats free", "Fully booked, 4 waiting"."""
    figures = seats.get(session_id) if seats else None
    if figures is None:
        return ""
    if figures.free:
        return ngettext(
            "%(free)d of %(capacity)d seat free", "%(free)d of %(capacity)d seats free", figures.capacity
        ) % {"free": figures.free, "capacity": figures.capacity}
    if figures.waiting:
        return ngettext("Fully booked, %(count)d waiting", "Fully booked, %(count)d waiting", figures.waiting) % {
            "count": figures.waiting
        }
    return _("Fully booked")


SEAT_MARKER = re.compile(r"<!--seats:(\d+)-->")


@register.simple_tag
def fill_seats(html: str, seats: dict[int, SeatFigures]) -> str:
    """The timetable's cached cards (`programme.views._timetable_stages`) with each limited
    session's marker replaced by its free seats now."""

    def line(match: re.Match[str]) -> str:
        text = seats_line(seats, int(match.group(1)))
        return format_html('<p class="session-seats">{}</p>', text) if text else ""

    return mark_safe(SEAT_MARKER.sub(line, html))  # noqa: S308 (our own rendered template; the lines are escaped)


@register.inclusion_tag("ticketing/_session_agenda.html", takes_context=True)
def session_agenda(context: dict[str, Any], session: ReleasedSession) -> dict[str, Any]:
    from ticketing.views_agenda import remembered_tickets

    request = context["request"]
    event = context["event"]
    figures = (
        seat_figures(release=session.release, session_ids=[session.session_id]).get(session.session_id)
        if session.seat_capacity
        else None
    )
    tickets = remembered_tickets(request, event)
    booked = set(
        SeatBooking.objects.filter(
            ticket__in=tickets, session_id=session.session_id, cancelled_at__isnull=True
        ).values_list("ticket_id", flat=True)
    )
    starred = set(
        AgendaStar.objects.filter(ticket__in=tickets, session_id=session.session_id).values_list("ticket_id", flat=True)
    )
    rows = [
        {
            "ticket": ticket,
            "booked": ticket.pk in booked,
            "starred": ticket.pk in starred,
            "waiting": waiting_positions(ticket=ticket).get(session.session_id),
            "admits": ticket_admits(ticket, session),
        }
        for ticket in tickets
    ]
    return {
        "event": event,
        "session": session,
        "figures": figures,
        "rows": rows,
        "csrf_token": context.get("csrf_token"),
        "messages": context.get("messages"),
        "line": seats_line({session.session_id: figures} if figures else {}, session.session_id),
    }
