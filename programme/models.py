"""The programme: editions, the venue and its rooms, tracks, sessions, speakers, releases.

Organisers edit `Session` rows freely. The public only ever sees a `ScheduleRelease`: a frozen
copy of the schedule (`ReleasedSession` rows) made when an organiser publishes.
"""

import datetime as dt
import secrets
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.i18n import Translated, translated_char_fields, translated_text_fields
from config.uploads import validate_web_image
from programme.enums import RoomKind, SessionFormat, SessionLanguage, SessionStatus, SpeakerRole

BERLIN = ZoneInfo("Europe/Berlin")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ3456789"
hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb."))


RESERVED_SLUGS = {
    "admin",
    "api",
    "i18n",
    "static",
    "media",
    "favicon.ico",
    "robots.txt",
    "login",
    "logout",
    # the site-wide legal pages (config/legal.py)
    "terms",
    "privacy",
    "imprint",
    "accessibility",
}


def not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is used by the site itself."), params={"slug": value})


def generate_session_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def validate_speaker_photo(file: Any) -> None:
    """A real PNG, JPEG or WebP image (checked by content, not name) of at most 2 MB."""
    validate_web_image(file)


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="DE")
    website = models.URLField(_("website"), blank=True)
    directions_de, directions_en = translated_text_fields(_("directions"))
    opens_at = models.TimeField(_("opens at"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(18, 0))
    updated_at = models.DateTimeField(auto_now=True)

    directions = Translated("directions")

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return ", ".join(part for part in [self.street, f"{self.postcode} {self.city}".strip()] if part)


class Hall(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="halls", verbose_name=_("venue"))
    name = models.CharField(_("name"), max_length=100)
    level = models.SmallIntegerField(_("level"), default=0)
    description_de, description_en = translated_text_fields(_("description"))

    description = Translated("description")

    class Meta:
        verbose_name = _("hall")
        verbose_name_plural = _("halls")
        ordering = ["venue", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["venue", "name"], name="hall_unique_name")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("venue"))
    hall = models.ForeignKey(
        Hall, on_delete=models.SET_NULL, null=True, blank=True, related_name="rooms", verbose_name=_("hall")
    )
    name_de, name_en = translated_char_fields(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.STAGE)
    level = models.SmallIntegerField(_("level"), default=0)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    accessibility_notes_de, accessibility_notes_en = translated_text_fields(_("accessibility notes"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    name = Translated("name")
    accessibility_notes = Translated("accessibility_notes")

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["position", "name_de"]
        constraints = [models.UniqueConstraint(fields=["venue", "name_de"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name_de


class EventQuerySet(models.QuerySet["Event"]):
    def public(self) -> "EventQuerySet":
        return self.filter(is_public=True)


class Event(models.Model):
    """One edition of the convention, e.g. `sccon2019`."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True, validators=[not_reserved])
    name_de, name_en = translated_char_fields(_("name"))
    tagline_de, tagline_en = translated_char_fields(_("tagline"), max_length=300, required=False)
    description_de, description_en = translated_text_fields(_("description"))
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="events", verbose_name=_("venue"))
    start_on = models.DateField(_("first day"))
    end_on = models.DateField(_("last day"))
    website = models.URLField(_("website"), blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#004b87", validators=[hex_colour])
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    name = Translated("name")
    tagline = Translated("tagline")
    description = Translated("description")

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-start_on"]
        constraints = [models.CheckConstraint(condition=Q(end_on__gte=F("start_on")), name="event_end_after_start")]

    def __str__(self) -> str:
        return self.name_de

    def get_absolute_url(self) -> str:
        return reverse("programme:event", kwargs={"event": self.slug})

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_on - self.start_on).days + 1
        return [self.start_on + dt.timedelta(days=i) for i in range(count)]

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start_on, dt.time.min, tzinfo=BERLIN)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end_on + dt.timedelta(days=1), dt.time.min, tzinfo=BERLIN)


class OpeningHours(models.Model):
    """The venue's hours on one day of an edition; days without a row use the venue's default."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("edition"))
    day_on = models.DateField(_("day"))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["event", "day_on"]
        constraints = [
            models.UniqueConstraint(fields=["event", "day_on"], name="opening_hours_unique_day"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="opening_hours_close_after_open"),
        ]

    def __str__(self) -> str:
        return f"{self.day_on:%Y-%m-%d} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Track(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("edition"))
    slug = models.SlugField(_("short name"), max_length=50)
    name_de, name_en = translated_char_fields(_("name"), max_length=100)
    description_de, description_en = translated_text_fields(_("description"))
    colour = models.CharField(_("colour"), max_length=7, default="#005f87", validators=[hex_colour])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    name = Translated("name")
    description = Translated("description")

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["position", "name_de"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="track_unique_slug")]

    def __str__(self) -> str:
        return self.name_de


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position_de, position_en = translated_char_fields(_("position"), required=False)
    bio_de, bio_en = translated_text_fields(_("biography"))
    photo = models.ImageField(
        _("photo"),
        upload_to="speakers/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"]), validate_speaker_photo],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    email = models.EmailField(_("e-mail (not public)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    position = Translated("position")
    bio = Translated("bio")

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="speaker_unique_slug")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme:speaker", kwargs={"event": self.event.slug, "slug": self.slug})


class SpeakerLink(models.Model):
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="links", verbose_name=_("speaker"))
    label = models.CharField(_("label"), max_length=100)
    url = models.URLField(_("address"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class SessionQuerySet(models.QuerySet["Session"]):
    def scheduled(self) -> "SessionQuerySet":
        return self.filter(starts_at__isnull=False, ends_at__isnull=False, room__isnull=False)

    def on_day(self, day: dt.date) -> "SessionQuerySet":
        start = dt.datetime.combine(day, dt.time.min, tzinfo=BERLIN)
        return self.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))


class Session(models.Model):
    """A slot of the programme as organisers edit it (never shown to the public directly)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("edition"))
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=8, unique=True, default=generate_session_code, editable=False)
    title_de, title_en = translated_char_fields(_("title"), max_length=300)
    abstract_de, abstract_en = translated_text_fields(_("abstract"))
    description_de, description_en = translated_text_fields(_("description"))
    format = models.CharField(_("format"), max_length=20, choices=SessionFormat.choices, default=SessionFormat.TALK)
    language = models.CharField(
        _("language"), max_length=2, choices=SessionLanguage.choices, default=SessionLanguage.GERMAN
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions", verbose_name=_("track")
    )
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions", verbose_name=_("room")
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    seat_capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Only for sessions with limited seats, such as workshops.")
    )
    speakers = models.ManyToManyField(Speaker, through="SessionSpeaker", related_name="sessions", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = Translated("title")
    abstract = Translated("abstract")
    description = Translated("description")

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room__position", "id"]
        indexes = [models.Index(fields=["event", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at")),
                name="session_end_after_start",
                violation_error_message=_("A session needs both a start and a later end, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.title_de

    def clean(self) -> None:
        errors = {}
        if self.track is not None and self.event_id and self.track.event_id != self.event_id:
            errors["track"] = _("This track belongs to another edition.")
        if self.room is not None and self.event_id and self.room.venue_id != self.event.venue_id:
            errors["room"] = _("This room is not in the edition's venue.")
        if errors:
            raise ValidationError(errors)


class SessionSpeaker(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="session_speakers", verbose_name=_("session")
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="session_speakers", verbose_name=_("speaker")
    )
    role = models.CharField(_("role"), max_length=20, choices=SpeakerRole.choices, default=SpeakerRole.SPEAKER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("speaker of a session")
        verbose_name_plural = _("speakers of a session")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "speaker"], name="session_speaker_unique")]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.speaker_id and self.session_id and self.speaker.event_id != self.session.event_id:
            raise ValidationError({"speaker": _("This speaker belongs to another edition.")})


class ScheduleRelease(models.Model):
    """A published version of an edition's schedule. The newest one is what the public sees."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="releases", verbose_name=_("edition"))
    sequence = models.PositiveIntegerField(_("number"))
    version = models.CharField(_("version"), max_length=50)
    comment_de, comment_en = translated_text_fields(_("comment"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedule_releases",
        verbose_name=_("published by"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    comment = Translated("comment")

    class Meta:
        verbose_name = _("schedule release")
        verbose_name_plural = _("schedule releases")
        ordering = ["event", "-sequence"]
        get_latest_by = "sequence"
        constraints = [
            models.UniqueConstraint(fields=["event", "sequence"], name="release_unique_sequence"),
            models.UniqueConstraint(fields=["event", "version"], name="release_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} {self.version}"


class ReleasedSessionQuerySet(models.QuerySet["ReleasedSession"]):
    def on_day(self, day: dt.date) -> "ReleasedSessionQuerySet":
        start = dt.datetime.combine(day, dt.time.min, tzinfo=BERLIN)
        return self.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))

    def active(self) -> "ReleasedSessionQuerySet":
        return self.exclude(status=SessionStatus.CANCELLED)


class ReleasedSession(models.Model):
    """A session as it was published in one release."""

    release = models.ForeignKey(
        ScheduleRelease, on_delete=models.CASCADE, related_name="released_sessions", verbose_name=_("release")
    )
    session = models.ForeignKey(
        Session, on_delete=models.RESTRICT, related_name="released_versions", verbose_name=_("session")
    )
    title_de = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    abstract_de = models.TextField(blank=True)
    abstract_en = models.TextField(blank=True)
    description_de = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    format = models.CharField(max_length=20, choices=SessionFormat.choices)
    language = models.CharField(max_length=2, choices=SessionLanguage.choices)
    track = models.ForeignKey(Track, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.RESTRICT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=SessionStatus.choices)
    seat_capacity = models.PositiveIntegerField(null=True, blank=True)

    title = Translated("title")
    abstract = Translated("abstract")
    description = Translated("description")

    objects = ReleasedSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("released session")
        verbose_name_plural = _("released sessions")
        ordering = ["starts_at", "room__position", "session_id"]
        indexes = [models.Index(fields=["release", "starts_at"])]
        constraints = [models.UniqueConstraint(fields=["release", "session"], name="released_session_unique")]

    def __str__(self) -> str:
        return self.title_de

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at


class ReleasedSessionSpeaker(models.Model):
    released_session = models.ForeignKey(ReleasedSession, on_delete=models.CASCADE, related_name="released_speakers")
    speaker = models.ForeignKey(Speaker, on_delete=models.RESTRICT, related_name="released_appearances")
    role = models.CharField(max_length=20, choices=SpeakerRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["released_session", "speaker"], name="released_session_speaker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.speaker_id} in {self.released_session_id}"
