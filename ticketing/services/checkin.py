"""Door check-in: devices, and deciding and recording scans (online and uploaded from offline).

A scan is decided inside one transaction with the ticket's row locked (`SELECT … FOR UPDATE` on
PostgreSQL; SQLite's `BEGIN IMMEDIATE` takes the database's write lock), so two doors scanning one
ticket at the same moment get exactly one `ok`. Every decided scan is recorded as a `CheckIn` row;
a scan whose nonce was seen before answers what the first one answered and records nothing new.
"""

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.i18n import pick
from programme.models import BERLIN, Event
from ticketing.enums import CheckInDirection, CheckInResult, DeviceKind, OrderStatus
from ticketing.exceptions import CheckInListNotFound
from ticketing.models import CheckIn, CheckInList, Device, generate_device_token, token_digest
from ticketing.models.checkin import TOKEN_PREFIX_LENGTH
from ticketing.signing import MAX_CODE_LENGTH, verify_ticket

# How often a device's "last contact" is written at most (a write per scan would double the cost).
LAST_SEEN_EVERY = dt.timedelta(seconds=30)

MESSAGES = {
    CheckInResult.OK: _("Welcome! Admitted."),
    CheckInResult.ALREADY_CHECKED_IN: _("Already checked in."),
    CheckInResult.INVALID: _("Not a valid ticket."),
    CheckInResult.REVOKED: _("This ticket code has been revoked."),
    CheckInResult.UNPAID: _("This ticket has not been paid."),
    CheckInResult.CANCELLED: pgettext_lazy("check-in message", "This ticket has been cancelled."),
    CheckInResult.NOT_VALID_NOW: _("This ticket is not valid at this time."),
    CheckInResult.WRONG_LIST: _("This ticket does not admit to this entrance."),
}
EXIT_MESSAGE = _("Goodbye! Exit recorded.")


@dataclass
class ScanOutcome:
    """What a scan answered: the result, the ticket it named (if genuine) and the recorded row."""

    result: str
    checkin_list: CheckInList
    direction: str
    ticket: "ScanTicket | None"
    scanned_at: dt.datetime
    duplicate: bool = False
    conflict: bool = False
    nonce: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        with translation.override(language or translation.get_language()):
            if self.result == CheckInResult.OK and self.direction == CheckInDirection.OUT:
                return str(EXIT_MESSAGE)
            return str(MESSAGES[CheckInResult(self.result)])


@dataclass(frozen=True)
class OfflineScan:
    """One scan a device made while offline, as uploaded through sync."""

    code: str
    nonce: str
    scanned_at: dt.datetime
    direction: str = CheckInDirection.IN
    checkin_list_id: int | None = None
    offline_result: str = ""


# Devices ------------------------------------------------------------------------------------------


def device_create(
    *,
    event: Event,
    name: str,
    kind: str = DeviceKind.DOOR,
    checkin_list: CheckInList | None = None,
    language: str = "de",
    user: Any = None,
) -> tuple[Device, str]:
    """A new scanner device and its API token (shown once: only its digest is stored)."""
    if checkin_list is not None and checkin_list.event_id != event.pk:
        raise CheckInListNotFound()
    token = generate_device_token()
    device = Device.objects.create(
        event=event,
        name=name,
        kind=kind,
        checkin_list=checkin_list,
        language=language,
        token_digest=token_digest(token),
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        created_by=user if getattr(user, "pk", None) else None,
    )
    return device, token


def device_revoke(*, device: Device, now: dt.datetime | None = None) -> Device:
    """Revoke a device: its token stops working at once. Revoking twice changes nothing."""
    now = now or timezone.now()
    Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=now)
    device_cache_clear()
    device.refresh_from_db(fields=["revoked_at"])
    return device


_DEVICE_SQL = (
    "SELECT d.id, d.name, d.kind, d.checkin_list_id, d.language, d.last_seen_at,"
    " e.id, e.slug, e.start_on, e.end_on, e.name_de, e.name_en"
    " FROM ticketing_device d JOIN programme_event e ON e.id = d.event_id"
    " WHERE d.token_digest = %s AND d.revoked_at IS NULL"
)


