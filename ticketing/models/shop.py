"""Ticket shop models: ticket types and quotas, vouchers, orders with their tickets, payments, refunds,
Stripe events and invoices.

Money is `Decimal` (`ticketing.money`), prices are gross with their VAT rate copied onto each
ticket at purchase. Payments and refunds are append-only rows; invoices are never edited.
"""

import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.i18n import Translated, translated_char_fields, translated_text_fields
from programme.models import Event
from ticketing.enums import (
    InvoiceKind,
    OrderStatus,
    PaymentMethod,
    PaymentProvider,
    RefundStatus,
    TicketCategory,
    TicketVisibility,
    VoucherKind,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ3456789"
DEFAULT_VAT_RATE = Decimal("19.00")


def generate_order_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def generate_order_secret() -> str:
    return secrets.token_urlsafe(24)


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Quota(models.Model):
    """A capacity that several ticket types share, e.g. the venue limit over all 3-day and day tickets."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("edition"))
    name = models.CharField(_("name"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["event", "name"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="quota_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.size})"


class TicketTypeQuerySet(models.QuerySet["TicketType"]):
    def public(self) -> "TicketTypeQuerySet":
        return self.filter(is_active=True, visibility=TicketVisibility.PUBLIC)


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types", verbose_name=_("edition"))
    name_de, name_en = translated_char_fields(_("name"))
    description_de, description_en = translated_text_fields(_("description"))
    category = models.CharField(_("category"), max_length=20, choices=TicketCategory.choices)
    price_amount = money_field(_("price (gross)"), validators=[MinValueValidator(Decimal("0.00"))])
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_VAT_RATE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    valid_on = models.DateField(
        _("valid on"), null=True, blank=True, help_text=_("Leave empty for a ticket valid on every day.")
    )
    sales_start_at = models.DateTimeField(_("on sale from"), null=True, blank=True)
    sales_end_at = models.DateTimeField(
        _("on sale until"), null=True, blank=True, help_text=_("Leave empty to sell until the edition ends.")
    )
    min_per_order = models.PositiveSmallIntegerField(_("minimum per order"), default=1)
    max_per_order = models.PositiveSmallIntegerField(_("maximum per order"), default=10)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=TicketVisibility.choices, default=TicketVisibility.PUBLIC
    )
    requires_approval = models.BooleanField(_("needs an organiser's approval"), default=False)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Tickets of this type at most; empty for no own limit.")
    )
    quotas = models.ManyToManyField(Quota, related_name="ticket_types", blank=True, verbose_name=_("quotas"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    name = Translated("name")
    description = Translated("description")

    objects = TicketTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_per_order__gte=F("min_per_order")), name="ticket_type_max_at_least_min"
            ),
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="ticket_type_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name_de

    @property
    def is_free(self) -> bool:
        return self.price_amount == 0


class Voucher(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="vouchers", verbose_name=_("edition"))
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=VoucherKind.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Percent for a percentage voucher, euros per ticket for a fixed one."),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    max_uses = models.PositiveIntegerField(_("tickets at most"), default=1)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    ticket_types = models.ManyToManyField(
        TicketType,
        related_name="vouchers",
        blank=True,
        verbose_name=_("ticket types"),
        help_text=_("Empty: every public type. Hidden types are unlocked only when listed here."),
    )
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["event", "code"]
        constraints = [models.UniqueConstraint(fields=["event", "code"], name="voucher_unique_code")]

    def __str__(self) -> str:
        return self.code


class OfficialDomain(models.Model):
    """E-mail domains of public bodies: public-sector tickets for these addresses need no approval.
    A domain also covers its subdomains (`berlin.de` covers `senweb.berlin.de`)."""

    domain = models.CharField(_("domain"), max_length=190, unique=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("official e-mail domain")
        verbose_name_plural = _("official e-mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class OrderQuerySet(models.QuerySet["Order"]):
    def holding(self, now: Any = None) -> "OrderQuerySet":
        """Orders whose tickets count against capacity: paid, or unpaid and not yet expired."""
        now = now or timezone.now()
        return self.filter(
            Q(status=OrderStatus.PAID)
            | Q(status__in=[OrderStatus.PENDING, OrderStatus.AWAITING_APPROVAL])
            & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        )


class Order(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="orders", verbose_name=_("edition"))
    code = models.CharField(_("code"), max_length=10, unique=True, default=generate_order_code, editable=False)
    secret = models.CharField(max_length=64, default=generate_order_secret, editable=False)
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, default="de")
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    total_amount = money_field(_("total (gross)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    expires_at = models.DateTimeField(_("held until"), null=True, blank=True)
    payment_due_on = models.DateField(_("payment due on"), null=True, blank=True)
    billing_name = models.CharField(_("name"), max_length=200, blank=True)
    billing_company = models.CharField(_("company / authority"), max_length=200, blank=True)
    billing_street = models.CharField(_("street"), max_length=200, blank=True)
    billing_postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    billing_city = models.CharField(_("city"), max_length=100, blank=True)
    billing_country = models.CharField(_("country"), max_length=2, blank=True)
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=50, blank=True)
    po_number = models.CharField(_("purchase-order number"), max_length=100, blank=True)
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="orders", verbose_name=_("voucher")
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    tickets_pdf = models.FileField(_("tickets (PDF)"), upload_to="tickets/", blank=True)
    tickets_pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    attention_note = models.TextField(_("attention note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("approval decided at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Set when the buyer's data were erased (GDPR); the order's invoices are kept as issued.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "status"]), models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_unique_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_free(self) -> bool:
        return self.total_amount == 0


class Ticket(models.Model):
    """One admission in an order (an order position), with the price paid for it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets", verbose_name=_("order"))
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("ticket type")
    )
    attendee_name = models.CharField(_("attendee"), max_length=200)
    attendee_email = models.EmailField(_("attendee's e-mail"), blank=True)
    list_price_amount = money_field(_("list price (gross)"))
    price_amount = money_field(_("price paid (gross)"))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    code = models.CharField(_("QR code"), max_length=200, null=True, blank=True, unique=True, editable=False)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Set when the attendee's name and e-mail were erased (GDPR): on request, or after the edition.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["ticket_type", "is_cancelled"])]

    def __str__(self) -> str:
        return f"{self.order.code}-{self.pk} {self.attendee_name}"


