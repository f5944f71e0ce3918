"""The audit trail: who changed what, when, in orders, tickets, payments, refunds, check-ins and
booth bookings (registered in `ticketing.audit`). Entries are only ever added."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketing.models.checkin import Device


class AuditAction(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    actor_device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("device")
    )
    actor = models.CharField(
        _("who"),
        max_length=150,
        help_text=_("The user name, device or process at the time (kept when the user is deleted)."),
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("kind"))
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    # The order an entry concerns (its own, its ticket's, payment's, refund's or check-in's), for
    # the order's history in admin. A plain number: the trail outlives what it describes.
    order_id = models.BigIntegerField(_("order id"), null=True, blank=True, db_index=True)
    changes = models.JSONField(
        _("what"), default=dict, encoder=DjangoJSONEncoder, help_text=_("Per field: [before, after].")
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_repr}"
