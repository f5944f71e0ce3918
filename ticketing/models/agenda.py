"""The attendee's agenda: workshop seats tied to tickets, waiting lists, starred sessions.

A ticket holder identifies by the order's secret link (no account). A seat is a `SeatBooking`
of one ticket for one session with limited seats (`Session.seat_capacity` as published); at most
one active booking per ticket and session (a partial unique constraint), and never more active
bookings than seats: the services lock the session's row before they count. A full session has a
`WaitingListEntry` queue, first come first served; a freed seat goes to the first in line in the
same transaction. Stars (`AgendaStar`) are the sessions a holder wants to see. Bookings and stars
remember the release they were made against (`seen_release`), so the agenda can say what moved or
was cancelled since. `AgendaFeed` holds the private token of a ticket's iCalendar feed.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programme.models import ScheduleRelease, Session
from ticketing.models.shop import Ticket


def generate_feed_token() -> str:
    return secrets.token_urlsafe(24)


class SeatBooking(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="seat_bookings", verbose_name=_("ticket"))
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="seat_bookings", verbose_name=_("session")
    )
    booked_at = models.DateTimeField(_("booked at"))
    from_waiting_list = models.BooleanField(_("from the waiting list"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    seen_release = models.ForeignKey(
        ScheduleRelease, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("seat booking")
        verbose_name_plural = _("seat bookings")
        ordering = ["session", "booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "session"], condition=Q(cancelled_at__isnull=True), name="seat_one_active_per_ticket"
            )
        ]
        indexes = [models.Index(fields=["session", "cancelled_at"])]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.session}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class WaitingListEntry(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="waiting_list_entries", verbose_name=_("ticket")
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="waiting_list_entries", verbose_name=_("session")
    )
    joined_at = models.DateTimeField(_("joined at"))
    promoted_at = models.DateTimeField(_("got a seat at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["session", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "session"],
                condition=Q(promoted_at__isnull=True, left_at__isnull=True),
                name="waiting_one_per_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.session}"

    @property
    def is_waiting(self) -> bool:
        return self.promoted_at is None and self.left_at is None


class AgendaStar(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="agenda_stars", verbose_name=_("ticket"))
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="agenda_stars", verbose_name=_("session")
    )
    starred_at = models.DateTimeField(_("starred at"))
    seen_release = models.ForeignKey(
        ScheduleRelease, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("starred session")
        verbose_name_plural = _("starred sessions")
        ordering = ["ticket", "session"]
        constraints = [models.UniqueConstraint(fields=["ticket", "session"], name="agenda_star_unique")]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.session}"


class AgendaFeed(models.Model):
    """The private address of a ticket's agenda as an iCalendar feed (`/<event>/agenda/<token>.ics`)."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="agenda_feed", verbose_name=_("ticket")
    )
    token = models.CharField(max_length=64, unique=True, default=generate_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda feed")
        verbose_name_plural = _("agenda feeds")

    def __str__(self) -> str:
        return str(self.ticket)
