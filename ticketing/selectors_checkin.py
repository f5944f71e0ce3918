"""Check-in reads: the offline bundle a scanner keeps, and the organisers' live figures."""

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from programme.models import BERLIN, Event
from ticketing.enums import CheckInDirection, CheckInResult, OrderStatus
from ticketing.models import CheckIn, CheckInList, Device, SeatBooking, Ticket, TicketType
from ticketing.signing import public_key_bytes

# A delta starts this much before the previous bundle was read: a scan or payment committed just
# after that read, by a transaction that had started before it, still reaches the scanner. Deltas
# are idempotent for the scanner (it merges by id), so the overlap costs only a few rows.
CURSOR_OVERLAP = dt.timedelta(seconds=30)
# Older cursors get the full bundle (a scanner that slept for a day starts afresh).
CURSOR_MAX_AGE = dt.timedelta(hours=12)


def code_digest(code: str) -> str:
    """What the bundle says of a ticket's current code: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _cursor(at: dt.datetime) -> str:
    return str(int(at.timestamp() * 1_000_000))


def parse_cursor(value: str | None, *, now: dt.datetime) -> dt.datetime | None:
    """The time a cursor stands for, or None when it is missing, malformed or too old (full bundle)."""
    if not value or len(value) > 20 or not value.isdigit():
        return None
    try:
        at = dt.datetime.fromtimestamp(int(value) / 1_000_000, tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None
    if at > now or now - at > CURSOR_MAX_AGE:
        return None
    return at


def _ticket_status(order_status: str, is_cancelled: bool) -> str:
    if is_cancelled or order_status == OrderStatus.CANCELLED:
        return "cancelled"
    return "valid" if order_status == OrderStatus.PAID else "unpaid"


def checkin_lists(event: Event) -> list[CheckInList]:
    return list(CheckInList.objects.filter(event=event).prefetch_related("ticket_types"))


def offline_bundle(*, event: Event, since: dt.datetime | None) -> dict[str, Any]:
    """What a scanner needs to decide scans offline; with `since`, only what changed after it."""
    now = timezone.now()
    tickets = Ticket.objects.filter(order__event=event, code__isnull=False)
    checkins = CheckIn.objects.filter(event=event, result=CheckInResult.OK, ticket__isnull=False)
    if since is not None:
        start = since - CURSOR_OVERLAP
        tickets = tickets.filter(Q(updated_at__gt=start) | Q(cancelled_at__gt=start))
        checkins = checkins.filter(created_at__gt=start)
    lists = checkin_lists(event)
    seats: dict[int, list[int]] = {}
    for session_id, ticket_id in SeatBooking.objects.filter(
        session_id__in=[item.session_id for item in lists if item.session_id], cancelled_at__isnull=True
    ).values_list("session_id", "ticket_id"):
        seats.setdefault(session_id, []).append(ticket_id)
    return {
        "event": {
            "slug": event.slug,
            "name": event.name,
            "days": [day.isoformat() for day in event.days],
            "time_zone": str(BERLIN),
        },
        "public_key": base64.urlsafe_b64encode(public_key_bytes()).decode().rstrip("="),
        "lists": [
            {
                "id": item.pk,
                "name": item.name,
                "is_default": item.is_default,
                "all_ticket_types": item.all_ticket_types,
                "ticket_types": sorted(t.pk for t in item.ticket_types.all()),
                "allows_reentry": item.allows_reentry,
                "opens_at": item.opens_at.strftime("%H:%M") if item.opens_at else None,
                "closes_at": item.closes_at.strftime("%H:%M") if item.closes_at else None,
                # A workshop's list: only these tickets (the seat holders) pass. Always sent in full.
                "session": item.session_id,
                "seat_tickets": seats.get(item.session_id, []) if item.session_id else None,
            }
            for item in lists
        ],
        "ticket_types": [
            {"id": t.pk, "name": t.name, "valid_on": t.valid_on.isoformat() if t.valid_on else None}
            for t in TicketType.objects.filter(event=event)
        ],
        "tickets": [
            {
                "id": pk,
                "attendee_name": name,
                "ticket_type_id": type_id,
                "status": _ticket_status(status, cancelled),
                "code_digest": code_digest(code or ""),
            }
            for pk, name, type_id, status, cancelled, code in tickets.order_by("pk").values_list(
                "pk", "attendee_name", "ticket_type_id", "order__status", "is_cancelled", "code"
            )
        ],
        "checkins": [
            {"ticket_id": ticket_id, "list": list_id, "direction": direction, "at": at.isoformat()}
            for ticket_id, list_id, direction, at in checkins.order_by("scanned_at", "pk").values_list(
                "ticket_id", "checkin_list_id", "direction", "scanned_at"
            )
        ],
        "cursor": _cursor(now),
        "full": since is None,
    }


# Live figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListFigures:
    checkin_list: CheckInList
    inside: int
    entries: int
    exits: int
    refused: int


@dataclass(frozen=True)
class LiveFigures:
    event: Event
    inside: int
    lists: list[ListFigures]
    per_day: list[tuple[dt.date, int]]
    per_hour: list[tuple[dt.datetime, int]]
    conflicts: list[CheckIn]
    conflict_count: int
    devices: list[Device]
    refusals: list[tuple[str, int]]


def _inside(event: Event) -> tuple[dict[int, int], int]:
    """Tickets inside now, per list (those whose latest accepted scan on the list is an entry) and
    in all (distinct tickets inside on any list)."""
    rows = CheckIn.objects.filter(event=event, result=CheckInResult.OK, ticket__isnull=False).values_list(
        "ticket_id", "checkin_list_id", "direction"
    )
    seen: set[tuple[int, int]] = set()
    per_list: dict[int, int] = {}
    tickets: set[int] = set()
    for ticket_id, list_id, direction in rows.order_by("-scanned_at", "-pk").iterator(chunk_size=5000):
        key = (ticket_id, list_id)
        if key in seen:
            continue
        seen.add(key)
        if direction == CheckInDirection.IN:
            per_list[list_id] = per_list.get(list_id, 0) + 1
            tickets.add(ticket_id)
    return per_list, len(tickets)


def live_figures(*, event: Event) -> LiveFigures:
    """The organisers' live view: who is inside now, entries per list, day and hour, conflicts, devices."""
    lists = list(CheckInList.objects.filter(event=event))
    inside, inside_total = _inside(event)
    counts: dict[int, dict[str, Any]] = {
        row["checkin_list_id"]: dict(row)
        for row in CheckIn.objects.filter(event=event)
        .values("checkin_list_id")
        .annotate(
            entries=Count("pk", filter=Q(result=CheckInResult.OK, direction=CheckInDirection.IN)),
            exits=Count("pk", filter=Q(result=CheckInResult.OK, direction=CheckInDirection.OUT)),
            refused=Count("pk", filter=~Q(result=CheckInResult.OK)),
        )
    }
    entries = CheckIn.objects.filter(event=event, result=CheckInResult.OK, direction=CheckInDirection.IN)
    per_hour = [
        (row["hour"], row["n"])
        for row in entries.annotate(hour=TruncHour("scanned_at", tzinfo=BERLIN))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
    ]
    per_day_counts: dict[dt.date, int] = {}
    for hour, n in per_hour:
        day = hour.astimezone(BERLIN).date()
        per_day_counts[day] = per_day_counts.get(day, 0) + n
    conflicts = CheckIn.objects.filter(event=event, is_conflict=True)
    refusals = [
        (row["result"], row["n"])
        for row in CheckIn.objects.filter(event=event)
        .exclude(result=CheckInResult.OK)
        .values("result")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    return LiveFigures(
        event=event,
        inside=inside_total,
        lists=[
            ListFigures(
                checkin_list=item,
                inside=inside.get(item.pk, 0),
                entries=counts.get(item.pk, {}).get("entries", 0),
                exits=counts.get(item.pk, {}).get("exits", 0),
                refused=counts.get(item.pk, {}).get("refused", 0),
            )
            for item in lists
        ],
        per_day=[(day, per_day_counts.get(day, 0)) for day in event.days],
        per_hour=per_hour,
        conflicts=list(
            conflicts.select_related("ticket__order", "ticket__ticket_type", "checkin_list", "device", "user")[:50]
        ),
        conflict_count=conflicts.count(),
        devices=list(Device.objects.filter(event=event).select_related("checkin_list").order_by("name")),
        refusals=refusals,
    )
