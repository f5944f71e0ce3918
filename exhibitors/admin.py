"""Organisers' admin for the expo: exhibitors, booths, bookings (confirm / cancel through services),
and read-only leads and consents. Status and money change only through actions."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.exceptions import ApplicationError
from exhibitors.enums import BookingStatus, BoothStatus
from exhibitors.models import (
    Booth,
    BoothBooking,
    BoothRate,
    Exhibitor,
    ExhibitorCategory,
    ExhibitorContact,
    ExhibitorDevice,
    ExhibitorStaff,
    Lead,
    LeadConsent,
)
from exhibitors.services.booking import (
    booking_cancel,
    booking_confirm,
    booking_passes_issue,
    booth_block,
    booth_price,
    booth_unblock,
)
from exhibitors.services.invoices import booking_invoice_issue, booking_invoice_reissue, booking_mark_paid
from ticketing.admin import ReadOnlyMixin, invoice_links
from ticketing.admin_audit import trail_of
from ticketing.enums import InvoiceKind
from ticketing.models import Invoice


@admin.register(ExhibitorCategory)
class ExhibitorCategoryAdmin(admin.ModelAdmin[ExhibitorCategory]):
    list_display = ["name_de", "name_en", "slug", "position"]
    search_fields = ["name_de", "name_en", "slug"]
    ordering = ["position", "name_de"]
    prepopulated_fields = {"slug": ["name_en"]}


class ExhibitorContactInline(admin.TabularInline[ExhibitorContact, Exhibitor]):
    model = ExhibitorContact
    extra = 0


class ExhibitorStaffInline(admin.TabularInline[ExhibitorStaff, Exhibitor]):
    model = ExhibitorStaff
    extra = 0
    autocomplete_fields = ["user"]


class ExhibitorDeviceInline(ReadOnlyMixin, admin.TabularInline[ExhibitorDevice, Exhibitor]):
    """Lead scanners are made with `create_device --exhibitor` and revoked in the device admin."""

    model = ExhibitorDevice
    extra = 0
    fields = ["device"]
    readonly_fields = ["device"]


@admin.register(Exhibitor)
class ExhibitorAdmin(admin.ModelAdmin[Exhibitor]):
    list_display = ["name", "event", "city", "country", "vat_id", "is_public"]
    list_filter = ["event", "is_public", "categories", "country"]
    list_select_related = ["event"]
    search_fields = ["name", "slug", "vat_id", "city", "email"]
    ordering = ["event", "name"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["categories"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ExhibitorContactInline, ExhibitorStaffInline, ExhibitorDeviceInline]


@admin.register(BoothRate)
class BoothRateAdmin(admin.ModelAdmin[BoothRate]):
    list_display = ["event", "booth_type", "price_per_sqm_amount", "currency"]
    list_filter = ["event", "booth_type"]
    list_select_related = ["event"]
    search_fields = ["event__slug"]
    ordering = ["event", "booth_type"]
    autocomplete_fields = ["event"]


def _each(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    call: Callable[[Any], Any],
    done_message: Callable[[int], str],
) -> None:
    """Call one service per selected row; a domain error is shown for its row, the others go on."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            call(obj)
        except ApplicationError as exc:  # exhibitors' own errors, and ticketing's (e.g. passes sold out)
            model_admin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        model_admin.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin[Booth]):
    list_display = ["number", "hall", "event", "booth_type", "width", "depth", "area_display", "price", "status"]
    list_filter = ["event", "hall", "booth_type", "status"]
    list_select_related = ["event", "hall"]
    search_fields = ["number", "hall__name"]
    ordering = ["event", "hall", "number"]
    autocomplete_fields = ["event"]
    readonly_fields = ["status"]
    actions = ["block", "unblock"]

    @admin.display(description=_("area (m²)"))
    def area_display(self, obj: Booth) -> str:
        return f"{obj.area:.2f}"

    @admin.display(description=_("net price"))
    def price(self, obj: Booth) -> str:
        return f"{booth_price(booth=obj)} {obj.currency}"

    @admin.action(description=_("Block the selected booths"), permissions=["change"])
    def block(self, request: HttpRequest, queryset: QuerySet[Booth]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda booth: booth_block(booth=booth),
            lambda n: ngettext("%(count)d booth blocked.", "%(count)d booths blocked.", n) % {"count": n},
        )

    @admin.action(description=_("Release the selected blocked booths"), permissions=["change"])
    def unblock(self, request: HttpRequest, queryset: QuerySet[Booth]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda booth: booth_unblock(booth=booth),
            lambda n: ngettext("%(count)d booth released.", "%(count)d booths released.", n) % {"count": n},
        )


