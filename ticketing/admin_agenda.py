"""Admin for the attendee's agenda: seat bookings and waiting lists (changed only through the
services, so freed seats go to the waiting list), and the seats overview per workshop."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programme.models import ReleasedSession
from programme.selectors import event_picked, release_latest
from ticketing.admin import ReadOnlyMixin  # (ticketing.admin imports this module at its end)
from ticketing.models import SeatBooking, WaitingListEntry
from ticketing.selectors_agenda import seat_figures
from ticketing.services.agenda import seat_cancel, seats_fill, waitlist_leave


@admin.register(SeatBooking)
class SeatBookingAdmin(ReadOnlyMixin, admin.ModelAdmin[SeatBooking]):
    list_display = ["session", "holder", "order_code", "booked_at", "from_waiting_list", "cancelled_at"]
    list_filter = ["session__event", ("cancelled_at", admin.EmptyFieldListFilter), "from_waiting_list", "session"]
    list_select_related = ["session", "ticket__order"]
    search_fields = ["ticket__attendee_name", "ticket__order__code", "session__title_de", "session__code"]
    ordering = ["session", "booked_at"]
    actions = ["cancel"]

    @admin.display(description=_("holder"), ordering="ticket__attendee_name")
    def holder(self, obj: SeatBooking) -> str:
        return obj.ticket.attendee_name

    @admin.display(description=_("order"), ordering="ticket__order__code")
    def order_code(self, obj: SeatBooking) -> str:
        return obj.ticket.order.code

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ticketing.delete_seatbooking")

    @admin.action(description=_("Cancel the selected seats (the waiting list moves up)"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[SeatBooking]) -> None:
        done = 0
        for booking in queryset.filter(cancelled_at__isnull=True).select_related("ticket"):
            seat_cancel(ticket=booking.ticket, session_id=booking.session_id)
            done += 1
        self.message_user(
            request, ngettext("%(count)d seat cancelled.", "%(count)d seats cancelled.", done) % {"count": done}
        )

    def get_urls(self) -> list[URLPattern]:
        extra = [path("seats/", self.admin_site.admin_view(self.seats_view), name="ticketing_seatbooking_seats")]
        return extra + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "seats_url": reverse("admin:ticketing_seatbooking_seats")}
        return super().changelist_view(request, extra_context)

    def seats_view(self, request: HttpRequest) -> HttpResponse:
        """Per published session with limited seats: seats, taken, free and waiting."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event, events = event_picked(event_id=request.GET.get("event"))
        release = release_latest(event=event) if event else None
        figures = seat_figures(release=release)
        sessions = (
            ReleasedSession.objects.filter(release=release, session_id__in=list(figures))
            .select_related("room")
            .order_by("starts_at", "room__position")
            if release
            else ReleasedSession.objects.none()
        )
        rows = [{"session": s, "figures": figures[s.session_id]} for s in sessions]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Workshop seats"),
            "event": event,
            "events": events,
            "rows": rows,
        }
        return render(request, "admin/ticketing/seatbooking/seats.html", context)


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(ReadOnlyMixin, admin.ModelAdmin[WaitingListEntry]):
    list_display = ["session", "holder", "joined_at", "promoted_at", "left_at"]
    list_filter = [
        "session__event",
        ("promoted_at", admin.EmptyFieldListFilter),
        ("left_at", admin.EmptyFieldListFilter),
        "session",
    ]
    list_select_related = ["session", "ticket"]
    search_fields = ["ticket__attendee_name", "ticket__order__code", "session__title_de"]
    ordering = ["session", "joined_at", "pk"]
    actions = ["remove", "fill"]

    @admin.display(description=_("holder"), ordering="ticket__attendee_name")
    def holder(self, obj: WaitingListEntry) -> str:
        return obj.ticket.attendee_name

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ticketing.change_waitinglistentry")

    @admin.action(description=_("Remove the selected people from the waiting list"), permissions=["manage"])
    def remove(self, request: HttpRequest, queryset: QuerySet[WaitingListEntry]) -> None:
        done = sum(
            waitlist_leave(ticket=entry.ticket, session_id=entry.session_id)
            for entry in queryset.filter(promoted_at__isnull=True, left_at__isnull=True).select_related("ticket")
        )
        self.message_user(request, ngettext("%(count)d removed.", "%(count)d removed.", done) % {"count": done})

    @admin.action(description=_("Give free seats of these sessions to their waiting lists"), permissions=["manage"])
    def fill(self, request: HttpRequest, queryset: QuerySet[WaitingListEntry]) -> None:
        promoted = seats_fill(session_ids=set(queryset.values_list("session_id", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d person got a seat.", "%(count)d people got a seat.", len(promoted))
            % {"count": len(promoted)},
            messages.SUCCESS if promoted else messages.INFO,
        )
