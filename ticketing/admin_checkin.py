"""Admin for door check-in: lists, scanner devices (token shown once, revoke), every scan, live figures."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programme.selectors import event_picked
from ticketing.admin import ReadOnlyMixin  # (ticketing.admin imports this module at its end)
from ticketing.models import CheckIn, CheckInList, Device
from ticketing.selectors_checkin import live_figures
from ticketing.services.checkin import device_cache_clear, device_create, device_revoke


@admin.register(CheckInList)
class CheckInListAdmin(admin.ModelAdmin[CheckInList]):
    list_display = ["name_de", "event", "is_default", "all_ticket_types", "hours", "allows_reentry", "position"]
    list_filter = ["event", "is_default", "allows_reentry"]
    search_fields = ["name_de", "name_en"]
    ordering = ["event", "position", "pk"]
    list_select_related = ["event"]
    filter_horizontal = ["ticket_types"]
    raw_id_fields = ["session"]
    fieldsets = [
        (None, {"fields": ["event", "name_de", "name_en", "position", "is_default"]}),
        (_("Who is admitted"), {"fields": ["all_ticket_types", "ticket_types", "allows_reentry", "session"]}),
        (_("Hours"), {"fields": ["opens_at", "closes_at"]}),
    ]

    @admin.display(description=_("hours"))
    def hours(self, obj: CheckInList) -> str:
        if obj.opens_at is None or obj.closes_at is None:
            return str(_("all day"))
        return f"{obj.opens_at:%H:%M}–{obj.closes_at:%H:%M}"


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin[Device]):
    list_display = ["name", "event", "kind", "checkin_list", "language", "token_prefix", "last_seen_at", "revoked_at"]
    list_filter = ["event", "kind", ("revoked_at", admin.EmptyFieldListFilter), "checkin_list"]
    search_fields = ["name", "token_prefix"]
    ordering = ["event", "name", "pk"]
    list_select_related = ["event", "checkin_list"]
    readonly_fields = ["token_prefix", "created_at", "created_by", "last_seen_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Device | None = None) -> list[str]:
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["event", "kind"]  # a device stays with its edition and its job
        return fields

    def get_fields(self, request: HttpRequest, obj: Device | None = None) -> Any:
        editable = ["event", "name", "kind", "checkin_list", "language"]
        return editable if obj is None else editable + self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Device, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            device_cache_clear()  # its list or language may have changed
            return
        device, token = device_create(
            event=obj.event,
            name=obj.name,
            kind=obj.kind,
            checkin_list=obj.checkin_list,
            language=obj.language,
            user=request.user,
        )
        obj.__dict__.update({k: v for k, v in device.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = device._state.db
        self.message_user(
            request,
            format_html(
                "{} <code id='device-token'>{}</code>",
                _("The device's API token (shown only now; send it as “Authorization: Device <token>”):"),
                token,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected devices"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        now = timezone.now()
        devices = list(queryset.filter(revoked_at__isnull=True))
        for device in devices:
            device_revoke(device=device, now=now)
        self.message_user(
            request,
            ngettext("%(count)d device revoked.", "%(count)d devices revoked.", len(devices)) % {"count": len(devices)},
        )


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyMixin, admin.ModelAdmin[CheckIn]):
    list_display = [
        "scanned_at",
        "direction",
        "result",
        "attendee",
        "checkin_list",
        "device",
        "user",
        "is_offline",
        "is_conflict",
    ]
    list_filter = ["event", "result", "direction", "is_conflict", "is_offline", "checkin_list", "device", "scanned_at"]
    search_fields = ["ticket__attendee_name", "ticket__order__code", "nonce", "device__name"]
    ordering = ["-scanned_at", "-pk"]
    list_select_related = ["ticket", "ticket__order", "checkin_list", "device", "user"]
    date_hierarchy = "scanned_at"
    raw_id_fields = ["ticket"]

    @admin.display(description=_("attendee"), ordering="ticket__attendee_name")
    def attendee(self, obj: CheckIn) -> str:
        if obj.ticket is None:
            return "—"
        return f"{obj.ticket.attendee_name} ({obj.ticket.order.code})"

    def get_urls(self) -> list[URLPattern]:
        extra = [path("live/", self.admin_site.admin_view(self.live_view), name="ticketing_checkin_live")]
        return extra + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "live_url": reverse("admin:ticketing_checkin_live")}
        return super().changelist_view(request, extra_context)

    def live_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        event, events = event_picked(event_id=request.GET.get("event"))
        figures = live_figures(event=event) if event else None
        peak = max((n for _hour, n in figures.per_hour), default=0) if figures else 0
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Check-in: live figures"),
            "event": event,
            "events": events,
            "figures": figures,
            "bars": [
                {"hour": hour, "count": n, "percent": round(100 * n / peak) if peak else 0}
                for hour, n in (figures.per_hour if figures else [])
            ],
            "now": timezone.now(),
        }
        return render(request, "admin/ticketing/checkin/live.html", context)
