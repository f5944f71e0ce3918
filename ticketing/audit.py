"""The audit trail's machinery: every save and delete of a registered model (orders, tickets,
payments, refunds, check-ins, booth bookings) adds an `AuditEntry` saying who, when and what
changed, field by field.

Who: the request's logged-in user, or the scanner device that authenticated (set by
`ticketing.api.checkin.DeviceAuthentication`), or a process named with `acting_as()` (the Stripe
webhook, a management command, a task). The middleware `AuditActorMiddleware` scopes the actor to
its request.

It works on model signals, so it sees every `save()` and `delete()`, from admin, services, tasks
and commands alike. Secrets (order secret, ticket QR codes, idempotency keys) are never written
into the trail. Queryset `update()` calls send no signals: the services use them only for
technical fields (a rendered PDF's file name, Stripe's session id) or where the entry of the
order itself records the change (tickets cancelled with their order).
"""

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

from ticketing.models import AuditAction, AuditEntry, CheckIn, Device, Order, Payment, Refund, Ticket

# Never copied into the trail: secrets, and what only machines read.
NEVER = {
    "secret",
    "code",
    "raw_code",
    "nonce",
    "idempotency_key",
    "request_fingerprint",
    "stripe_checkout_session_id",
    "tickets_pdf",
    "tickets_pdf_rendered_at",
    "updated_at",
}


@dataclass(frozen=True)
class Registration:
    fields: tuple[str, ...]
    order_of: Callable[[Any], int | None]
    on_create: bool


_registry: dict[type[models.Model], Registration] = {}


def register(
    model: type[models.Model], *, order_of: Callable[[Any], int | None] = lambda obj: None, on_create: bool = True
) -> None:
    """Audit every save and delete of `model`; `order_of(obj)` names the order it concerns."""
    fields = tuple(f.attname for f in model._meta.concrete_fields if f.attname not in NEVER and not f.primary_key)
    _registry[model] = Registration(fields=fields, order_of=order_of, on_create=on_create)
    uid = f"audit-{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)


# --- who --------------------------------------------------------------------------------------


@dataclass
class _Actor:
    request: HttpRequest | None = None
    device: Device | None = None
    label: str = ""


_actor: contextvars.ContextVar[_Actor | None] = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Within this block, changes are made by `label` (a process: "Stripe webhook", "expire_orders")."""
    token = _actor.set(_Actor(label=label))
    try:
        yield
    finally:
        _actor.reset(token)


def set_device(device: Device) -> None:
    """The request in progress (`AuditActorMiddleware`) was authenticated as this scanner device."""
    actor = _actor.get()
    if actor is not None:
        actor.device = device


class AuditActorMiddleware:
    """Makes the request's user (or device) the actor of the changes it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(_Actor(request=request))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _who() -> tuple[Any, Device | None, str]:
    actor = _actor.get()
    if actor is None:
        return None, None, "system"
    if actor.device is not None:
        return None, actor.device, f"device: {actor.device.name}"[:150]
    user = getattr(actor.request, "user", None) if actor.request is not None else None
    if user is not None and user.is_authenticated:
        return user, None, user.get_username()[:150]
    if actor.label:
        return None, None, actor.label[:150]
    return None, None, "anonymous (web)" if actor.request is not None else "system"


# --- what -------------------------------------------------------------------------------------


def _values(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def _before_save(sender: type[models.Model], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    registration = _registry[sender]
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = registration.fields
    if kwargs.get("update_fields"):
        named = {getattr(sender._meta.get_field(name), "attname", name) for name in kwargs["update_fields"]}
        fields = tuple(f for f in fields if f in named)
    if fields:
        instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _after_save(sender: type[models.Model], instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    registration = _registry[sender]
    if created:
        if not registration.on_create:
            return
        changes = {
            name: [None, value]
            for name, value in _values(instance, registration.fields).items()
            if value not in (None, "")
        }
        _record(sender, instance, AuditAction.CREATED, changes)
        return
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return
    after = _values(instance, tuple(before))
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changes:
        _record(sender, instance, AuditAction.CHANGED, changes)


def _after_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    registration = _registry[sender]
    changes = {
        name: [value, None] for name, value in _values(instance, registration.fields).items() if value not in (None, "")
    }
    _record(sender, instance, AuditAction.DELETED, changes)


def record_anonymised(instance: models.Model, *, order_id: int | None) -> None:
    """The erasure itself, without the values erased (made with updates, which send no signals)."""
    _record(type(instance), instance, AuditAction.CHANGED, {"personal data": ["…", "anonymised"]}, order_id=order_id)


def _record(
    model: type[models.Model],
    instance: Any,
    action: str,
    changes: dict[str, list[Any]],
    *,
    order_id: int | None = None,
) -> None:
    user, device, label = _who()
    AuditEntry.objects.create(
        actor_user=user,
        actor_device=device,
        actor=label,
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        order_id=order_id if order_id is not None else _registry[model].order_of(instance),
        changes=changes,
    )


def register_ticketing() -> None:
    register(Order, order_of=lambda order: order.pk)
    register(Ticket, order_of=lambda ticket: ticket.order_id)
    register(Payment, order_of=lambda payment: payment.order_id)
    register(Refund, order_of=lambda refund: refund.order_id)
    # Each scan is its own row already (who, when, result): only changes to one are entries.
    register(CheckIn, order_of=_order_of_checkin, on_create=False)


def _order_of_checkin(checkin: CheckIn) -> int | None:
    if checkin.ticket_id is None:
        return None
    order_id: int | None = Ticket.objects.filter(pk=checkin.ticket_id).values_list("order_id", flat=True).first()
    return order_id