def _datetime(value: Any) -> dt.datetime | None:
    """A datetime column read by a raw cursor: SQLite gives naive UTC (as text or parsed)."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed


# Devices found by token, kept in each app process for a few seconds: a door scanning 20 times a
# second asks once, not 20 times. Revoking or editing a device drops it here at once; other app
# processes notice within DEVICE_CACHE_SECONDS.
DEVICE_CACHE_SECONDS = 5.0
_device_cache: dict[str, tuple[float, Device]] = {}


def device_cache_clear() -> None:
    _device_cache.clear()


def device_for_token(token: str) -> Device | None:
    """The active device holding `token` (with its edition), or None. Looked up by the token's digest,
    so the comparison leaks nothing about the token; one statement, as every door request runs it
    (at most every DEVICE_CACHE_SECONDS per token and process)."""
    if not token or len(token) > 200:
        return None
    digest = token_digest(token)
    cached = _device_cache.get(digest)
    if cached is not None and cached[0] > time.time():
        return cached[1]
    device = _device_by_digest(digest)
    if device is not None:
        if len(_device_cache) > 10_000:  # a flood of made-up tokens never gets here; real devices are few
            _device_cache.clear()
        _device_cache[digest] = (time.time() + DEVICE_CACHE_SECONDS, device)
    return device


def _device_by_digest(digest: str) -> Device | None:
    with connection.cursor() as cursor:
        cursor.execute(_DEVICE_SQL, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, name, kind, list_id, language, last_seen_at, event_id, slug, start_on, end_on, name_de, name_en = row
    event = Event(
        pk=event_id, slug=slug, start_on=_day(start_on), end_on=_day(end_on), name_de=name_de, name_en=name_en
    )
    event._state.adding, event._state.db = False, connection.alias
    device = Device(
        pk=pk,
        event=event,
        name=name,
        kind=kind,
        checkin_list_id=list_id,
        language=language,
        last_seen_at=_datetime(last_seen_at),
    )
    device._state.adding, device._state.db = False, connection.alias
    return device


def device_touch(*, device: Device, now: dt.datetime | None = None) -> None:
    """Record the device's last contact (at most every `LAST_SEEN_EVERY`)."""
    now = now or timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


# Lists --------------------------------------------------------------------------------------------


def _valid_at(*, event: Event, checkin_list: CheckInList, valid_on: dt.date | None, at: dt.datetime) -> bool:
    local = at.astimezone(BERLIN)
    day = local.date()
    if not event.start_on <= day <= event.end_on:
        return False
    if valid_on is not None and day != valid_on:
        return False
    if checkin_list.opens_at is not None and checkin_list.closes_at is not None:
        return checkin_list.opens_at <= local.time().replace(tzinfo=None) < checkin_list.closes_at
    return True


# Scans --------------------------------------------------------------------------------------------
#
# The scan is the door's hot path (target: under 3 ms of server CPU): inside the transaction it runs
# three statements written out in SQL rather than built by the ORM — lock the ticket (with its order
# and type), read the list's rules with this ticket's history on it and the nonce, insert the row.
# The history is read by a second statement, after the lock: a statement's snapshot is taken when it
# starts, so a subquery of the locking statement could miss a check-in committed while it waited.


@dataclass(frozen=True)
class ScanTicket:
    """What a scan answer shows of a genuine ticket."""

    id: int
    attendee_name: str
    ticket_type_id: int
    ticket_type_names: dict[str, str]
    valid_on: dt.date | None
    order_code: str

    @property
    def ticket_type_name(self) -> str:
        return pick(self.ticket_type_names)


@dataclass(frozen=True)
class _Rules:
    checkin_list: CheckInList
    admits_type: bool
    last_direction: str | None
    has_entered: bool
    previous_id: int | None


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _day(value: Any) -> dt.date:
    day = _date(value)
    assert day is not None  # a NOT NULL column
    return day


def _time(value: Any) -> dt.time | None:
    return dt.time.fromisoformat(value) if isinstance(value, str) else value


