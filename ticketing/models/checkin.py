"""Door check-in: check-in lists (who may pass an entrance, when), scanner devices, and every scan.

A `CheckIn` row is written for every scan the server decides, refusals included, so the admin
shows what happened at each door. Accepted entries and exits (`result = ok`) are what count for
"already checked in" and for the live figures.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.i18n import Translated, translated_char_fields
from programme.models import Event, Session
from ticketing.enums import CheckInDirection, CheckInResult, DeviceKind
from ticketing.models.shop import Ticket, TicketType

TOKEN_PREFIX_LENGTH = 8


def token_digest(token: str) -> str:
    """How a device token is stored: its SHA-256 (the token itself is shown once, never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def generate_device_token() -> str:
    return secrets.token_urlsafe(32)


class CheckInList(models.Model):
    """Who may pass one entrance: which ticket types, at which hours, with or without re-entry."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkin_lists", verbose_name=_("edition"))
    name_de, name_en = translated_char_fields(_("name"))
    all_ticket_types = models.BooleanField(_("all ticket types"), default=True)
    ticket_types = models.ManyToManyField(
        TicketType,
        related_name="checkin_lists",
        blank=True,
        verbose_name=_("ticket types"),
        help_text=_("Admitted when “all ticket types” is off."),
    )
    opens_at = models.TimeField(
        _("opens at"), null=True, blank=True, help_text=_("Berlin time, every day of the edition; empty: all day.")
    )
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    allows_reentry = models.BooleanField(_("re-entry allowed"), default=True)
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkin_lists",
        verbose_name=_("workshop"),
        help_text=_("A workshop's list admits exactly the holders of a seat in it (on top of the rules above)."),
    )
    is_default = models.BooleanField(
        _("default list"), default=False, help_text=_("Used by scans and devices that name no list (main entrance).")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    name = Translated("name")

    class Meta:
        verbose_name = _("check-in list")
        verbose_name_plural = _("check-in lists")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event"], condition=Q(is_default=True), name="checkin_list_one_default"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False, closes_at__gt=models.F("opens_at")),
                name="checkin_list_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name_de


class DeviceQuerySet(models.QuerySet["Device"]):
    def active(self) -> "DeviceQuerySet":
        return self.filter(revoked_at__isnull=True)


class Device(models.Model):
    """A scanner with an API token (`Authorization: Device <token>`): a door scanner, or (with the
    exhibitors app) an exhibitor's lead scanner. Each kind can do only its own job."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="devices", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=DeviceKind.choices, default=DeviceKind.DOOR)
    checkin_list = models.ForeignKey(
        CheckInList,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("check-in list"),
        help_text=_("Scans that name no list use this one; empty: the edition's default list."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="de")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token starts with"), max_length=TOKEN_PREFIX_LENGTH, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("scanner device")
        verbose_name_plural = _("scanner devices")
        ordering = ["event", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CheckIn(models.Model):
    """One scan the server decided (online, or uploaded by a device after it was offline)."""

    # Every scan inserts a row: no index that a composite one below already covers (event, ticket).
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("edition"), db_index=False
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("ticket"),
        db_index=False,
    )
    checkin_list = models.ForeignKey(
        CheckInList, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("check-in list")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=CheckInDirection.choices)
    result = models.CharField(_("result"), max_length=20, choices=CheckInResult.choices)
    device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins", verbose_name=_("device")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door staff"),
        db_index=False,  # users are deleted rarely; a scan should not pay for it
    )
    nonce = models.CharField(_("nonce"), max_length=64, blank=True)
    # What was scanned when it named no ticket (truncated), for the organisers' eyes only.
    raw_code = models.CharField(_("scanned code"), max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), help_text=_("When the scan happened on the device."))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    is_offline = models.BooleanField(_("scanned offline"), default=False)
    offline_result = models.CharField(_("result shown offline"), max_length=20, blank=True)
    is_conflict = models.BooleanField(_("conflict"), default=False)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-scanned_at", "-pk"]
        permissions = [("scan_ticket", _("Can scan tickets at the door"))]
        indexes = [
            models.Index(fields=["ticket", "checkin_list", "result"]),
            models.Index(fields=["event", "result", "scanned_at"]),
            models.Index(fields=["event"], condition=Q(is_conflict=True), name="checkin_conflicts"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "nonce"], condition=~Q(nonce=""), name="checkin_unique_nonce"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.result} {self.scanned_at:%Y-%m-%d %H:%M}"
