"""Stripe: Checkout Sessions, the webhook and refunds.

- `checkout_session_url` hands the buyer an open Checkout Session for a pending card order; its
  `expires_at` follows the order's hold within Stripe's 30 minutes … 24 hours, and it is created
  with an idempotency key, so a retry after a lost answer never makes a second session.
- `checkout_session_expire` ends the session of an order that expired or was cancelled (an order
  held for less than Stripe's 30 minutes relies on it).
- `stripe_webhook_handle` verifies an event and stores it by id in the same transaction as its
  effect: a duplicate, late or out-of-order delivery changes nothing. A payment for an order whose
  tickets are gone is recorded and the order flagged (`order_mark_paid`), never lost. An effect
  that fails (a lock timeout, a bug) rolls everything back, the event row too, and raises
  `ServiceUnavailable` (503 + Retry-After): Stripe delivers the event again.
- An asynchronous payment (SEPA Direct Debit) in flight extends the order's hold
  (`ASYNC_PAYMENT_HOLD`, never past the edition's start); its failure puts the order back on the
  normal short hold.
- `refund_create` pays money back: through Stripe's refund API for card payments, as a record of
  the organiser's transfer otherwise. A full refund cancels the order and revokes its tickets.
  A refund whose answer was lost stays pending and is retried under the same idempotency key.

Every call to Stripe goes through `stripe_client()`; tests put a fake transport into
`_http_client_override` (see `tests/ticketing/stripe_fake.py`).
"""

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from stripe.params import RefundCreateParams
from stripe.params.checkout import SessionCreateParams, SessionCreateParamsLineItem

from config.exceptions import NotFound, ServiceUnavailable
from config.middleware import is_lock_timeout
from ticketing.enums import OrderStatus, PaymentMethod, PaymentProvider, RefundStatus
from ticketing.exceptions import (
    InvalidOrderState,
    PaymentMethodUnavailable,
    PaymentProviderUnavailable,
    TicketingError,
)
from ticketing.models import Order, Payment, Refund, StripeEvent
from ticketing.money import ZERO, quantize
from ticketing.services import hooks

logger = logging.getLogger(__name__)

# Tests install a fake `stripe.HTTPClient` here; None means the real transport.
_http_client_override: stripe.HTTPClient | None = None
_default_http_client: stripe.HTTPClient | None = None

MAX_NETWORK_RETRIES = 2
HTTP_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
WEBHOOK_TOLERANCE = 300  # seconds a signature stays valid: older ones are refused as replays

# Stripe's rule for a Checkout Session's `expires_at`, with a margin for clocks and latency. A
# computed deadline is rounded up to a bucket so a retry shortly after sends the same parameters.
SESSION_MIN_AHEAD = dt.timedelta(minutes=30)
SESSION_MAX_AHEAD = dt.timedelta(hours=24)
SESSION_MARGIN = dt.timedelta(minutes=2)
SESSION_BUCKET_SECONDS = 300

# How long an order paid with an asynchronous method (SEPA Direct Debit: Stripe learns the
# outcome within up to 14 business days) keeps its tickets after the Checkout completed, never
# past the start of the edition.
ASYNC_PAYMENT_HOLD = dt.timedelta(days=21)

SESSION_ENDED_EVENTS = ("checkout.session.expired", "checkout.session.async_payment_failed")
REFUND_EVENTS = ("refund.created", "refund.updated", "refund.failed", "charge.refund.updated")
REFUND_STATUSES = {
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}


class InvalidSignature(TicketingError):
    code = "invalid_signature"
    default_message = _("The Stripe-Signature header is missing, wrong or too old.")


class InvalidEvent(TicketingError):
    code = "invalid_event"
    default_message = _("The body is not a Stripe event.")


class StripeNotConfigured(NotFound):
    code = "stripe_not_configured"
    default_message = _("Stripe is not configured.")


class PaymentInProgress(InvalidOrderState):
    code = "payment_in_progress"
    default_message = _("A payment for this order is already being processed.")


class InvalidRefundAmount(TicketingError):
    code = "invalid_refund_amount"
    default_message = _("A refund must be a positive amount in cents.")


class RefundTooLarge(TicketingError):
    code = "refund_too_large"
    default_message = _("The refund is larger than what was paid and not yet refunded.")


