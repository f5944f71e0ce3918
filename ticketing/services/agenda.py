"""The attendee's agenda: seat bookings, waiting lists, stars, and what a new release tells them.

Capacity is the published `seat_capacity` of the session in the latest release. Every change to a
session's seats locks the session's row (`programme.Session`) first, then the ticket's, and counts
after the locks, so no session is ever booked past its seats and no holder gets two overlapping
seats, at any concurrency. A seat freed (cancelled, the order cancelled, more seats published) goes
to the first in the waiting list in the same transaction, skipping whoever could not take it now
(another seat at that time, ticket no longer valid); they are told by e-mail after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from config.tasks import enqueue_on_commit
from programme.models import ReleasedSession, ScheduleRelease, Session
from programme.selectors import release_latest
from ticketing import tasks
from ticketing.exceptions import SeatOverlap, SessionFull, SessionNotBookable, TicketNotAdmitted
from ticketing.models import AgendaFeed, AgendaStar, SeatBooking, Ticket, WaitingListEntry
from ticketing.selectors_agenda import overlaps, ticket_admits


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("event").get(pk=session_id)


def _lock_ticket(ticket: Ticket, *, skip_locked: bool = False) -> Ticket | None:
    tickets = Ticket.objects.select_for_update(of=("self",), skip_locked=skip_locked).select_related(
        "order", "ticket_type"
    )
    return tickets.filter(pk=ticket.pk).first()


def _published(session: Session) -> tuple[ScheduleRelease, ReleasedSession]:
    release = release_latest(event=session.event)
    released = (
        ReleasedSession.objects.filter(release=release, session=session).select_related("room").first()
        if release
        else None
    )
    if release is None or released is None or released.is_cancelled or not released.seat_capacity:
        raise SessionNotBookable(extra={"session": session.pk})
    return release, released


def _taken(session_id: int) -> int:
    return SeatBooking.objects.filter(session_id=session_id, cancelled_at__isnull=True).count()


def _clash(ticket: Ticket, released: ReleasedSession) -> ReleasedSession | None:
    """Another session the ticket holds a seat in that overlaps `released` (as published)."""
    others = SeatBooking.objects.filter(ticket=ticket, cancelled_at__isnull=True).exclude(
        session_id=released.session_id
    )
    for other in ReleasedSession.objects.filter(
        release_id=released.release_id, session_id__in=others.values("session_id")
    ):
        if not other.is_cancelled and overlaps(other, released):
            return other
    return None


def _check(ticket: Ticket, released: ReleasedSession, now: dt.datetime) -> None:
    if released.starts_at <= now:
        raise SessionNotBookable(extra={"session": released.session_id, "reason": "started"})
    if not ticket_admits(ticket, released):
        raise TicketNotAdmitted(extra={"ticket": ticket.pk, "session": released.session_id})
    clash = _clash(ticket, released)
    if clash is not None:
        raise SeatOverlap(extra={"session": released.session_id, "overlaps": clash.session_id})


def seat_book(
    *, ticket: Ticket, session_id: int, waitlist: bool = False, now: dt.datetime | None = None
) -> SeatBooking | WaitingListEntry:
    """Book a seat for the ticket's holder. A second call returns the same booking. A full session
    raises `SessionFull`, or with `waitlist` puts the ticket on its waiting list (returned as the
    entry; joining twice keeps the first place)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session_id)
        locked = _lock_ticket(ticket)
        assert locked is not None
        release, released = _published(session)
        existing = SeatBooking.objects.filter(ticket=locked, session=session, cancelled_at__isnull=True).first()
        if existing is not None:
            return existing
        _check(locked, released, now)
        assert released.seat_capacity is not None
        if _waiting(session.pk).exists() and _taken(session.pk) < released.seat_capacity:
            # A seat is free while people wait (one passed over earlier): the queue comes first.
            _promote(session, now=now)
            promoted = SeatBooking.objects.filter(ticket=locked, session=session, cancelled_at__isnull=True).first()
            if promoted is not None:
                return promoted
        if _taken(session.pk) >= released.seat_capacity:
            if not waitlist:
                raise SessionFull(extra={"session": session.pk})
            entry = _waiting(session.pk).filter(ticket=locked).first()
            return entry or WaitingListEntry.objects.create(ticket=locked, session=session, joined_at=now)
        _waiting(session.pk).filter(ticket=locked).update(promoted_at=now)
        booking = SeatBooking.objects.create(ticket=locked, session=session, booked_at=now, seen_release=release)
        enqueue_on_commit(tasks.send_seat_booked, booking.pk)
        return booking


def _waiting(session_id: int) -> QuerySet[WaitingListEntry]:
    return WaitingListEntry.objects.filter(session_id=session_id, promoted_at__isnull=True, left_at__isnull=True)


