"""Reads of the attendee's agenda: seat figures, what a ticket may book, the agenda with its clashes
and the changes since the holder looked, and the sequence numbers of the private calendar feed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from programme.enums import SessionStatus
from programme.models import BERLIN, Event, ReleasedSession, ScheduleRelease
from programme.selectors import release_latest, released_speakers_prefetch
from ticketing.enums import OrderStatus, TicketCategory
from ticketing.models import AgendaFeed, AgendaStar, Order, SeatBooking, Ticket, WaitingListEntry

# Ticket categories that admit to sessions (an add-on such as the evening reception does not).
NOT_FOR_SESSIONS = {TicketCategory.ADDON}


@dataclass(frozen=True)
class SeatFigures:
    capacity: int
    taken: int
    waiting: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


def seat_figures(
    *, release: ScheduleRelease | None, session_ids: Iterable[int] | None = None
) -> dict[int, SeatFigures]:
    """Seats, seats taken and people waiting per session with limited seats in `release` (two
    queries whatever the number of sessions)."""
    if release is None:
        return {}
    released = ReleasedSession.objects.filter(release=release, seat_capacity__isnull=False)
    if session_ids is not None:
        released = released.filter(session_id__in=list(session_ids))
    capacities: dict[int, int] = {
        sid: capacity for sid, capacity in released.values_list("session_id", "seat_capacity") if capacity is not None
    }
    if not capacities:
        return {}
    taken = Counter(
        dict(
            SeatBooking.objects.filter(session_id__in=list(capacities), cancelled_at__isnull=True)
            .values("session_id")
            .annotate(n=Count("pk"))
            .values_list("session_id", "n")
        )
    )
    waiting = Counter(
        dict(
            WaitingListEntry.objects.filter(
                session_id__in=list(capacities), promoted_at__isnull=True, left_at__isnull=True
            )
            .values("session_id")
            .annotate(n=Count("pk"))
            .values_list("session_id", "n")
        )
    )
    return {
        sid: SeatFigures(capacity=capacity, taken=taken[sid], waiting=waiting[sid])
        for sid, capacity in capacities.items()
    }


def session_day(released: ReleasedSession) -> dt.date:
    return released.starts_at.astimezone(BERLIN).date()


def ticket_is_usable(ticket: Ticket) -> bool:
    """A ticket that may hold seats: valid, of a paid order, and one that admits to sessions."""
    return (
        not ticket.is_cancelled
        and ticket.order.status == OrderStatus.PAID
        and ticket.ticket_type.category not in NOT_FOR_SESSIONS
    )


def ticket_admits(ticket: Ticket, released: ReleasedSession) -> bool:
    """Whether the ticket admits its holder on the session's day (a day ticket only on its day)."""
    if not ticket_is_usable(ticket):
        return False
    valid_on = ticket.ticket_type.valid_on
    return valid_on is None or valid_on == session_day(released)


def overlaps(a: ReleasedSession, b: ReleasedSession) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def order_agenda_tickets(*, order: Order) -> list[Ticket]:
    """The order's tickets that can have an agenda."""
    return [
        ticket
        for ticket in order.tickets.select_related("ticket_type", "order").order_by("pk")
        if ticket_is_usable(ticket)
    ]


@dataclass
class AgendaItem:
    """One session of a ticket's agenda, as published now."""

    session: ReleasedSession
    starred: bool = False
    booked: bool = False
    waiting_position: int | None = None  # on the waiting list, at this place
    moved_from: ReleasedSession | None = None  # as it was when the holder last looked, if it moved since
    cancelled_since: bool = False
    clashes: list[ReleasedSession] = field(default_factory=list)
    figures: SeatFigures | None = None

    @property
    def changed(self) -> bool:
        return self.moved_from is not None or self.cancelled_since


@dataclass
class Agenda:
    ticket: Ticket
    release: ScheduleRelease | None
    items: list[AgendaItem]

    @property
    def changed(self) -> list[AgendaItem]:
        return [item for item in self.items if item.changed]


def _released(release: ScheduleRelease, session_ids: Iterable[int]) -> dict[int, ReleasedSession]:
    return {
        item.session_id: item
        for item in ReleasedSession.objects.filter(release=release, session_id__in=list(session_ids))
        .select_related("room", "track", "session")
        .prefetch_related(released_speakers_prefetch())
    }