class RefundFailed(TicketingError):
    code = "refund_failed"
    http_status = 409
    default_message = _("The payment provider refused the refund.")


# ---------------------------------------------------------------------------------------------
# The client


def _http_client() -> stripe.HTTPClient:
    global _default_http_client
    if _http_client_override is not None:
        return _http_client_override
    if _default_http_client is None:
        _default_http_client = stripe.RequestsClient(timeout=HTTP_TIMEOUT)
    return _default_http_client


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account; `STRIPE_API_BASE` (e.g. a stripe-mock) replaces the host."""
    if not settings.STRIPE_SECRET_KEY:
        raise PaymentMethodUnavailable(extra={"payment_method": PaymentMethod.STRIPE})
    base = settings.STRIPE_API_BASE.rstrip("/")
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        http_client=_http_client(),
        max_network_retries=MAX_NETWORK_RETRIES,
    )


@contextmanager
def _unavailable_on_outage(action: str) -> Iterator[None]:
    """Network errors, rate limits and 5xx (after the SDK's retries) become a 503 for the caller."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as exc:
        logger.warning("Stripe unavailable (%s): %s", action, exc)
        raise PaymentProviderUnavailable() from exc


def _call[T](action: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with _unavailable_on_outage(action):
        return func(*args, **kwargs)


def _cents(amount: Decimal) -> int:
    return int((quantize(amount) * 100).to_integral_value())


def _from_cents(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return quantize(Decimal(value) / 100)


def _object_id(value: Any) -> str:
    """An id from a field that holds either the id or the expanded object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return ""


# ---------------------------------------------------------------------------------------------
# Checkout Sessions


def checkout_session_url(*, order: Order, return_url: str, now: dt.datetime | None = None) -> str:
    """The address of an open Checkout Session for a pending card order: its current session when
    that is still open, else a new one. Raises `PaymentProviderUnavailable` when Stripe cannot be
    reached; the order is kept and the buyer can try again."""
    now = now or timezone.now()
    order = Order.objects.select_related("event").get(pk=order.pk)
    if order.status != OrderStatus.PENDING or order.payment_method != PaymentMethod.STRIPE:
        raise InvalidOrderState(extra={"status": order.status})
    if order.expires_at is not None and order.expires_at <= now:
        raise InvalidOrderState(extra={"status": OrderStatus.EXPIRED})
    client = stripe_client()

    previous = order.stripe_checkout_session_id
    if previous:
        try:
            current = _call("retrieve session", client.v1.checkout.sessions.retrieve, previous)
        except stripe.InvalidRequestError:
            current = None  # unknown to this account (e.g. keys changed): start afresh
        except stripe.StripeError as exc:
            logger.error("Stripe refused to retrieve session %s of order %s: %s", previous, order.code, exc)
            raise PaymentProviderUnavailable() from exc
        if current is not None:
            if current.status == "open" and current.url:
                return current.url
            if current.status == "complete":
                # Paid, or an asynchronous payment (SEPA debit …) still being processed: never a second one.
                raise PaymentInProgress(extra={"payment_status": current.payment_status})

    expires_at = _session_expires_at(order=order, now=now)
    ended = StripeEvent.objects.filter(order=order, type__in=SESSION_ENDED_EVENTS).count()
    # Same order, same generation, same deadline: the same key, so Stripe answers a retry with the
    # session it already made. A session that ended (or is being replaced) moves the key on.
    idempotency_key = f"sccon-checkout-{order.code}-{ended}-{previous or 'first'}-{int(expires_at.timestamp())}"
    params = _session_params(order=order, return_url=return_url, expires_at=expires_at)
    try:
        session = _call(
            "create session",
            client.v1.checkout.sessions.create,
            params,
            {"idempotency_key": idempotency_key},
        )
    except PaymentProviderUnavailable:
        raise
    except stripe.StripeError as exc:
        logger.error("Stripe refused a Checkout Session for order %s: %s", order.code, exc)
        raise PaymentProviderUnavailable() from exc
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session.id)
    if not session.url:
        raise PaymentProviderUnavailable()
    return session.url


def _session_expires_at(*, order: Order, now: dt.datetime) -> dt.datetime:
    """The order's hold, kept within Stripe's 30 minutes … 24 hours. A hold shorter than that is
    ended early through `checkout_session_expire` when the order expires."""
    earliest = now + SESSION_MIN_AHEAD + SESSION_MARGIN
    latest = now + SESSION_MAX_AHEAD - SESSION_MARGIN
    wanted = order.expires_at
    if wanted is not None and earliest <= wanted <= latest:
        return wanted.replace(microsecond=0)
    if wanted is not None and wanted > latest:
        seconds = int(latest.timestamp()) // SESSION_BUCKET_SECONDS * SESSION_BUCKET_SECONDS
    else:
        seconds = -(-int(earliest.timestamp()) // SESSION_BUCKET_SECONDS) * SESSION_BUCKET_SECONDS
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def _session_params(*, order: Order, return_url: str, expires_at: dt.datetime) -> SessionCreateParams:
    currency = order.currency.lower()
    language = order.language if order.language in {code for code, _name in settings.LANGUAGES} else "de"
    items: list[SessionCreateParamsLineItem] = []
    with translation.override(language):
        for ticket in order.tickets.filter(is_cancelled=False).select_related("ticket_type").order_by("pk"):
            if ticket.price_amount <= 0:
                continue  # Stripe charges for the paid lines; free ones are on the order page
            name = str(ticket.ticket_type.name)
            if ticket.attendee_name:
                name = f"{name} – {ticket.attendee_name}"
            items.append(
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency,
                        "unit_amount": _cents(ticket.price_amount),
                        "product_data": {"name": name[:250]},
                    },
                }
            )
        if sum(item["price_data"]["unit_amount"] for item in items) != _cents(order.total_amount):
            items = [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency,
                        "unit_amount": _cents(order.total_amount),
                        "product_data": {"name": f"{order.event.name} – {order.code}"[:250]},
                    },
                }
            ]
        description = f"{order.event.name} – {order.code}"[:500]
    separator = "&" if "?" in return_url else "?"
    return {
        "mode": "payment",
        "line_items": items,
        "customer_email": order.email,
        "client_reference_id": order.code,
        "metadata": {"order": order.code},
        "payment_intent_data": {"description": description, "metadata": {"order": order.code}},
        "locale": language,
        "success_url": f"{return_url}{separator}paid=1",
        "cancel_url": return_url,
        "expires_at": int(expires_at.timestamp()),
    }


def checkout_session_expire(*, order: Order) -> None:
    """End the order's Checkout Session at Stripe (one already expired or completed is left alone).
    Raises `PaymentProviderUnavailable` on an outage: the task (`expire_checkout_session`) runs again later."""
    session_id = order.stripe_checkout_session_id
    if not session_id or not settings.STRIPE_SECRET_KEY:
        return
    client = stripe_client()
    try:
        _call("expire session", client.v1.checkout.sessions.expire, session_id)
    except stripe.InvalidRequestError as exc:
        logger.info("Checkout Session %s of order %s not expired: %s", session_id, order.code, exc)
    except PaymentProviderUnavailable:
        raise
    except stripe.StripeError as exc:
        logger.error("Stripe refused to expire session %s of order %s: %s", session_id, order.code, exc)
        raise PaymentProviderUnavailable() from exc


# ---------------------------------------------------------------------------------------------
# The webhook


def stripe_webhook_handle(*, payload: bytes, signature: str) -> StripeEvent:
    """Verify a webhook delivery and apply its event once. Answers the stored event, also for a
    duplicate (which changes nothing)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise StripeNotConfigured()
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, WEBHOOK_TOLERANCE)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidSignature() from exc
    event = _parse_event(payload)
    event_id: str = event["id"]
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    stored = StripeEvent.objects.create(event_id=event_id, type=event["type"], payload=event)
            except IntegrityError:
                # Delivered before (or right now by a parallel delivery that committed first).
                return StripeEvent.objects.get(event_id=event_id)
            order, outcome = _apply(event=event, stored=stored)
            stored.order = order
            stored.outcome = outcome[:200]
            stored.save(update_fields=["order", "outcome"])
    except Exception as exc:
        # Nothing of the event is kept (not even the event row), so Stripe's next delivery applies
        # it afresh; 503 asks Stripe to retry instead of showing a 500.
        if is_lock_timeout(exc):
            logger.warning("Stripe event %s %s: lock timeout, left for Stripe's retry", event_id, event["type"])
        else:
            logger.exception("Stripe event %s %s failed; rolled back, left for Stripe's retry", event_id, event["type"])
        raise ServiceUnavailable() from exc
    logger.info("Stripe event %s %s: %s", event_id, event["type"], outcome)
    return stored


def _parse_event(payload: bytes) -> dict[str, Any]:
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidEvent() from exc
    if (
        not isinstance(event, dict)
        or event.get("object") != "event"
        or not isinstance(event.get("id"), str)
        or not 0 < len(event["id"]) <= 255
        or not isinstance(event.get("type"), str)
        or not 0 < len(event["type"]) <= 100
        or not isinstance(event.get("data"), dict)
        or not isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidEvent()
    return event


def _apply(*, event: dict[str, Any], stored: StripeEvent) -> tuple[Order | None, str]:
    event_type: str = event["type"]
    obj: dict[str, Any] = event["data"]["object"]
    created = event["created"] if isinstance(event.get("created"), int) else 0
    if event_type.startswith("checkout.session."):
        handler = SESSION_HANDLERS.get(event_type)
        if handler is None:
            return None, "ignored"
        if obj.get("object") != "checkout.session":
            return None, "ignored: not a Checkout Session"
        order = _order_for_session(obj)
        if order is None:
            return None, "ignored: no such order"
        return order, handler(order, obj)
    if event_type in REFUND_EVENTS:
        return _refund_event(obj, created=created, stored=stored)
    if event_type == "charge.refunded":
        refunds = obj.get("refunds")
        data = refunds.get("data") if isinstance(refunds, dict) else None
        if not isinstance(data, list) or not data:
            return None, "ignored: refunds arrive as refund events"
        order = None
        outcomes = []
        for item in data:
            if isinstance(item, dict):
                found, outcome = _refund_event(item, created=created, stored=stored)
                order = order or found
                outcomes.append(outcome)
        return order, "; ".join(outcomes) or "ignored"
    return None, "ignored"


def _order_for_session(session: dict[str, Any]) -> Order | None:
    metadata = session.get("metadata")
    code = metadata.get("order") if isinstance(metadata, dict) else None
    code = code or session.get("client_reference_id")
    if not isinstance(code, str) or not code:
        return None
    return Order.objects.select_for_update().filter(code=code).first()


def _flag(order: Order, note: str) -> None:
    """Put an order on the organiser's list with a dated note (the order row is locked)."""
    order.needs_attention = True
    order.attention_note += f"{timezone.now():%Y-%m-%d %H:%M} {note}\n"
    order.save(update_fields=["needs_attention", "attention_note"])


def _session_completed(order: Order, session: dict[str, Any]) -> str:
    payment_status = session.get("payment_status")
    if payment_status == "paid":
        return _session_paid(order, session)
    if payment_status == "unpaid":
        return _session_awaiting_payment(order, session)
    return f"ignored: payment status {payment_status}"


def _session_awaiting_payment(order: Order, session: dict[str, Any]) -> str:
    """The buyer finished the Checkout with an asynchronous method (SEPA Direct Debit …): the
    money is on its way, so the order keeps its tickets until the bank has answered (see
    `ASYNC_PAYMENT_HOLD`). A hold that had already ended is not taken up again (its tickets may
    be sold): the payment, when it arrives, revives the order if they are still free."""
    now = timezone.now()
    outcome = "awaiting asynchronous payment"
    if order.status != OrderStatus.PENDING:
        return f"{outcome}; order is {order.status}"
    if order.stripe_checkout_session_id != session.get("id"):
        return f"{outcome}; not the order's current session"  # e.g. its failure arrived first
    if order.expires_at is None or order.expires_at <= now:
        _flag(
            order,
            f"An asynchronous payment (Checkout Session {session.get('id')}) is being processed, but the "
            "order's hold had ended: its tickets are not held.",
        )
        return f"{outcome}; the hold had ended, order flagged"
    event = order.event
    limit = event.starts_at if event.starts_at > now else event.ends_at
    until = min(now + ASYNC_PAYMENT_HOLD, limit)
    if until > order.expires_at:
        order.expires_at = until
        order.save(update_fields=["expires_at"])
    return f"{outcome}; held until {order.expires_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _session_paid(order: Order, session: dict[str, Any]) -> str:
    reference = _object_id(session.get("payment_intent")) or _object_id(session.get("id"))
    if Payment.objects.filter(provider=PaymentProvider.STRIPE, reference=reference).exists():
        return "payment already recorded"
    amount = _from_cents(session.get("amount_total"))
    currency = str(session.get("currency") or order.currency).upper()
    was_paid = order.status == OrderStatus.PAID
    order = _mark_paid(order=order, amount=amount, reference=reference)
    if amount is not None and (amount != order.total_amount or currency != order.currency):
        _flag(order, f"Stripe payment {reference} is {amount} {currency}, the order totals {order.total_amount}.")
    if order.status == OrderStatus.PAID and not was_paid:
        return "order paid"
    return f"payment recorded; {order.status} order flagged for the organiser"


def _mark_paid(*, order: Order, amount: Decimal | None, reference: str) -> Order:
    from ticketing.services.orders import order_mark_paid

    return order_mark_paid(order=order, amount=amount, provider=PaymentProvider.STRIPE, reference=reference)


def _session_async_succeeded(order: Order, session: dict[str, Any]) -> str:
    return _session_paid(order, session)


def _session_async_failed(order: Order, session: dict[str, Any]) -> str:
    """The bank refused the asynchronous payment: the order goes back to a normal hold from now
    (`ORDER_HOLD_MINUTES`), in which the buyer may pay again with a new Checkout Session; after
    it the order expires as any unpaid one."""
    if order.status != OrderStatus.PENDING:
        return f"payment failed; order is {order.status}"
    _flag(order, f"The asynchronous payment of Checkout Session {session.get('id')} failed; the buyer may pay again.")
    if order.stripe_checkout_session_id != session.get("id"):
        return "payment failed; order flagged"
    order.stripe_checkout_session_id = ""
    short_hold = timezone.now() + dt.timedelta(minutes=settings.ORDER_HOLD_MINUTES)
    if order.expires_at is not None and order.expires_at > short_hold:
        order.expires_at = short_hold
    order.save(update_fields=["stripe_checkout_session_id", "expires_at"])
    return "payment failed; order flagged, back to a normal hold"


def _session_expired(order: Order, session: dict[str, Any]) -> str:
    if order.status == OrderStatus.PENDING and order.stripe_checkout_session_id == session.get("id"):
        order.stripe_checkout_session_id = ""
        order.save(update_fields=["stripe_checkout_session_id"])
        return "session expired; a new one is made on the next attempt"
    return "session expired"


SESSION_HANDLERS: dict[str, Callable[[Order, dict[str, Any]], str]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_async_succeeded,
    "checkout.session.async_payment_failed": _session_async_failed,
    "checkout.session.expired": _session_expired,
}


def _refund_event(obj: dict[str, Any], *, created: int, stored: StripeEvent) -> tuple[Order | None, str]:
    if obj.get("object") != "refund" or not _object_id(obj.get("id")):
        return None, "ignored: not a refund"
    refund_id: str = obj["id"]
    refund = _refund_for(obj)
    if refund is None:
        return None, f"ignored: refund {refund_id} is not for one of our payments"
    if _newer_refund_event_applied(refund_id=refund_id, created=created, stored=stored):
        return refund.order, f"refund {refund_id}: a newer event was applied already"
    status = REFUND_STATUSES.get(str(obj.get("status")))
    if status is None:
        return refund.order, f"refund {refund_id}: status {obj.get('status')} ignored"
    return refund.order, f"refund {refund_id}: {_refund_transition(refund=refund, status=status)}"


def _refund_for(obj: dict[str, Any]) -> Refund | None:
    """Our row for a Stripe refund, locked: by its id, by the row id we sent along as metadata
    (an answer that was lost), or a new row for a refund made in the Stripe dashboard."""
    refund_id: str = obj["id"]
    rows = Refund.objects.select_for_update().select_related("order")
    refund = rows.filter(reference=refund_id).first()
    if refund is not None:
        return refund
    metadata: dict[str, Any] = obj["metadata"] if isinstance(obj.get("metadata"), dict) else {}
    row_id = str(metadata.get("refund") or "")
    if row_id.isdigit():
        refund = rows.filter(pk=int(row_id), reference="", order__code=metadata.get("order")).first()
        if refund is not None:
            refund.reference = refund_id
            refund.save(update_fields=["reference"])
            return refund
        refund = rows.filter(reference=refund_id).first()  # set meanwhile by `refund_create`
        if refund is not None:
            return refund
    payment_intent = _object_id(obj.get("payment_intent"))
    payment = (
        Payment.objects.select_related("order")
        .filter(provider=PaymentProvider.STRIPE, reference=payment_intent)
        .first()
        if payment_intent
        else None
    )
    amount = _from_cents(obj.get("amount"))
    if payment is None or amount is None:
        return None
    refund = Refund.objects.create(
        order=payment.order,
        payment=payment,
        amount=amount,
        currency=str(obj.get("currency") or payment.currency).upper(),
        reason="Refunded in the Stripe dashboard",
        status=RefundStatus.PENDING,
        reference=refund_id,
    )
    if row_id.isdigit():
        # It names one of our rows, which already has another Stripe refund: money went back
        # twice. Recorded as it happened, and put in front of the organiser.
        _flag(
            Order.objects.select_for_update().get(pk=payment.order_id),
            f"Stripe refund {refund_id} names refund {row_id}, which is another Stripe refund; recorded separately.",
        )
    return refund


def _newer_refund_event_applied(*, refund_id: str, created: int, stored: StripeEvent) -> bool:
    """Whether an event about this refund that Stripe sent later has been applied already."""
    earlier = (
        StripeEvent.objects.filter(type__in=REFUND_EVENTS, payload__data__object__id=refund_id)
        .exclude(pk=stored.pk)
        .values_list("payload__created", flat=True)
    )
    return any(isinstance(value, int) and value > created for value in earlier)


def _refund_transition(*, refund: Refund, status: str) -> str:
    """Move a (locked) refund to the provider's status. Final states are not undone by a late
    `pending`; a success sets off the credit note and mail, and a full refund cancels the order."""
    if status == refund.status:
        return f"already {status}"
    if status == RefundStatus.PENDING:
        return f"stays {refund.status}"
    previous = refund.status
    refund.status = status
    refund.save(update_fields=["status"])
    order = Order.objects.select_for_update().get(pk=refund.order_id)
    refund.order = order
    if status == RefundStatus.SUCCEEDED:
        hooks.refund_succeeded(refund=refund)
        _cancel_if_fully_refunded(order=order)
        return "succeeded"
    if previous == RefundStatus.SUCCEEDED:
        _flag(order, f"Refund {refund.reference} of {refund.amount} {refund.currency} failed after it had succeeded.")
    else:
        _flag(order, f"Refund {refund.reference or refund.pk} of {refund.amount} {refund.currency} failed.")
    return "failed; order flagged"


def _cancel_if_fully_refunded(*, order: Order) -> None:
    from ticketing.services.orders import order_cancel

    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
        return
    paid = order.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    refunded = (
        order.refunds.filter(status__in=[RefundStatus.PENDING, RefundStatus.SUCCEEDED]).aggregate(total=Sum("amount"))[
            "total"
        ]
        or ZERO
    )
    if paid > 0 and refunded >= paid:
        order_cancel(order=order)


# ---------------------------------------------------------------------------------------------
# Refunds


def refund_create(*, order: Order, amount: Decimal, reason: str = "", user: Any = None) -> Refund:
    """Pay back `amount` of what the order paid. Card payments are refunded through Stripe: the
    row is written first and its id keys the request (`sccon-refund-<order>-<row>`). When Stripe
    cannot be reached the answer is unknown (Stripe may have made the refund): the row stays
    pending without a Stripe id, its amount stays reserved, and `PaymentProviderUnavailable` is
    raised. Asking again for the same amount sends that row again, with the same key, so Stripe
    answers with the refund it made, if it made one: never a second refund. Stripe's refund event
    (it carries the row id) settles the row too. A bank transfer or a manual payment is recorded
    as refunded by the organiser. Refunding everything that was paid cancels the order and
    revokes its tickets."""
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidRefundAmount() from exc
    if not amount.is_finite() or amount <= 0 or amount != quantize(amount):
        raise InvalidRefundAmount(extra={"amount": str(amount)})
    amount = quantize(amount)
    created_by = user if user is not None and getattr(user, "is_authenticated", False) else None

    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        refund = _refund_unconfirmed(order=order, amount=amount)
        if refund is None:
            refund = _refund_new(order=order, amount=amount, reason=reason, created_by=created_by)
            if (
                refund.payment is None
                or refund.payment.provider != PaymentProvider.STRIPE
                or not refund.payment.reference
            ):
                # The organiser transfers the money back; the row records that it was done.
                _refund_transition(refund=refund, status=RefundStatus.SUCCEEDED)
                return refund
    return _refund_send(refund=refund)


def _refund_unconfirmed(*, order: Order, amount: Decimal) -> Refund | None:
    """A card refund of this amount that was sent to Stripe without an answer (an outage): a new
    request for the same amount is its retry."""
    return (
        order.refunds.select_related("payment", "order")
        .filter(
            status=RefundStatus.PENDING,
            reference="",
            amount=amount,
            payment__provider=PaymentProvider.STRIPE,
        )
        .exclude(payment__reference="")
        .order_by("pk")
        .first()
    )


def _refund_new(*, order: Order, amount: Decimal, reason: str, created_by: Any) -> Refund:
    """A new refund row for `amount` (the order is locked), on the payment that can bear it."""
    payments = list(order.payments.order_by("received_at", "pk"))
    refunded: dict[int | None, Decimal] = {
        row["payment"]: row["total"]
        for row in order.refunds.filter(status__in=[RefundStatus.PENDING, RefundStatus.SUCCEEDED])
        .values("payment")
        .annotate(total=Sum("amount"))
    }
    unassigned = refunded.pop(None, ZERO)
    left = {p.pk: p.amount - refunded.get(p.pk, ZERO) for p in payments}
    refundable = sum(left.values(), ZERO) - unassigned
    if amount > refundable:
        raise RefundTooLarge(extra={"refundable": str(max(refundable, ZERO))})
    # Card payments first: their money can go back automatically.
    candidates = sorted(payments, key=lambda p: p.provider != PaymentProvider.STRIPE)
    payment = next((p for p in candidates if left[p.pk] >= amount), None)
    if payment is None:
        raise RefundTooLarge(extra={"refundable": str(max(left.values(), default=ZERO))})
    return Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        currency=payment.currency,
        reason=reason.strip()[:200],
        status=RefundStatus.PENDING,
        created_by=created_by,
    )


def refund_idempotency_key(refund: Refund) -> str:
    """The key of every request for this refund row: a retry is the same request to Stripe."""
    return f"sccon-refund-{refund.order.code}-{refund.pk}"


def _refund_send(*, refund: Refund) -> Refund:
    """Ask Stripe for the (committed) refund row; every parameter comes from the row, so a retry
    sends exactly the first request again."""
    assert refund.payment is not None
    order = refund.order
    params: RefundCreateParams = {
        "payment_intent": refund.payment.reference,
        "amount": _cents(refund.amount),
        "metadata": {"order": order.code, "refund": str(refund.pk), "reason": refund.reason[:500]},
    }
    try:
        answer = _call(
            "create refund",
            stripe_client().v1.refunds.create,
            params,
            {"idempotency_key": refund_idempotency_key(refund)},
        )
    except PaymentProviderUnavailable:
        # No answer: Stripe may have made it. The row stays pending (its amount reserved) for a
        # retry with the same key, or for the refund event, which carries the row id.
        logger.warning("Refund %s of order %s sent without an answer; kept for a retry", refund.pk, order.code)
        raise
    except stripe.IdempotencyError as exc:
        # The same request is being processed right now (a parallel retry): its answer settles the row.
        raise PaymentProviderUnavailable() from exc
    except stripe.StripeError as exc:
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING, reference="").update(
            status=RefundStatus.FAILED
        )
        logger.warning("Stripe refused refund %s of order %s: %s", refund.pk, order.code, exc)
        raise RefundFailed(extra={"provider_code": getattr(exc, "code", None) or ""}) from exc

    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").get(pk=refund.pk)
        if not refund.reference:
            refund.reference = answer.id
            refund.save(update_fields=["reference"])
        elif refund.reference != answer.id:
            # Cannot happen with one key per row; if it does, the organiser must look at it.
            _flag(
                Order.objects.select_for_update().get(pk=refund.order_id),
                f"Refund {refund.pk} is {refund.reference} here but Stripe answered {answer.id}.",
            )
        status = REFUND_STATUSES.get(str(answer.status), RefundStatus.PENDING)
        _refund_transition(refund=refund, status=status)
        if refund.status == RefundStatus.PENDING:
            # Accepted: the tickets of a fully refunded order are revoked now, not when the money lands.
            _cancel_if_fully_refunded(order=refund.order)
    refund.refresh_from_db()
    return refund