class Payment(models.Model):
    """Money received for an order. Append-only."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order"))
    provider = models.CharField(_("provider"), max_length=20, choices=PaymentProvider.choices)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"], condition=~Q(reference=""), name="payment_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order.code} {self.amount} {self.currency}"


class Refund(models.Model):
    """Money paid back, fully or in part. Append-only; its status follows the provider."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds")
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    reference = models.CharField(_("reference"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""), name="refund_unique_reference")
        ]

    def __str__(self) -> str:
        return f"{self.order.code} −{self.amount} {self.currency}"


class StripeEvent(models.Model):
    """Every Stripe webhook event, stored by id in the same transaction as its effect."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="stripe_events")
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class InvoiceCounter(models.Model):
    """The last invoice number issued in a year; locked while numbering, so numbers have no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_sequence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_sequence}"


class Invoice(models.Model):
    """An issued invoice or cancellation invoice (§14 UStG). Never edited after issue.

    A ticket invoice belongs to its order; an invoice for something else (a booth, through the
    exhibitors app's `BoothInvoice`) has no order, and the same numbering."""

    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("order"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    cancels = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="cancelled_by", verbose_name=_("cancels")
    )
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"))
    seller = models.JSONField(_("seller"))
    buyer = models.JSONField(_("buyer"))
    lines = models.JSONField(_("lines"))
    net_amount = money_field(_("net"))
    vat_amount = money_field(_("VAT"))
    gross_amount = money_field(_("gross"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    pdf = models.FileField(_("PDF"), upload_to="invoices/", blank=True)
    xrechnung = models.FileField(_("XRechnung"), upload_to="invoices/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="invoice_unique_sequence")]

    def __str__(self) -> str:
        return self.number
