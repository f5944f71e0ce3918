"""The audit trail in admin: all entries (read-only), and each order's and booth booking's own
on its change page."""

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketing.admin import ReadOnlyMixin  # (ticketing.admin imports this module at its end)
from ticketing.models import AuditEntry

TRAIL_LIMIT = 200
DETAIL_FIELDS = [
    "at",
    "actor",
    "actor_user",
    "actor_device",
    "action",
    "content_type",
    "object_link",
    "order_link",
    "what",
]


def _changes(entry: AuditEntry) -> SafeString:
    return format_html_join(
        "",
        "<div><code>{}</code>: {} → {}</div>",
        (
            (name, "—" if before in (None, "") else before, "—" if after in (None, "") else after)
            for name, (before, after) in entry.changes.items()
        ),
    )


def audit_trail_table(entries: Any) -> SafeString:
    """The entries as a table for a change page (newest first)."""
    rows = list(entries.select_related("content_type")[:TRAIL_LIMIT])
    if not rows:
        return format_html("<p>{}</p>", _("No changes recorded yet."))
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor,
                entry.get_action_display(),
                f"{entry.content_type.name}: {entry.object_repr}",
                _changes(entry),
            )
            for entry in rows
        ),
    )
    head = format_html(
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        _("when (UTC)"),
        _("who"),
        _("action"),
        _("object"),
        _("what"),
    )
    return format_html('<table class="audit-trail"><thead>{}</thead><tbody>{}</tbody></table>', head, body)


def trail_of(obj: Model) -> SafeString:
    """The entries about `obj` itself."""
    return audit_trail_table(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))
    )


def trail_of_order(order_id: int) -> SafeString:
    """The entries about an order, its tickets, payments, refunds and check-ins."""
    return audit_trail_table(AuditEntry.objects.filter(order_id=order_id))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor", "action", "content_type", "object_link", "order_link"]
    list_filter = ["action", "content_type", "at"]
    search_fields = ["object_repr", "actor", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    fieldsets = [(None, {"fields": tuple(DETAIL_FIELDS)})]
    readonly_fields = DETAIL_FIELDS

    @admin.display(description=gettext_lazy("object"))
    def object_link(self, entry: AuditEntry) -> str:
        model = entry.content_type.model_class()
        if model is None:
            return entry.object_repr
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[entry.object_id])
        except NoReverseMatch:  # a model without an admin page
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=gettext_lazy("order"))
    def order_link(self, entry: AuditEntry) -> str:
        if entry.order_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:ticketing_order_change", args=[entry.order_id]), entry.order_id
        )

    @admin.display(description=gettext_lazy("what"))
    def what(self, entry: AuditEntry) -> SafeString:
        return _changes(entry)