_LOCK_SQL = (
    "SELECT t.id, t.code, t.is_cancelled, t.attendee_name, t.ticket_type_id, o.status, o.code,"
    " tt.valid_on, tt.name_de, tt.name_en"
    " FROM ticketing_ticket t"
    " JOIN ticketing_order o ON o.id = t.order_id"
    " JOIN ticketing_tickettype tt ON tt.id = t.ticket_type_id"
    " WHERE t.id = %s AND o.event_id = %s"
)
_RULES_SQL = (
    "SELECT l.id, l.name_de, l.name_en, l.all_ticket_types, l.opens_at, l.closes_at, l.allows_reentry, l.is_default,"
    " EXISTS (SELECT 1 FROM ticketing_checkinlist_ticket_types m"
    "  WHERE m.checkinlist_id = l.id AND m.tickettype_id = %(type)s),"
    " (SELECT c.direction FROM ticketing_checkin c"
    "  WHERE c.ticket_id = %(ticket)s AND c.checkin_list_id = l.id AND c.result = 'ok'"
    "  ORDER BY c.scanned_at DESC, c.id DESC LIMIT 1),"
    " EXISTS (SELECT 1 FROM ticketing_checkin c"
    "  WHERE c.ticket_id = %(ticket)s AND c.checkin_list_id = l.id AND c.result = 'ok' AND c.direction = 'in'),"
    # `nonce <> ''` spelled out: then even a generic plan of the prepared statement may use the partial
    # unique index on (event, nonce); without it PostgreSQL either re-plans every scan or, generically,
    # reads every check-in of the edition.
    " (SELECT c.id FROM ticketing_checkin c WHERE c.event_id = %(event)s AND c.nonce = %(nonce)s AND c.nonce <> ''),"
    # A workshop's list admits exactly the seat holders.
    " (l.session_id IS NULL OR EXISTS (SELECT 1 FROM ticketing_seatbooking s"
    "  WHERE s.session_id = l.session_id AND s.ticket_id = %(ticket)s AND s.cancelled_at IS NULL))"
    " FROM ticketing_checkinlist l WHERE l.event_id = %(event)s AND "
)
_INSERT_SQL = (
    "INSERT INTO ticketing_checkin (event_id, ticket_id, checkin_list_id, direction, result, device_id, user_id,"
    " nonce, raw_code, scanned_at, created_at, is_offline, offline_result, is_conflict)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _lock_ticket(cursor: Any, *, ticket_id: int, event_id: int) -> tuple[Any, ...] | None:
    sql = _LOCK_SQL
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF t"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    # (SQLite: the transaction began IMMEDIATE, holding the database's write lock already.)
    cursor.execute(sql, [ticket_id, event_id])
    row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def _rules(
    cursor: Any, *, event: Event, list_id: int | None, ticket_id: int | None, type_id: int | None, nonce: str
) -> _Rules:
    params: dict[str, Any] = {"event": event.pk, "ticket": ticket_id, "type": type_id, "nonce": nonce or None}
    if list_id is None:
        sql = _RULES_SQL + "l.is_default = %(true)s"
        params["true"] = True
    else:
        sql = _RULES_SQL + "l.id = %(list)s"
        params["list"] = list_id
    cursor.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        raise CheckInListNotFound()
    pk, name_de, name_en, all_types, opens_at, closes_at, reentry, is_default, admits, last, entered, previous, seat = (
        row
    )
    checkin_list = CheckInList(
        pk=pk,
        event_id=event.pk,
        name_de=name_de,
        name_en=name_en,
        all_ticket_types=bool(all_types),
        opens_at=_time(opens_at),
        closes_at=_time(closes_at),
        allows_reentry=bool(reentry),
        is_default=bool(is_default),
    )
    return _Rules(
        checkin_list=checkin_list,
        admits_type=(bool(all_types) or bool(admits)) and bool(seat),
        last_direction=last,
        has_entered=bool(entered),
        previous_id=previous,
    )


def _decide(
    *, event: Event, row: tuple[Any, ...] | None, code: str, rules: _Rules, direction: str, at: dt.datetime
) -> str:
    if row is None:
        return CheckInResult.INVALID
    _pk, current_code, is_cancelled, _name, _type_id, order_status, _order_code, valid_on, *_names = row
    if current_code != code:
        return CheckInResult.REVOKED
    if direction == CheckInDirection.OUT:
        return CheckInResult.OK  # anyone holding a genuine ticket may leave
    if is_cancelled or order_status == OrderStatus.CANCELLED:
        return CheckInResult.CANCELLED
    if order_status != OrderStatus.PAID:
        return CheckInResult.UNPAID
    if not rules.admits_type:
        return CheckInResult.WRONG_LIST
    if not _valid_at(event=event, checkin_list=rules.checkin_list, valid_on=_date(valid_on), at=at):
        return CheckInResult.NOT_VALID_NOW
    if rules.checkin_list.allows_reentry:
        if rules.last_direction == CheckInDirection.IN:
            return CheckInResult.ALREADY_CHECKED_IN
    elif rules.has_entered:
        return CheckInResult.ALREADY_CHECKED_IN
    return CheckInResult.OK


def _scan_ticket(row: tuple[Any, ...]) -> ScanTicket:
    pk, _code, _cancelled, name, type_id, _status, order_code, valid_on, name_de, name_en = row
    return ScanTicket(
        id=pk,
        attendee_name=name,
        ticket_type_id=type_id,
        ticket_type_names={"de": name_de, "en": name_en},
        valid_on=_date(valid_on),
        order_code=order_code,
    )


def _replay(previous_id: int) -> ScanOutcome:
    """The answer a scan gave the first time its nonce was seen."""
    existing = CheckIn.objects.select_related("checkin_list", "ticket__ticket_type", "ticket__order").get(
        pk=previous_id
    )
    ticket = existing.ticket
    return ScanOutcome(
        result=existing.result,
        checkin_list=existing.checkin_list,
        direction=existing.direction,
        ticket=ScanTicket(
            id=ticket.pk,
            attendee_name=ticket.attendee_name,
            ticket_type_id=ticket.ticket_type_id,
            ticket_type_names={"de": ticket.ticket_type.name_de, "en": ticket.ticket_type.name_en},
            valid_on=ticket.ticket_type.valid_on,
            order_code=ticket.order.code,
        )
        if ticket is not None
        else None,
        scanned_at=existing.scanned_at,
        duplicate=True,
        conflict=existing.is_conflict,
        nonce=existing.nonce,
    )


def ticket_scan(
    *,
    event: Event,
    code: str,
    checkin_list_id: int | None = None,
    direction: str = CheckInDirection.IN,
    device: Device | None = None,
    user: Any = None,
    nonce: str = "",
    scanned_at: dt.datetime | None = None,
    judge_at: dt.datetime | None = None,
    offline_result: str = "",
    is_offline: bool = False,
) -> ScanOutcome:
    """Decide one scan and record it.

    The list is `checkin_list_id`, else the device's list, else the edition's default list
    (`CheckInListNotFound` when there is none). `scanned_at` is when the device saw the code
    (default: now); the rules (days, hours) apply at `judge_at` (default: now; sync passes the
    scan's own time). An offline scan that the device admitted (`offline_result == "ok"`) but that
    the server refuses is marked a conflict.
    """
    now = timezone.now()
    # A device clock that runs ahead must not reorder the history ("last direction" goes by scanned_at).
    scanned_at = min(scanned_at or now, now)
    judge_at = judge_at or now
    if checkin_list_id is None and device is not None:
        checkin_list_id = device.checkin_list_id
    claim = verify_ticket(code)
    ticket_id = claim.ticket_id if claim is not None and claim.event_id == event.pk else None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            row = _lock_ticket(cursor, ticket_id=ticket_id, event_id=event.pk) if ticket_id is not None else None
            rules = _rules(
                cursor,
                event=event,
                list_id=checkin_list_id,
                ticket_id=row[0] if row else None,
                type_id=row[4] if row else None,
                nonce=nonce,
            )
            if rules.previous_id is not None:
                return _replay(rules.previous_id)
            result = _decide(event=event, row=row, code=code, rules=rules, direction=direction, at=judge_at)
            conflict = is_offline and offline_result == CheckInResult.OK and result != CheckInResult.OK
            adapt = connection.ops.adapt_datetimefield_value
            cursor.execute(
                _INSERT_SQL,
                [
                    event.pk,
                    row[0] if row else None,
                    rules.checkin_list.pk,
                    direction,
                    result,
                    device.pk if device is not None else None,
                    user.pk if getattr(user, "pk", None) else None,
                    nonce,
                    "" if row else code[:MAX_CODE_LENGTH],
                    adapt(scanned_at),
                    adapt(now),
                    is_offline,
                    offline_result,
                    conflict,
                ],
            )
    except IntegrityError:
        # The same nonce raced in on another connection (a code that names no ticket takes no lock).
        previous = (
            CheckIn.objects.filter(event=event, nonce=nonce).values_list("pk", flat=True).first() if nonce else None
        )
        if previous is None:
            raise
        return _replay(previous)
    return ScanOutcome(
        result=result,
        checkin_list=rules.checkin_list,
        direction=direction,
        ticket=_scan_ticket(row) if row else None,
        scanned_at=scanned_at,
        conflict=conflict,
        nonce=nonce,
    )


def checkin_sync(
    *, event: Event, scans: Sequence[OfflineScan], device: Device | None = None, user: Any = None
) -> list[ScanOutcome]:
    """Record a batch of offline scans, each once (by nonce), each judged at its own time.

    Scans are applied in the order they happened (`scanned_at`), so a device's entry and exit
    while offline count in the right order; the answers come back in the order sent.
    """
    now = timezone.now()
    outcomes: dict[int, ScanOutcome] = {}
    order = sorted(range(len(scans)), key=lambda i: scans[i].scanned_at)
    for index in order:
        scan = scans[index]
        # A device's clock may run ahead: a scan is never judged later than its upload.
        scanned_at = min(scan.scanned_at, now)
        outcomes[index] = ticket_scan(
            event=event,
            code=scan.code,
            checkin_list_id=scan.checkin_list_id,
            direction=scan.direction,
            device=device,
            user=user,
            nonce=scan.nonce,
            scanned_at=scanned_at,
            judge_at=scanned_at,
            offline_result=scan.offline_result,
            is_offline=True,
        )
    return [outcomes[i] for i in range(len(scans))]
