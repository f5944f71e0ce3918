from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionFormat(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote")
    PANEL = "panel", _("Panel")
    TALK = "talk", _("Talk")
    BEST_PRACTICE = "best_practice", _("Best-practice talk")
    WORKSHOP = "workshop", _("Workshop")
    PITCH = "pitch", _("Start-up pitch")
    HACKATHON = "hackathon", _("Hackathon")
    SIDE_EVENT = "side_event", _("Side event")
    RECEPTION = "reception", _("Reception")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class SessionLanguage(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class SpeakerRole(models.TextChoices):
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")
    HOST = "host", _("Host")


class RoomKind(models.TextChoices):
    STAGE = "stage", _("Stage")
    WORKSHOP = "workshop", _("Workshop room")
    MEETING = "meeting", _("Meeting room")
    HALL = "hall", _("Exhibition hall")


class ConflictKind(models.TextChoices):
    ROOM_DOUBLE_BOOKED = "room_double_booked", _("Room double-booked")
    SPEAKER_DOUBLE_BOOKED = "speaker_double_booked", _("Speaker in two places at once")
    OUTSIDE_EVENT_DAYS = "outside_event_days", _("Outside the event's days")
    OUTSIDE_OPENING_HOURS = "outside_opening_hours", _("Outside the venue's opening hours")
    CAPACITY_ABOVE_ROOM = "capacity_above_room", _("Seats above the room's capacity")
