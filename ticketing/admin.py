"""Django admin for organisers: ticket types and quotas, vouchers, orders and their money.

Money and status are read-only here: they change only through the actions (mark paid, approve,
reject, cancel, refund), each one service call. Payments, refunds, invoices and Stripe events are
history and can only be looked at.
"""

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.exceptions import ApplicationError, ServiceUnavailable
from config.tasks import enqueue_safely
from programme.models import Event
from programme.selectors import event_picked
from ticketing import tasks
from ticketing.enums import OrderStatus, PaymentMethod, PaymentProvider
from ticketing.forms import RefundForm
from ticketing.models import (
    Invoice,
    OfficialDomain,
    Order,
    Payment,
    Quota,
    Refund,
    StripeEvent,
    Ticket,
    TicketType,
    Voucher,
)
from ticketing.selectors_sales import (
    order_refundable_amount,
    orders_with_ticket_count,
    quotas_with_used,
    sales_overview,
    ticket_types_with_holding,
    vouchers_with_used,
)
from ticketing.services import invoices as invoice_service
from ticketing.services import stripe_payments
from ticketing.services.orders import order_approve, order_cancel, order_mark_paid, order_reject, ticket_rename


def _money(amount: Decimal | None, currency: str = "EUR") -> str:
    return "—" if amount is None else f"{amount:.2f} {currency}"