def waiting_positions(*, ticket: Ticket) -> dict[int, int]:
    """Per session the ticket waits for: its place in the queue (1 = next)."""
    entries = list(
        WaitingListEntry.objects.filter(ticket=ticket, promoted_at__isnull=True, left_at__isnull=True).values_list(
            "session_id", "joined_at", "pk"
        )
    )
    positions = {}
    for session_id, joined_at, pk in entries:
        ahead = (
            WaitingListEntry.objects.filter(session_id=session_id, promoted_at__isnull=True, left_at__isnull=True)
            .filter(Q(joined_at__lt=joined_at) | Q(joined_at=joined_at, pk__lt=pk))
            .count()
        )
        positions[session_id] = ahead + 1
    return positions


def ticket_agenda(*, ticket: Ticket, event: Event) -> Agenda:
    """The ticket's agenda: its seats, the sessions it waits for and its stars, in time order, each
    with what changed since the holder booked, starred or last marked the agenda seen, and clashes
    between sessions it holds seats in or starred."""
    release = release_latest(event=event)
    if release is None:
        return Agenda(ticket=ticket, release=None, items=[])
    bookings = {b.session_id: b for b in SeatBooking.objects.filter(ticket=ticket, cancelled_at__isnull=True)}
    stars = {s.session_id: s for s in AgendaStar.objects.filter(ticket=ticket)}
    waiting = waiting_positions(ticket=ticket)
    ids = set(bookings) | set(stars) | set(waiting)
    current = _released(release, ids)
    seen_release_of: dict[int, int | None] = {sid: b.seen_release_id for sid, b in bookings.items()} | {
        sid: s.seen_release_id for sid, s in stars.items() if sid not in bookings
    }
    seen: dict[tuple[int | None, int], ReleasedSession] = {
        (item.release_id, item.session_id): item
        for item in ReleasedSession.objects.filter(
            release_id__in={r for r in seen_release_of.values() if r}, session_id__in=list(ids)
        ).select_related("room")
    }
    figures = seat_figures(release=release, session_ids=ids)
    items = []
    for sid in ids:
        session = current.get(sid)
        if session is None:
            continue  # not in the published programme (any more)
        before = seen.get((seen_release_of.get(sid), sid))
        moved = (
            before is not None
            and not session.is_cancelled
            and (before.starts_at, before.ends_at, before.room_id)
            != (session.starts_at, session.ends_at, session.room_id)
        )
        items.append(
            AgendaItem(
                session=session,
                starred=sid in stars,
                booked=sid in bookings,
                waiting_position=waiting.get(sid),
                moved_from=before if moved else None,
                cancelled_since=session.is_cancelled
                and before is not None
                and before.status != SessionStatus.CANCELLED,
                figures=figures.get(sid),
            )
        )
    items.sort(key=lambda item: (item.session.starts_at, item.session.room.position, item.session.session_id))
    held = [item for item in items if (item.booked or item.starred) and not item.session.is_cancelled]
    for item in held:
        item.clashes = [other.session for other in held if other is not item and overlaps(item.session, other.session)]
    return Agenda(ticket=ticket, release=release, items=items)


def agenda_feed_get(*, token: str, event: str) -> AgendaFeed | None:
    """The calendar feed with this token, of a ticket of the edition with slug `event`."""
    return (
        AgendaFeed.objects.filter(token=token, ticket__order__event__slug=event)
        .select_related("ticket__order__event__venue", "ticket__ticket_type")
        .first()
    )


def feed_sequences(*, event: Event, session_ids: Iterable[int]) -> dict[int, int]:
    """Per session: how often its time, room or status changed across the releases (the feed's
    SEQUENCE, so a calendar app updates the entry exactly when it moved or was cancelled)."""
    versions: dict[int, list[tuple[object, ...]]] = {}
    for row in (
        ReleasedSession.objects.filter(release__event=event, session_id__in=list(session_ids))
        .order_by("release__sequence")
        .values_list("session_id", "starts_at", "ends_at", "room_id", "status")
    ):
        versions.setdefault(row[0], []).append(row[1:])
    return {
        sid: sum(1 for before, after in itertools.pairwise(rows) if before != after) for sid, rows in versions.items()
    }


def session_seat_holders(*, session_id: int) -> list[SeatBooking]:
    return list(
        SeatBooking.objects.filter(session_id=session_id, cancelled_at__isnull=True)
        .select_related("ticket__order")
        .order_by("booked_at", "pk")
    )