class BoothChoiceForm(forms.Form):
    booth = forms.ModelChoiceField(queryset=Booth.objects.none(), label=_("Booth"))

    def __init__(self, *args: Any, booking: BoothBooking, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["booth"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Booth.objects.filter(event_id=booking.event_id, status=BoothStatus.AVAILABLE)
            .select_related("hall")
            .order_by("hall__name", "number")
        )


@admin.register(BoothBooking)
class BoothBookingAdmin(admin.ModelAdmin[BoothBooking]):
    list_display = [
        "exhibitor",
        "event",
        "status",
        "booth",
        "wished_booth_type",
        "wished_size",
        "price_amount",
        "invoice_state",
        "applied_at",
    ]
    list_filter = ["event", "status", "wished_booth_type", "booth__hall"]
    list_select_related = ["exhibitor", "event", "booth__hall"]
    search_fields = ["exhibitor__name", "contact_name", "contact_email", "booth__number"]
    ordering = ["-applied_at"]
    autocomplete_fields = ["exhibitor", "event"]
    readonly_fields = [
        "status",
        "booth",
        "price_amount",
        "passes_included",
        "applied_at",
        "confirmed_at",
        "confirmed_by",
        "cancelled_at",
        "paid_at",
        "invoices",
        "audit_trail",
    ]
    actions = ["confirm", "issue_passes", "issue_invoice", "reissue_invoice", "mark_paid", "cancel"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BoothBooking]:
        return super().get_queryset(request).prefetch_related("invoice_links__invoice__cancelled_by")

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj: BoothBooking) -> str:
        return trail_of(obj)

    def _invoices(self, obj: BoothBooking) -> list[Invoice]:
        return [link.invoice for link in obj.invoice_links.all()]

    @admin.display(description=_("invoice"))
    def invoice_state(self, obj: BoothBooking) -> str:
        open_invoices = [
            i for i in self._invoices(obj) if i.kind == InvoiceKind.INVOICE and not hasattr(i, "cancelled_by")
        ]
        if not open_invoices:
            return "—"
        number = open_invoices[-1].number
        return f"{number} · {_('paid')}" if obj.paid_at else f"{number} · {_('open')}"

    @admin.display(description=_("invoices"))
    def invoices(self, obj: BoothBooking) -> str:
        return invoice_links(self._invoices(obj))

    @admin.display(description=_("wished size"))
    def wished_size(self, obj: BoothBooking) -> str:
        return f"{obj.wished_width:g} × {obj.wished_depth:g} m"

    @admin.action(description=_("Confirm onto a booth…"), permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[BoothBooking]) -> TemplateResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Confirm one application at a time (each gets its booth)."), messages.WARNING)
            return None
        booking = queryset.select_related("exhibitor", "event").get()
        if booking.status != BookingStatus.APPLIED:
            self.message_user(request, _("Only an open application can be confirmed."), messages.ERROR)
            return None
        form = BoothChoiceForm(request.POST if "apply" in request.POST else None, booking=booking)
        if form.is_valid():
            try:
                booking_confirm(booking=booking, booth=form.cleaned_data["booth"], user=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(exhibitor)s confirmed on booth %(booth)s.")
                    % {"exhibitor": booking.exhibitor, "booth": form.cleaned_data["booth"].number},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confirm the application onto a booth"),
            "opts": self.model._meta,
            "booking": booking,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "exhibitors/admin/booking_confirm.html", context)

    @admin.action(description=_("Issue the staff passes of the selected confirmed bookings"), permissions=["change"])
    def issue_passes(self, request: HttpRequest, queryset: QuerySet[BoothBooking]) -> None:
        _each(
            self,
            request,
            queryset.filter(status=BookingStatus.CONFIRMED).select_related("exhibitor__event"),
            lambda booking: booking_passes_issue(booking=booking),
            lambda n: (
                ngettext(
                    "Passes issued (or already there) for %(count)d booking.",
                    "Passes issued (or already there) for %(count)d bookings.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Issue the invoice of the selected confirmed bookings"), permissions=["change"])
    def issue_invoice(self, request: HttpRequest, queryset: QuerySet[BoothBooking]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda booking: booking_invoice_issue(booking=booking),
            lambda n: (
                ngettext(
                    "Invoice issued (or already there) for %(count)d booking.",
                    "Invoices issued (or already there) for %(count)d bookings.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Correct the invoice: cancel it and invoice again with the exhibitor's current data"),
        permissions=["change"],
    )
    def reissue_invoice(self, request: HttpRequest, queryset: QuerySet[BoothBooking]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda booking: booking_invoice_reissue(booking=booking),
            lambda n: ngettext("%(count)d invoice corrected.", "%(count)d invoices corrected.", n) % {"count": n},
        )

    @admin.action(description=_("Mark the booth invoice paid (bank transfer received)"), permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[BoothBooking]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda booking: booking_mark_paid(booking=booking),
            lambda n: ngettext("%(count)d booking marked paid.", "%(count)d bookings marked paid.", n) % {"count": n},
        )

    @admin.action(
        description=_("Cancel the selected bookings (frees their booths, cancels invoices and passes)"),
        permissions=["change"],
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[BoothBooking]) -> None:
        _each(
            self,
            request,
            queryset,
            lambda booking: booking_cancel(booking=booking, user=request.user),
            lambda n: ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", n) % {"count": n},
        )


@admin.register(Lead)
class LeadAdmin(ReadOnlyMixin, admin.ModelAdmin[Lead]):
    list_display = ["exhibitor", "ticket", "has_consent", "contact_name", "rating", "scan_count", "last_scanned_at"]
    list_filter = ["exhibitor__event", "has_consent", "rating", "exhibitor"]
    list_select_related = ["exhibitor", "ticket__order"]
    search_fields = ["exhibitor__name", "contact_name", "contact_email"]
    ordering = ["-last_scanned_at"]


@admin.register(LeadConsent)
class LeadConsentAdmin(ReadOnlyMixin, admin.ModelAdmin[LeadConsent]):
    list_display = ["ticket", "granted_at", "withdrawn_at"]
    list_filter = ["withdrawn_at"]
    list_select_related = ["ticket__order"]
    search_fields = ["ticket__attendee_name", "ticket__order__code"]
    ordering = ["-granted_at"]
