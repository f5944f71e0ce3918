from django.db import models
from django.utils.translation import gettext_lazy as _


class BoothType(models.TextChoices):
    """By open sides: more open sides cost more per m²."""

    ROW = "row", _("Row booth (1 side open)")
    CORNER = "corner", _("Corner booth (2 sides open)")
    PENINSULA = "peninsula", _("Peninsula booth (3 sides open)")
    ISLAND = "island", _("Island booth (4 sides open)")


class BoothStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    BOOKED = "booked", _("Booked")
    BLOCKED = "blocked", _("Blocked")


class BookingStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
