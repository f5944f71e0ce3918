"""Django admin for organisers: the agenda, its conflicts, a timetable and the release step."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.exceptions import ApplicationError
from programme.models import (
    BERLIN,
    Event,
    Hall,
    OpeningHours,
    ReleasedSession,
    Room,
    ScheduleRelease,
    Session,
    SessionSpeaker,
    Speaker,
    SpeakerLink,
    Track,
    Venue,
)
from programme.selectors import (
    release_changes_display,
    release_diff,
    release_diff_digest,
    release_latest,
    session_conflicts,
    sessions_for_release,
    timetable_grid,
)
from programme.services import schedule_release_publish, sessions_cancel, sessions_confirm


class HallInline(admin.TabularInline[Hall, Venue]):
    model = Hall
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ["name", "city", "opens_at", "closes_at"]
    list_filter = ["city"]
    search_fields = ["name", "city"]
    ordering = ["name"]
    inlines = [HallInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin[Room]):
    list_display = ["name_de", "name_en", "kind", "hall", "level", "capacity", "position"]
    list_editable = ["position"]
    list_filter = ["venue", "kind", "hall", "level"]
    list_select_related = ["hall"]
    search_fields = ["name_de", "name_en"]
    ordering = ["venue", "position", "name_de"]


class OpeningHoursInline(admin.TabularInline[OpeningHours, Event]):
    model = OpeningHours
    extra = 0


class TrackInline(admin.TabularInline[Track, Event]):
    model = Track
    extra = 0
    fields = ["name_de", "name_en", "slug", "colour", "position"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ["name_de", "slug", "start_on", "end_on", "venue", "is_public", "latest_release"]
    list_filter = ["is_public", "venue"]
    list_select_related = ["venue"]
    search_fields = ["name_de", "name_en", "slug"]
    ordering = ["-start_on"]
    prepopulated_fields = {"slug": ["name_de"]}
    inlines = [OpeningHoursInline, TrackInline]
    actions = ["publish_release"]

    @admin.display(description=_("latest release"))
    def latest_release(self, obj: Event) -> str:
        release = release_latest(event=obj)
        return release.version if release else "—"

    @admin.action(description=_("Publish a schedule release"), permissions=["publish"])
    def publish_release(self, request: HttpRequest, queryset: QuerySet[Event]) -> HttpResponseRedirect | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one edition to publish."), messages.ERROR)
            return None
        event = queryset.get()
        return redirect(reverse("admin:programme_session_publish") + f"?event={event.pk}")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("programme.add_schedulerelease")


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin[Track]):
    list_display = ["name_de", "name_en", "event", "colour_swatch", "position"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["name_de", "name_en", "slug"]
    ordering = ["event", "position"]
    prepopulated_fields = {"slug": ["name_en"]}

    @admin.display(description=_("colour"))
    def colour_swatch(self, obj: Track) -> str:
        return format_html(
            # An SVG fill, not a style attribute: the Content-Security-Policy allows none.
            '<svg width="24" height="16" aria-hidden="true" focusable="false"><rect width="24" height="16" fill="{}"/></svg> {}',
            obj.colour,
            obj.colour,
        )


class SpeakerLinkInline(admin.TabularInline[SpeakerLink, Speaker]):
    model = SpeakerLink
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin[Speaker]):
    list_display = ["name", "organisation", "event", "session_count"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["name", "organisation", "email", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerLinkInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Speaker]:
        return super().get_queryset(request).annotate(session_total=Count("session_speakers"))

    @admin.display(description=_("sessions"), ordering="session_total")
    def session_count(self, obj: Speaker) -> int:
        return obj.session_total  # type: ignore[attr-defined]


class SessionSpeakerInline(admin.TabularInline[SessionSpeaker, Session]):
    model = SessionSpeaker
    extra = 1
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "position"]


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        moments = Session.objects.filter(starts_at__isnull=False).datetimes("starts_at", "day", tzinfo=BERLIN)
        return [(moment.date().isoformat(), date_format(moment.date(), "D d.m.Y")) for moment in moments]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> QuerySet[Session]:
        value = self.value()
        if not value:
            return queryset
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return queryset.none()
        return queryset.on_day(day)  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.all(), label=_("Edition"))
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    version = forms.CharField(max_length=50, label=_("Version"))
    comment_de = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Comment (German)"))
    comment_en = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Comment (English)"))


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin[Session]):
    list_display = ["title_de", "format", "status", "day", "time", "room", "track", "speaker_names", "code"]
    list_filter = ["event", DayFilter, "room", "track", "format", "status", "language"]
    list_select_related = ["room", "track", "event"]
    search_fields = ["title_de", "title_en", "code", "session_speakers__speaker__name"]
    ordering = ["starts_at", "room__position"]
    autocomplete_fields = ["room", "track"]
    readonly_fields = ["status", "code", "uuid", "conflict_warnings"]
    inlines = [SessionSpeakerInline]
    actions = ["confirm_sessions", "cancel_sessions"]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["event", "title_de", "title_en", "format", "language", "track", "status"]}),
        (_("Time and place"), {"fields": ["starts_at", "ends_at", "room", "seat_capacity", "conflict_warnings"]}),
        (_("Texts"), {"fields": ["abstract_de", "abstract_en", "description_de", "description_en"]}),
        (_("Identifiers"), {"fields": ["code", "uuid"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Session]:
        return super().get_queryset(request).prefetch_related("session_speakers__speaker")

    @admin.display(description=_("day"), ordering="starts_at")
    def day(self, obj: Session) -> str:
        return date_format(obj.starts_at.astimezone(BERLIN), "D d.m.") if obj.starts_at else "—"

    @admin.display(description=_("time"))
    def time(self, obj: Session) -> str:
        if not obj.starts_at or not obj.ends_at:
            return "—"
        return f"{obj.starts_at.astimezone(BERLIN):%H:%M}–{obj.ends_at.astimezone(BERLIN):%H:%M}"

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj: Session) -> str:
        return ", ".join(link.speaker.name for link in obj.session_speakers.all())

    @admin.display(description=_("conflicts"))
    def conflict_warnings(self, obj: Session) -> str:
        if obj.pk is None:
            return "—"
        conflicts = session_conflicts(event=obj.event, session_id=obj.pk)
        if not conflicts:
            return str(_("No conflicts."))
        return format_html(
            '<ul class="messagelist">{}</ul>',
            format_html_join("", '<li class="warning">{}</li>', ((c.message,) for c in conflicts)),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Warn after the speakers are saved, so speaker clashes are seen too.
        session = form.instance
        for conflict in session_conflicts(event=session.event, session_id=session.pk):
            self.message_user(request, conflict.message, messages.WARNING)

    @admin.action(description=_("Confirm the selected sessions"), permissions=["change"])
    def confirm_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        count = sessions_confirm(session_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d session confirmed. The public sees it with the next release.",
                "%(count)d sessions confirmed. The public sees them with the next release.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected sessions"), permissions=["change"])
    def cancel_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        count = sessions_cancel(session_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d session cancelled. The public sees it as cancelled with the next release.",
                "%(count)d sessions cancelled. The public sees them as cancelled with the next release.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    # --- extra views: timetable, conflicts, publish ---------------------------------------

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("timetable/", self.admin_site.admin_view(self.timetable_view), name="programme_session_timetable"),
            path("conflicts/", self.admin_site.admin_view(self.conflicts_view), name="programme_session_conflicts"),
            path("publish/", self.admin_site.admin_view(self.publish_view), name="programme_session_publish"),
        ]
        return extra + super().get_urls()

    def _event_from(self, request: HttpRequest) -> Event | None:
        event_id = request.GET.get("event") or request.POST.get("event")
        if event_id and str(event_id).isdigit() and len(str(event_id)) < 19:  # a bigint at most
            return Event.objects.filter(pk=int(event_id)).select_related("venue").first()
        return Event.objects.select_related("venue").order_by("-start_on").first()

    def timetable_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = self._event_from(request)
        context: dict[str, Any] = {**self.admin_site.each_context(request), "opts": self.model._meta}
        context["title"] = _("Timetable")
        context["events"] = Event.objects.order_by("-start_on")
        if event is not None:
            day_value = request.GET.get("day", "")
            try:
                day = dt.date.fromisoformat(day_value) if day_value else event.start_on
            except ValueError:
                day = event.start_on
            if day not in event.days:
                day = event.start_on
            context.update({"event": event, "day": day, "grid": timetable_grid(event=event, day=day)})
        return render(request, "admin/programme/session/timetable.html", context)

    def conflicts_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = self._event_from(request)
        conflicts = session_conflicts(event=event) if event else []
        sessions = Session.objects.in_bulk(
            {c.session_id for c in conflicts} | {c.other_id for c in conflicts if c.other_id}
        )
        rows = [(c, sessions.get(c.session_id), sessions.get(c.other_id) if c.other_id else None) for c in conflicts]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Scheduling conflicts"),
            "event": event,
            "events": Event.objects.order_by("-start_on"),
            "rows": rows,
        }
        return render(request, "admin/programme/session/conflicts.html", context)

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("programme.add_schedulerelease"):
            raise PermissionDenied
        event = self._event_from(request)
        previous = release_latest(event=event) if event else None
        if request.method == "POST":
            form = PublishForm(request.POST)
            if form.is_valid():
                try:
                    release = schedule_release_publish(
                        event=form.cleaned_data["event"],
                        version=form.cleaned_data["version"],
                        comment_de=form.cleaned_data["comment_de"],
                        comment_en=form.cleaned_data["comment_en"],
                        user=request.user,
                        expected_digest=form.cleaned_data["digest"],
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(
                        request,
                        _("Release %(version)s is published.") % {"version": release.version},
                        messages.SUCCESS,
                    )
                    return redirect("admin:programme_schedulerelease_change", release.pk)
        changes = (
            release_diff(previous=previous, sessions=sessions_for_release(event=event, previous=previous))
            if event
            else {}
        )
        digest = release_diff_digest(changes)
        if request.method == "POST":
            # Show the current state and fingerprint, so a refused publish can be retried knowingly.
            form.data = {**form.data.dict(), "digest": digest}  # type: ignore[attr-defined]
        else:
            form = PublishForm(initial={"event": event, "version": _next_version(previous), "digest": digest})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Publish a schedule release"),
            "form": form,
            "event": event,
            "previous": previous,
            "changes": release_changes_display(changes),
            "conflict_count": len(session_conflicts(event=event)) if event else 0,
        }
        return render(request, "admin/programme/session/publish.html", context)


def _next_version(previous: ScheduleRelease | None) -> str:
    if previous is None:
        return "1.0"
    major, _sep, minor = previous.version.partition(".")
    if major.isdigit() and minor.isdigit():
        return f"{major}.{int(minor) + 1}"
    return f"{previous.version}-{previous.sequence + 1}"


class ReleasedSessionInline(admin.TabularInline[ReleasedSession, ScheduleRelease]):
    model = ReleasedSession
    fields = ["title_de", "starts_at", "ends_at", "room", "status"]
    readonly_fields = ["title_de", "starts_at", "ends_at", "room", "status"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReleasedSession]:
        return super().get_queryset(request).select_related("room")


@admin.register(ScheduleRelease)
class ScheduleReleaseAdmin(admin.ModelAdmin[ScheduleRelease]):
    """Releases are history: created only through the publish step, never edited or deleted."""

    list_display = ["version", "event", "sequence", "published_at", "published_by", "change_summary"]
    list_filter = ["event"]
    list_select_related = ["event", "published_by"]
    search_fields = ["version", "comment_de", "comment_en"]
    ordering = ["event", "-sequence"]
    readonly_fields = [
        "event",
        "sequence",
        "version",
        "comment_de",
        "comment_en",
        "published_at",
        "published_by",
        "change_summary",
    ]
    exclude = ["changes"]
    inlines = [ReleasedSessionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("changes"))
    def change_summary(self, obj: ScheduleRelease) -> str:
        changes = obj.changes or {}
        return str(
            _("%(added)d added, %(moved)d moved, %(cancelled)d cancelled")
            % {key: len(changes.get(key, [])) for key in ["added", "moved", "cancelled"]}
        )
