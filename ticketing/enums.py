from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketCategory(models.TextChoices):
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    INDUSTRY = "industry", _("Industry")
    STARTUP_ACADEMIA = "startup_academia", _("Start-up / academia")
    STUDENT = "student", _("Student")
    PRESS = "press", _("Press")
    SPEAKER = "speaker", _("Speaker")
    EXHIBITOR_PASS = "exhibitor_pass", _("Exhibitor pass")
    ADDON = "addon", _("Add-on")


class TicketVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    VOUCHER = "voucher", _("Only with a voucher")


class VoucherKind(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage off")
    FIXED = "fixed", _("Fixed amount off per ticket")
    FREE = "free", _("Free")


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending payment")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PAID = "paid", _("Paid")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class PaymentMethod(models.TextChoices):
    STRIPE = "stripe", _("Card (Stripe)")
    INVOICE = "invoice", _("Invoice (bank transfer)")
    FREE = "free", _("Free")


class PaymentProvider(models.TextChoices):
    STRIPE = "stripe", _("Stripe")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    MANUAL = "manual", _("Recorded by an organiser")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CANCELLATION = "cancellation", _("Cancellation invoice")


class DeviceKind(models.TextChoices):
    DOOR = "door", _("Door scanner")
    LEADS = "leads", _("Lead scanner (exhibitor)")


class CheckInDirection(models.TextChoices):
    IN = "in", _("Entry")
    OUT = "out", _("Exit")


class CheckInResult(models.TextChoices):
    OK = "ok", _("OK")
    ALREADY_CHECKED_IN = "already_checked_in", _("Already checked in")
    INVALID = "invalid", _("Invalid code")
    REVOKED = "revoked", _("Revoked code")
    UNPAID = "unpaid", _("Not paid")
    CANCELLED = "cancelled", pgettext_lazy("ticket status", "Cancelled")
    NOT_VALID_NOW = "not_valid_now", _("Not valid now")
    WRONG_LIST = "wrong_list", _("Not admitted here")
