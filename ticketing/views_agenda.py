"""The attendee's agenda pages: a ticket's agenda beneath the order's secret link, the seat and star
buttons on the programme's session pages, and the private iCalendar feed.

No account: the order's secret link is the key. Opening a ticket's agenda remembers that ticket in
the browser's session (`AGENDA_SESSION_KEY`), so the programme's session pages can offer "book a
seat" for it; a POST from there is taken only for a ticket remembered so.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.exceptions import ApplicationError
from config.ratelimit import secret_lookup
from programme.exports import personal_ics
from programme.models import Event
from programme.selectors import release_latest
from ticketing.models import Order, Ticket, WaitingListEntry
from ticketing.selectors_agenda import agenda_feed_get, feed_sequences, order_agenda_tickets, ticket_agenda
from ticketing.services import agenda as agenda_service
from ticketing.views import _event, _order, _private

AGENDA_SESSION_KEY = "agenda_tickets"  # {event slug: {ticket id: [order code, attendee name]}}
ACTIONS = {"book", "waitlist", "cancel", "leave", "star", "unstar"}


def _remember(request: HttpRequest, order: Order) -> None:
    remembered = request.session.get(AGENDA_SESSION_KEY, {})
    tickets = remembered.get(order.event.slug, {})
    for ticket in order_agenda_tickets(order=order):
        tickets[str(ticket.pk)] = [order.code, ticket.attendee_name]
    remembered[order.event.slug] = tickets
    request.session[AGENDA_SESSION_KEY] = remembered


def remembered_tickets(request: HttpRequest, event: Event) -> list[Ticket]:
    """The tickets of `event` whose agenda this browser has opened."""
    ids = [int(pk) for pk in request.session.get(AGENDA_SESSION_KEY, {}).get(event.slug, {}) if pk.isdigit()]
    if not ids:
        return []
    tickets = Ticket.objects.filter(pk__in=ids, order__event=event).select_related("order", "ticket_type")
    return [t for t in tickets.order_by("pk") if not t.is_cancelled]


def _ticket_of(order: Order, ticket_id: int) -> Ticket:
    ticket = next((t for t in order_agenda_tickets(order=order) if t.pk == ticket_id), None)
    if ticket is None:
        raise Http404("No such ticket with an agenda in this order.")
    return ticket


def agenda_url(order: Order, ticket: Ticket) -> str:
    return reverse(
        "ticketing:agenda",
        kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret, "ticket_id": ticket.pk},
    )


def _session_id(request: HttpRequest) -> int:
    value = request.POST.get("session", "")
    if not value.isdigit() or len(value) > 18:
        raise Http404("No such session.")
    return int(value)


def _apply(request: HttpRequest, ticket: Ticket, action: str, session_id: int) -> None:
    """One agenda change; a refusal is shown as a message, never as an error page."""
    try:
        if action in ("book", "waitlist"):
            result = agenda_service.seat_book(ticket=ticket, session_id=session_id, waitlist=action == "waitlist")
            if isinstance(result, WaitingListEntry):
                messages.info(
                    request,
                    _("You are on the waiting list. If a seat becomes free, it is yours and we tell you by e-mail."),
                )
            else:
                messages.success(request, _("Your seat is booked."))
        elif action == "cancel":
            agenda_service.seat_cancel(ticket=ticket, session_id=session_id)
            messages.success(request, _("Your seat is cancelled. Thank you for making room."))
        elif action == "leave":
            agenda_service.waitlist_leave(ticket=ticket, session_id=session_id)
            messages.success(request, _("You have left the waiting list."))
        elif action == "star":
            agenda_service.star_add(ticket=ticket, session_id=session_id)
            messages.success(request, _("Added to your agenda."))
        elif action == "unstar":
            agenda_service.star_remove(ticket=ticket, session_id=session_id)
            messages.success(request, _("Removed from your agenda."))
    except ApplicationError as exc:
        messages.error(request, exc.message)


@_private
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_page(request: HttpRequest, event: str, code: str, secret: str, ticket_id: int) -> HttpResponse:
    order = _order(request, event, code, secret)
    ticket = _ticket_of(order, ticket_id)
    _remember(request, order)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "seen":
            release = release_latest(event=order.event)
            if release is not None:
                agenda_service.agenda_mark_seen(ticket=ticket, release=release)
        elif action in ACTIONS:
            _apply(request, ticket, action, _session_id(request))
        else:
            raise Http404("Unknown action.")
        return redirect(agenda_url(order, ticket))
    agenda = ticket_agenda(ticket=ticket, event=order.event)
    feed = agenda_service.agenda_feed(ticket=ticket)
    feed_path = reverse("ticketing:agenda-feed", kwargs={"event": order.event.slug, "token": feed.token})
    context: dict[str, Any] = {
        "event": order.event,
        "order": order,
        "ticket": ticket,
        "agenda": agenda,
        "others": [t for t in order_agenda_tickets(order=order) if t.pk != ticket.pk],
        "order_url": reverse(
            "ticketing:order", kwargs={"event": order.event.slug, "code": order.code, "secret": order.secret}
        ),
        "feed_url": f"{settings.SITE_URL}{feed_path}",
        "webcal_url": f"webcal://{settings.SITE_URL.split('://', 1)[-1]}{feed_path}",
    }
    return render(request, "ticketing/agenda.html", context)


@require_POST
def session_agenda_action(request: HttpRequest, event: str, session_id: int) -> HttpResponse:
    """The seat and star buttons of a session page, for a ticket this browser opened the agenda of."""
    edition = _event(event)
    ticket_id = request.POST.get("ticket", "")
    ticket = next((t for t in remembered_tickets(request, edition) if str(t.pk) == ticket_id), None)
    action = request.POST.get("action", "")
    if ticket is None or action not in ACTIONS:
        raise Http404("Open your agenda from your order page first.")
    _apply(request, ticket, action, session_id)
    response = redirect(
        reverse("programme:session", kwargs={"event": edition.slug, "session_id": session_id}) + "#agenda"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def agenda_feed(request: HttpRequest, event: str, token: str) -> HttpResponse:
    """The private iCalendar feed of one ticket's agenda (seats and stars)."""
    feed = secret_lookup(request, lambda: agenda_feed_get(token=token[:64], event=event))
    if feed is None:
        raise Http404("No such calendar.")
    ticket = feed.ticket
    edition = ticket.order.event
    agenda = ticket_agenda(ticket=ticket, event=edition)
    sessions = [item.session for item in agenda.items if item.booked or item.starred]
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = (
        personal_ics(
            event=edition,
            release=agenda.release,
            sessions=sessions,
            sequences=feed_sequences(event=edition, session_ids=[s.session_id for s in sessions]),
            base_url=base_url,
            source=request.build_absolute_uri(),
            name=_("%(event)s: agenda of %(name)s") % {"event": edition.name, "name": ticket.attendee_name},
            key=str(ticket.pk),
        )
        if agenda.release is not None
        else b""
    )
    if not body:
        raise Http404("Nothing published yet.")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response