def seat_cancel(*, ticket: Ticket, session_id: int, now: dt.datetime | None = None) -> list[SeatBooking]:
    """Give up the ticket's seat (and its place on the waiting list) before the session starts; the
    freed seat goes to the first in line. Returns the bookings made from the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session_id)
        _waiting(session.pk).filter(ticket=ticket).update(left_at=now)
        changed = SeatBooking.objects.filter(ticket=ticket, session=session, cancelled_at__isnull=True).update(
            cancelled_at=now
        )
        return _promote(session, now=now) if changed else []


def waitlist_leave(*, ticket: Ticket, session_id: int, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        return _waiting(session_id).filter(ticket=ticket).update(left_at=now)


def _promote(session: Session, *, now: dt.datetime) -> list[SeatBooking]:
    """Fill the session's free seats from its waiting list (call with the session row locked)."""
    release = release_latest(event=session.event)
    released = ReleasedSession.objects.filter(release=release, session=session).first() if release else None
    if release is None or released is None or released.is_cancelled or not released.seat_capacity:
        return []
    if released.starts_at <= now:
        return []
    free = released.seat_capacity - _taken(session.pk)
    promoted: list[SeatBooking] = []
    for entry in _waiting(session.pk).select_related("ticket").order_by("joined_at", "pk"):
        if free <= 0:
            break
        # A ticket busy in another transaction is passed over this time, never waited for (the
        # session is locked first everywhere, so waiting here could deadlock with its booking).
        ticket = _lock_ticket(entry.ticket, skip_locked=True)
        if ticket is None or not ticket_admits(ticket, released) or _clash(ticket, released) is not None:
            continue
        entry.promoted_at = now
        entry.save(update_fields=["promoted_at"])
        booking = SeatBooking.objects.create(
            ticket=ticket, session=session, booked_at=now, from_waiting_list=True, seen_release=release
        )
        promoted.append(booking)
        free -= 1
    for booking in promoted:
        enqueue_on_commit(tasks.send_seat_from_waiting_list, booking.pk)
    return promoted


def seats_fill(*, session_ids: Iterable[int], now: dt.datetime | None = None) -> list[SeatBooking]:
    """Give free seats to the waiting lists (after more seats were published, or from admin)."""
    now = now or timezone.now()
    promoted: list[SeatBooking] = []
    for session_id in sorted(set(session_ids)):
        with transaction.atomic():
            promoted += _promote(_lock_session(session_id), now=now)
    return promoted


def seats_release_for_tickets(*, tickets: Iterable[Ticket], now: dt.datetime | None = None) -> None:
    """Free the seats and waiting places of tickets that no longer admit (order cancelled)."""
    now = now or timezone.now()
    ticket_ids = [t.pk for t in tickets]
    WaitingListEntry.objects.filter(ticket_id__in=ticket_ids, promoted_at__isnull=True, left_at__isnull=True).update(
        left_at=now
    )
    session_ids = set(
        SeatBooking.objects.filter(ticket_id__in=ticket_ids, cancelled_at__isnull=True).values_list(
            "session_id", flat=True
        )
    )
    for session_id in sorted(session_ids):
        session = _lock_session(session_id)
        SeatBooking.objects.filter(ticket_id__in=ticket_ids, session=session, cancelled_at__isnull=True).update(
            cancelled_at=now
        )
        _promote(session, now=now)


def star_add(*, ticket: Ticket, session_id: int, now: dt.datetime | None = None) -> AgendaStar:
    now = now or timezone.now()
    session = Session.objects.select_related("event").get(pk=session_id)
    release = release_latest(event=session.event)
    star, _created = AgendaStar.objects.get_or_create(
        ticket=ticket, session=session, defaults={"starred_at": now, "seen_release": release}
    )
    return star


def star_remove(*, ticket: Ticket, session_id: int) -> int:
    return AgendaStar.objects.filter(ticket=ticket, session_id=session_id).delete()[0]


def agenda_mark_seen(*, ticket: Ticket, release: ScheduleRelease) -> None:
    """The holder has seen the agenda as `release` publishes it: changes before it are no longer shown."""
    with transaction.atomic():
        SeatBooking.objects.filter(ticket=ticket, cancelled_at__isnull=True).update(seen_release=release)
        AgendaStar.objects.filter(ticket=ticket).update(seen_release=release)


def agenda_feed(*, ticket: Ticket) -> AgendaFeed:
    feed, _created = AgendaFeed.objects.get_or_create(ticket=ticket)
    return feed


def release_published(*, release: ScheduleRelease) -> None:
    """A new release: give the seats it adds to the waiting lists, and tell every holder who booked
    or starred a session it moved or cancelled (one mail per person, after commit)."""
    changes = release.changes or {}
    affected = {int(item["session"]) for key in ("moved", "cancelled") for item in changes.get(key, [])}
    with_seats = ReleasedSession.objects.filter(release=release, seat_capacity__isnull=False).values_list(
        "session_id", flat=True
    )
    seats_fill(session_ids=[sid for sid in with_seats if _waiting(sid).exists()])
    if not affected:
        return
    tickets = set(
        SeatBooking.objects.filter(session_id__in=affected, cancelled_at__isnull=True).values_list(
            "ticket_id", flat=True
        )
    ) | set(AgendaStar.objects.filter(session_id__in=affected).values_list("ticket_id", flat=True))
    for ticket_id in sorted(tickets):
        enqueue_on_commit(tasks.send_agenda_changes, ticket_id, release.pk)