class ReadOnlyMixin:
    """History: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- ticket types, quotas, vouchers, official domains --------------------------------------


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin[Quota]):
    list_display = ["name", "event", "size", "used", "free"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["name"]
    ordering = ["event", "name"]
    autocomplete_fields = ["event"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quota]:
        return quotas_with_used(super().get_queryset(request))

    @admin.display(description=_("used"), ordering="used")
    def used(self, obj: Quota) -> int:
        return int(getattr(obj, "used", 0))

    @admin.display(description=_("available"))
    def free(self, obj: Quota) -> int:
        return max(0, obj.size - int(getattr(obj, "used", 0)))


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin[TicketType]):
    list_display = [
        "name_de",
        "event",
        "category",
        "price",
        "visibility",
        "requires_approval",
        "capacity",
        "holding",
        "sales_end",
        "is_active",
        "position",
    ]
    list_editable = ["position"]
    list_filter = ["event", "category", "visibility", "is_active", "requires_approval"]
    list_select_related = ["event"]
    search_fields = ["name_de", "name_en"]
    ordering = ["event", "position", "pk"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["quotas"]
    change_list_template = "admin/ticketing/tickettype/change_list.html"
    fieldsets = [
        (None, {"fields": ["event", "name_de", "name_en", "description_de", "description_en", "category"]}),
        (_("Price"), {"fields": ["price_amount", "vat_rate", "currency"]}),
        (
            _("Sales"),
            {
                "fields": [
                    "valid_on",
                    "sales_start_at",
                    "sales_end_at",
                    "min_per_order",
                    "max_per_order",
                    "visibility",
                    "requires_approval",
                    "is_active",
                    "position",
                ]
            },
        ),
        (_("Capacity"), {"fields": ["capacity", "quotas"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketType]:
        return ticket_types_with_holding(super().get_queryset(request))

    @admin.display(description=_("price (gross)"), ordering="price_amount")
    def price(self, obj: TicketType) -> str:
        return _money(obj.price_amount, obj.currency)

    @admin.display(description=_("sold or reserved"), ordering="holding")
    def holding(self, obj: TicketType) -> int:
        return int(getattr(obj, "holding", 0))

    @admin.display(description=_("on sale until"), ordering="sales_end_at")
    def sales_end(self, obj: TicketType) -> Any:
        return obj.sales_end_at or _("end of the edition")

    def get_urls(self) -> list[URLPattern]:
        extra = [path("sales/", self.admin_site.admin_view(self.sales_view), name="ticketing_tickettype_sales")]
        return extra + super().get_urls()

    def sales_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        event, events = event_picked(event_id=request.GET.get("event"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Sales overview"),
            "event": event,
            "events": events,
            "overview": sales_overview(event=event) if event else None,
        }
        return render(request, "admin/ticketing/tickettype/sales.html", context)


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin[Voucher]):
    list_display = ["code", "event", "kind", "value", "max_uses", "used", "valid_until", "comment"]
    list_filter = ["event", "kind"]
    list_select_related = ["event"]
    search_fields = ["code", "comment"]
    ordering = ["event", "code"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["ticket_types"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Voucher]:
        return vouchers_with_used(super().get_queryset(request))

    @admin.display(description=_("tickets used"), ordering="used")
    def used(self, obj: Voucher) -> int:
        return int(getattr(obj, "used", 0))


class TopLevelDomainFilter(admin.SimpleListFilter):
    title = _("top-level domain")
    parameter_name = "tld"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        domains = OfficialDomain.objects.values_list("domain", flat=True)
        return [(tld, f".{tld}") for tld in sorted({d.rpartition(".")[2] for d in domains})]

    def queryset(self, request: HttpRequest, queryset: QuerySet[OfficialDomain]) -> QuerySet[OfficialDomain]:
        value = self.value()
        return queryset.filter(domain__endswith=f".{value}") if value else queryset


@admin.register(OfficialDomain)
class OfficialDomainAdmin(admin.ModelAdmin[OfficialDomain]):
    list_display = ["domain", "comment"]
    list_filter = [TopLevelDomainFilter]
    search_fields = ["domain", "comment"]
    ordering = ["domain"]


# --- orders -------------------------------------------------------------------------------


class TicketTypeFilter(admin.SimpleListFilter):
    """Orders with at least one ticket of a type."""

    title = _("ticket type")
    parameter_name = "ticket_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = TicketType.objects.select_related("event").order_by("event__start_on", "position", "pk")
        return [(str(t.pk), f"{t.name_de} ({t.event.slug})") for t in types]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit() or len(value) > 18:
            return queryset.none()
        return queryset.filter(pk__in=Ticket.objects.filter(ticket_type_id=int(value)).values("order_id"))


class TicketInline(admin.TabularInline[Ticket, Order]):
    model = Ticket
    fields = ["ticket_type", "attendee_name", "attendee_email", "price", "is_cancelled", "has_code"]
    readonly_fields = ["ticket_type", "attendee_email", "price", "is_cancelled", "has_code"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return super().get_queryset(request).select_related("ticket_type", "order")

    @admin.display(description=_("price paid (gross)"))
    def price(self, obj: Ticket) -> str:
        return _money(obj.price_amount)

    @admin.display(description=_("QR code issued"), boolean=True)
    def has_code(self, obj: Ticket) -> bool:
        return bool(obj.code)


PAYMENT_FIELDS = ("provider", "amount", "currency", "reference", "received_at", "recorded_by")
REFUND_FIELDS = ("amount", "currency", "status", "reason", "reference", "created_at", "created_by")
INVOICE_FIELDS = ("number", "kind", "issued_on", "gross_amount", "pdf_link", "xml_link")
TICKET_FIELDS = (
    "order",
    "ticket_type",
    "attendee_name",
    "attendee_email",
    "list_price_amount",
    "price_amount",
    "vat_rate",
    "is_cancelled",
    "cancelled_at",
    "code",
)


class PaymentInline(ReadOnlyMixin, admin.TabularInline[Payment, Order]):
    model = Payment
    fields = PAYMENT_FIELDS
    readonly_fields = PAYMENT_FIELDS
    extra = 0


class RefundInline(ReadOnlyMixin, admin.TabularInline[Refund, Order]):
    model = Refund
    fields = REFUND_FIELDS
    readonly_fields = REFUND_FIELDS
    extra = 0


class InvoiceInline(ReadOnlyMixin, admin.TabularInline[Invoice, Order]):
    model = Invoice
    fields = INVOICE_FIELDS
    readonly_fields = INVOICE_FIELDS
    extra = 0

    @admin.display(description=_("buyer"))
    def buyer_name(self, obj: Invoice) -> str:
        """The company or name invoiced (an invoice without an order, e.g. a booth, has only this)."""
        return str(obj.buyer.get("company") or obj.buyer.get("name") or obj.buyer.get("email") or "—")

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> str:
        return _invoice_pdf_link(obj)

    @admin.display(description=_("XRechnung"))
    def xml_link(self, obj: Invoice) -> str:
        return _invoice_xml_link(obj)


def _invoice_pdf_link(invoice: Invoice) -> str:
    if invoice.pk is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:ticketing_invoice_pdf", args=[invoice.pk]), _("Download PDF")
    )


def invoice_links(invoices: Iterable[Invoice]) -> str:
    """Each invoice's number, kind and PDF link, one per line (for other apps' admin pages too)."""
    rows = [
        format_html(
            '{} · {} · <a href="{}">{}</a>',
            invoice.number,
            invoice.get_kind_display(),
            reverse("admin:ticketing_invoice_pdf", args=[invoice.pk]),
            _("PDF"),
        )
        for invoice in invoices
    ]
    return format_html_join(mark_safe("<br>"), "{}", ((row,) for row in rows)) if rows else "—"


def _invoice_xml_link(invoice: Invoice) -> str:
    """Only invoices to a buyer with a Leitweg-ID have an XRechnung."""
    if invoice.pk is None or not invoice.buyer.get("leitweg_id"):
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:ticketing_invoice_xml", args=[invoice.pk]), _("Download XRechnung")
    )


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = [
        "code",
        "event",
        "email",
        "billing_company",
        "status",
        "payment_method",
        "total",
        "ticket_count",
        "created_at",
        "expires_at",
        "needs_attention",
    ]
    list_filter = ["status", "payment_method", TicketTypeFilter, "event", "needs_attention", "created_at"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    search_fields = ["code", "email", "tickets__attendee_name", "billing_company", "billing_name"]
    ordering = ["-created_at"]
    inlines = [TicketInline, PaymentInline, RefundInline, InvoiceInline]
    actions = ["mark_paid", "approve", "reject", "resend_tickets", "cancel", "refund", "export_personal_data"]
    readonly_fields = [
        "code",
        "event",
        "status",
        "payment_method",
        "total",
        "voucher",
        "expires_at",
        "payment_due_on",
        "created_at",
        "paid_at",
        "decided_at",
        "cancelled_at",
        "links",
        "audit_trail",
    ]
    fieldsets = [
        (None, {"fields": ["code", "event", "status", "links", "email", "language"]}),
        (
            _("Money"),
            {"fields": ["payment_method", "total", "voucher", "expires_at", "payment_due_on"]},
        ),
        (
            _("Billing"),
            {
                "fields": [
                    "billing_name",
                    "billing_company",
                    "billing_street",
                    "billing_postcode",
                    "billing_city",
                    "billing_country",
                    "vat_id",
                    "leitweg_id",
                    "po_number",
                ]
            },
        ),
        (_("Attention"), {"fields": ["needs_attention", "attention_note"]}),
        (_("History"), {"fields": ["created_at", "paid_at", "decided_at", "cancelled_at"]}),
        (_("Audit trail"), {"fields": ["audit_trail"], "classes": ["collapse"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed in the shop or through the API

    @admin.display(description=_("changes to the order, its tickets, payments, refunds and check-ins"))
    def audit_trail(self, obj: Order) -> str:
        from ticketing.admin_audit import trail_of_order

        return trail_of_order(obj.pk)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel instead: orders, payments and invoices are kept

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return orders_with_ticket_count(super().get_queryset(request))

    @admin.display(description=_("total (gross)"), ordering="total_amount")
    def total(self, obj: Order) -> str:
        return _money(obj.total_amount, obj.currency)

    @admin.display(description=_("tickets"), ordering="ticket_count")
    def ticket_count(self, obj: Order) -> int:
        return int(getattr(obj, "ticket_count", 0))

    @admin.display(description=_("links"))
    def links(self, obj: Order) -> str:
        if obj.pk is None:
            return "—"
        page = reverse("ticketing:order", kwargs={"event": obj.event.slug, "code": obj.code, "secret": obj.secret})
        refund = reverse("admin:ticketing_order_refund", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noreferrer noopener">{}</a> · <a href="{}">{}</a>',
            page,
            _("the buyer's order page"),
            refund,
            _("Refund"),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Ticket:
            super().save_formset(request, form, formset, change)
            return
        # A new name goes through the service (it re-renders the tickets PDF); nothing else changes.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for ticket_form in formset.forms:
            if ticket_form.instance.pk and "attendee_name" in ticket_form.changed_data:
                rename = partial(
                    ticket_rename, ticket=ticket_form.instance, attendee_name=ticket_form.cleaned_data["attendee_name"]
                )
                renamed = _call(self, request, rename, label=str(ticket_form.instance.pk))
                if renamed:
                    formset.changed_objects.append((ticket_form.instance, ["attendee_name"]))

    # --- actions: one service call per order ------------------------------------------------

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Order],
        call: Callable[[Order], Any],
        done_message: Callable[[int], str],
        *,
        only: tuple[str, ...] | None = None,
    ) -> None:
        done = 0
        for order in queryset.select_related("event").order_by("pk"):
            if only is not None and order.status not in only:
                self.message_user(
                    request,
                    _("%(order)s skipped: it is %(status)s.")
                    % {"order": order.code, "status": order.get_status_display()},
                    messages.WARNING,
                )
                continue
            if _call(self, request, partial(call, order), label=order.code):
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Mark as paid (payment received)"), permissions=["mark_paid"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        def pay(order: Order) -> Order:
            provider = (
                PaymentProvider.BANK_TRANSFER
                if order.payment_method == PaymentMethod.INVOICE
                else PaymentProvider.MANUAL
            )
            return order_mark_paid(order=order, provider=provider, user=request.user)

        self._each(
            request,
            queryset,
            pay,
            lambda n: ngettext("%(count)d order marked as paid.", "%(count)d orders marked as paid.", n) % {"count": n},
            only=(OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL, OrderStatus.EXPIRED),
        )

    @admin.action(description=_("Approve the selected orders"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(
            request,
            queryset,
            lambda order: order_approve(order=order, user=request.user),
            lambda n: ngettext("%(count)d order approved.", "%(count)d orders approved.", n) % {"count": n},
        )

    @admin.action(description=_("Reject the selected orders"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(
            request,
            queryset,
            lambda order: order_reject(order=order, user=request.user),
            lambda n: ngettext("%(count)d order rejected.", "%(count)d orders rejected.", n) % {"count": n},
        )

    @admin.action(description=_("Export the buyer's personal data (JSON, GDPR)"), permissions=["view"])
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        from ticketing.services.privacy import personal_data_export

        emails = sorted({order.email for order in queryset if order.email})
        if len(emails) != 1:
            self.message_user(request, _("Choose the orders of exactly one buyer."), messages.ERROR)
            return None
        data = personal_data_export(email=emails[0])
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Send the tickets again"), permissions=["change"])
    def resend_tickets(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(
            request,
            queryset,
            _resend_tickets,
            lambda n: (
                ngettext(
                    "The tickets of %(count)d order are being sent.",
                    "The tickets of %(count)d orders are being sent.",
                    n,
                )
                % {"count": n}
            ),
            only=(OrderStatus.PAID,),
        )

    @admin.action(description=_("Cancel the selected orders (tickets are revoked)"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(
            request,
            queryset,
            lambda order: order_cancel(order=order, user=request.user),
            lambda n: (
                ngettext(
                    "%(count)d order cancelled. Refund any money paid with the refund action.",
                    "%(count)d orders cancelled. Refund any money paid with the refund action.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Refund money …"), permissions=["refund"])
    def refund(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponseRedirect | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one order to refund."), messages.ERROR)
            return None
        order = queryset.get()
        return redirect("admin:ticketing_order_refund", order.pk)

    def has_mark_paid_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ticketing.add_payment") and request.user.has_perm("ticketing.change_order")

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ticketing.add_refund") and request.user.has_perm("ticketing.change_order")

    # --- the refund step --------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("<int:order_id>/refund/", self.admin_site.admin_view(self.refund_view), name="ticketing_order_refund"),
        ]
        return extra + super().get_urls()

    def refund_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        if not self.has_refund_permission(request):
            raise PermissionDenied
        order = Order.objects.select_related("event").filter(pk=order_id).first()
        if order is None:
            raise Http404("No such order.")
        refundable = order_refundable_amount(order=order)
        if request.method == "POST":
            form = RefundForm(request.POST)
            if form.is_valid():
                try:
                    refund = stripe_payments.refund_create(
                        order=order,
                        amount=form.cleaned_data["amount"],
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                    )
                except ApplicationError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Refund of %(amount)s for order %(order)s: %(status)s.")
                        % {
                            "amount": _money(refund.amount, refund.currency),
                            "order": order.code,
                            "status": refund.get_status_display(),
                        },
                        messages.SUCCESS,
                    )
                    return redirect("admin:ticketing_order_change", order.pk)
        else:
            form = RefundForm(initial={"amount": refundable})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Refund order %(order)s") % {"order": order.code},
            "order": order,
            "original": order,
            "form": form,
            "refundable": _money(refundable, order.currency),
            "paid_by_card": order.payment_method == PaymentMethod.STRIPE,
        }
        return render(request, "admin/ticketing/order/refund.html", context)


def _resend_tickets(order: Order) -> None:
    if not enqueue_safely(tasks.render_and_send_tickets, order.pk):
        raise ServiceUnavailable(_("The task queue cannot be reached; try again in a moment."))


def _call(model_admin: admin.ModelAdmin[Any], request: HttpRequest, call: Callable[[], Any], *, label: str) -> bool:
    """Run one service call; a domain error becomes an error message instead of a 500."""
    try:
        call()
    except ApplicationError as exc:
        model_admin.message_user(request, f"{label}: {exc.message}", messages.ERROR)
        return False
    return True


# --- tickets and the money history ----------------------------------------------------------


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["attendee_name", "ticket_type", "order", "event", "price", "is_cancelled", "has_code"]
    list_filter = ["order__event", "ticket_type", "is_cancelled", "order__status"]
    list_select_related = ["ticket_type", "order", "order__event"]
    search_fields = ["attendee_name", "attendee_email", "code", "order__code"]
    ordering = ["-created_at"]
    fields = TICKET_FIELDS
    readonly_fields = [f for f in TICKET_FIELDS if f != "attendee_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("edition"), ordering="order__event")
    def event(self, obj: Ticket) -> Event:
        return obj.order.event

    @admin.display(description=_("price paid (gross)"), ordering="price_amount")
    def price(self, obj: Ticket) -> str:
        return _money(obj.price_amount)

    @admin.display(description=_("QR code issued"), boolean=True)
    def has_code(self, obj: Ticket) -> bool:
        return bool(obj.code)

    def save_model(self, request: HttpRequest, obj: Ticket, form: Any, change: bool) -> None:
        if change and "attendee_name" in form.changed_data:
            _call(
                self,
                request,
                lambda: ticket_rename(ticket=obj, attendee_name=form.cleaned_data["attendee_name"]),
                label=str(obj.pk),
            )


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin[Payment]):
    list_display = ["order", "provider", "amount", "currency", "reference", "received_at", "recorded_by"]
    list_filter = ["provider", "order__event", "received_at"]
    list_select_related = ["order", "recorded_by"]
    search_fields = ["order__code", "order__email", "reference"]
    ordering = ["-received_at"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, admin.ModelAdmin[Refund]):
    list_display = ["order", "amount", "currency", "status", "reason", "reference", "created_at", "created_by"]
    list_filter = ["status", "order__event", "created_at"]
    list_select_related = ["order", "created_by"]
    search_fields = ["order__code", "order__email", "reference", "reason"]
    ordering = ["-created_at"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, admin.ModelAdmin[Invoice]):
    list_display = [
        "number",
        "kind",
        "order",
        "buyer_name",
        "issued_on",
        "net_amount",
        "vat_amount",
        "gross_amount",
        "pdf_link",
        "xml_link",
    ]
    list_filter = ["kind", "year", "order__event"]
    list_select_related = ["order"]
    search_fields = ["number", "order__code", "order__email", "order__billing_company", "buyer__company"]
    ordering = ["-year", "-sequence"]
    exclude = ["pdf", "xrechnung"]
    readonly_fields = ["pdf_link", "xml_link"]

    @admin.display(description=_("buyer"))
    def buyer_name(self, obj: Invoice) -> str:
        """The company or name invoiced (an invoice without an order, e.g. a booth, has only this)."""
        return str(obj.buyer.get("company") or obj.buyer.get("name") or obj.buyer.get("email") or "—")

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Invoice) -> str:
        return _invoice_pdf_link(obj)

    @admin.display(description=_("XRechnung"))
    def xml_link(self, obj: Invoice) -> str:
        return _invoice_xml_link(obj)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("<int:invoice_id>/pdf/", self.admin_site.admin_view(self.pdf_view), name="ticketing_invoice_pdf"),
            path("<int:invoice_id>/xml/", self.admin_site.admin_view(self.xml_view), name="ticketing_invoice_xml"),
        ]
        return extra + super().get_urls()

    def pdf_view(self, request: HttpRequest, invoice_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = Invoice.objects.select_related("order__event").filter(pk=invoice_id).first()
        if invoice is None:
            raise Http404("No such invoice.")
        response = HttpResponse(invoice_service.invoice_pdf(invoice=invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="invoice-{invoice.number}.pdf"'
        return response

    def xml_view(self, request: HttpRequest, invoice_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = Invoice.objects.select_related("order__event").filter(pk=invoice_id).first()
        body = invoice_service.invoice_xrechnung(invoice=invoice) if invoice is not None else None
        if invoice is None or body is None:
            raise Http404("No XRechnung for this invoice.")
        response = HttpResponse(body, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.xml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyMixin, admin.ModelAdmin[StripeEvent]):
    list_display = ["event_id", "type", "order", "outcome", "received_at"]
    list_filter = ["type", "received_at"]
    list_select_related = ["order"]
    search_fields = ["event_id", "order__code", "outcome"]
    ordering = ["-received_at"]


# The agenda (seats, waiting lists) and door check-in (lists, devices, scans) have modules of their own.
from ticketing import admin_agenda, admin_audit, admin_checkin  # noqa: E402, F401
