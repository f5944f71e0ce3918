"""Door check-in: devices, and deciding and recording scans (online and uploaded from offline).

A scan is decided inside one transaction with the ticket's row locked (`SELECT … FOR UPDATE` on
PostgreSQL; SQLite's `BEGIN IMMEDIATE` takes the database's write lock), so two doors scanning one
ticket at the same moment get exactly one `ok`. Every decided scan is recorded as a `CheckIn` row;
a scan whose nonce was seen before answers what the first one answered and records nothing new.
"""

import datetime as dt
from typing import Any
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programme.models import BERLIN, Event
from ticketing.enums import CheckInDirection, CheckInResult, DeviceKind, OrderStatus
from ticketing.exceptions import CheckInListNotFound
from ticketing.models import CheckIn, CheckInList, Device, Ticket, generate_device_token, token_digest
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
    ticket: Ticket | None
    checkin: CheckIn | None
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
    device.refresh_from_db(fields=["revoked_at"])
    return device


def device_for_token(token: str) -> Device | None:
    """The active device holding `token`, or None. Looked up by digest: no timing side channel on the token."""
    if not token or len(token) > 200:
        return None
    return Device.objects.active().select_related("event").filter(token_digest=token_digest(token)).first()


def device_touch(*, device: Device, now: dt.datetime | None = None) -> None:
    """Record the device's last contact (at most every `LAST_SEEN_EVERY`)."""
    now = now or timezone.now()
    if device.last_seen_at is None or now - device.last_seen_at >= LAST_SEEN_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


# Lists --------------------------------------------------------------------------------------------


def checkin_list_for_scan(*, event: Event, list_id: int | None, device: Device | None) -> CheckInList:
    """The list a scan applies to: the one it names, else the device's, else the edition's default."""
    lists = CheckInList.objects.filter(event=event)
    found: CheckInList | None
    if list_id is not None:
        found = lists.filter(pk=list_id).first()
    elif device is not None and device.checkin_list_id is not None:
        found = lists.filter(pk=device.checkin_list_id).first()
    else:
        found = lists.filter(is_default=True).first()
    if found is None:
        raise CheckInListNotFound()
    return found


def _admits_type(checkin_list: CheckInList, ticket_type_id: int) -> bool:
    if checkin_list.all_ticket_types:
        return True
    return checkin_list.ticket_types.filter(pk=ticket_type_id).exists()


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


def _decide(
    *, event: Event, ticket: Ticket | None, code: str, checkin_list: CheckInList, direction: str, at: dt.datetime
) -> str:
    if ticket is None:
        return CheckInResult.INVALID
    if ticket.code != code:
        return CheckInResult.REVOKED
    if direction == CheckInDirection.OUT:
        return CheckInResult.OK  # anyone holding a genuine ticket may leave
    order = ticket.order
    if ticket.is_cancelled or order.status == OrderStatus.CANCELLED:
        return CheckInResult.CANCELLED
    if order.status != OrderStatus.PAID:
        return CheckInResult.UNPAID
    if not _admits_type(checkin_list, ticket.ticket_type_id):
        return CheckInResult.WRONG_LIST
    if not _valid_at(event=event, checkin_list=checkin_list, valid_on=ticket.ticket_type.valid_on, at=at):
        return CheckInResult.NOT_VALID_NOW
    accepted = CheckIn.objects.filter(ticket=ticket, checkin_list=checkin_list, result=CheckInResult.OK)
    if checkin_list.allows_reentry:
        last = accepted.order_by("-scanned_at", "-pk").values_list("direction", flat=True).first()
        if last == CheckInDirection.IN:
            return CheckInResult.ALREADY_CHECKED_IN
    elif accepted.filter(direction=CheckInDirection.IN).exists():
        return CheckInResult.ALREADY_CHECKED_IN
    return CheckInResult.OK


def _replay(existing: CheckIn, *, checkin_list: CheckInList) -> ScanOutcome:
    ticket = existing.ticket
    return ScanOutcome(
        result=existing.result,
        checkin_list=existing.checkin_list if existing.checkin_list_id != checkin_list.pk else checkin_list,
        direction=existing.direction,
        ticket=ticket,
        checkin=existing,
        duplicate=True,
        conflict=existing.is_conflict,
        nonce=existing.nonce,
    )


def _previous(*, event: Event, nonce: str) -> CheckIn | None:
    if not nonce:
        return None
    return (
        CheckIn.objects.select_related("checkin_list", "ticket__ticket_type", "ticket__order")
        .filter(event=event, nonce=nonce)
        .first()
    )


def ticket_scan(
    *,
    event: Event,
    code: str,
    checkin_list: CheckInList,
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

    `scanned_at` is when the device saw the code (default: now); the rules (days, hours) are
    applied at `judge_at` (default: now; sync passes the scan's own time). An offline scan that the
    device admitted (`offline_result == "ok"`) but that the server refuses is marked a conflict.
    """
    now = timezone.now()
    scanned_at = scanned_at or now
    judge_at = judge_at or now
    claim = verify_ticket(code)
    ticket_id = claim.ticket_id if claim is not None and claim.event_id == event.pk else None
    try:
        with transaction.atomic():
            ticket: Ticket | None = None
            if ticket_id is not None:
                ticket = (
                    Ticket.objects.select_for_update(of=("self",))
                    .select_related("order", "ticket_type")
                    .filter(pk=ticket_id, order__event=event)
                    .first()
                )
            # Checked after the ticket's lock: two resends of one scan queue on it, the second sees the first.
            previous = _previous(event=event, nonce=nonce)
            if previous is not None:
                return _replay(previous, checkin_list=checkin_list)
            result = _decide(
                event=event, ticket=ticket, code=code, checkin_list=checkin_list, direction=direction, at=judge_at
            )
            conflict = is_offline and offline_result == CheckInResult.OK and result != CheckInResult.OK
            checkin = CheckIn.objects.create(
                event=event,
                ticket=ticket,
                checkin_list=checkin_list,
                direction=direction,
                result=result,
                device=device,
                user=user if getattr(user, "pk", None) else None,
                nonce=nonce,
                raw_code="" if ticket is not None else code[:MAX_CODE_LENGTH],
                scanned_at=scanned_at,
                is_offline=is_offline,
                offline_result=offline_result,
                is_conflict=conflict,
            )
    except IntegrityError:
        # The same nonce raced in on another connection (a code that names no ticket takes no lock).
        previous = _previous(event=event, nonce=nonce)
        if previous is None:
            raise
        return _replay(previous, checkin_list=checkin_list)
    return ScanOutcome(
        result=result,
        checkin_list=checkin_list,
        direction=direction,
        ticket=ticket,
        checkin=checkin,
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
    lists: dict[int | None, CheckInList] = {}
    outcomes: dict[int, ScanOutcome] = {}
    order = sorted(range(len(scans)), key=lambda i: scans[i].scanned_at)
    for index in order:
        scan = scans[index]
        # A device's clock may run ahead: a scan is never judged later than its upload.
        scanned_at = min(scan.scanned_at, now)
        if scan.checkin_list_id not in lists:
            lists[scan.checkin_list_id] = checkin_list_for_scan(
                event=event, list_id=scan.checkin_list_id, device=device
            )
        outcomes[index] = ticket_scan(
            event=event,
            code=scan.code,
            checkin_list=lists[scan.checkin_list_id],
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
