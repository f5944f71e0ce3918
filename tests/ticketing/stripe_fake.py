"""A fake Stripe for tests: a `stripe.HTTPClient` that the real SDK talks to, answering Checkout
Session and Refund calls with JSON in the shape Stripe records, plus helpers to build and sign
webhook events. Nothing here touches the network.

    fake = install(monkeypatch)          # every `stripe_client()` now talks to `fake`
    url = checkout_session_url(order=order, return_url="https://shop.example/o/")
    session = fake.complete_session(fake.last_session_id)
    post_event(client, event("checkout.session.completed", session))
"""

import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe
from django.test import Client

from ticketing.services import stripe_payments

WEBHOOK_URL = "/api/v1/payments/stripe/webhook/"
WEBHOOK_SECRET = "whsec_test"
DEFAULT_BASE = "https://api.stripe.com"


@dataclass
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str]
    form: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def host(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


@dataclass
class FakeStripe(stripe.HTTPClient):
    """Stripe's API as far as the shop uses it. Set `down = True` for a network outage,
    `fail_with = 500` for Stripe's own errors, `refund_status` for what new refunds answer, and
    `lose_answers = n` for an outage after Stripe acted: the next n requests are carried out
    (and remembered under their idempotency key), but their answers never arrive."""

    name = "fake"

    requests: list[RecordedRequest] = field(default_factory=list)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotent: dict[str, tuple[str, int]] = field(default_factory=dict)
    down: bool = False
    fail_with: int | None = None
    fail_times: int | None = None
    refund_status: str = "succeeded"
    lose_answers: int = 0

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)

    # The transport ------------------------------------------------------------------------

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0.0  # the SDK retries outages; never sleep in a test

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, dict[str, str]]:
        body = post_data.decode() if isinstance(post_data, bytes) else post_data or ""
        query = urlsplit(url).query
        form = dict(parse_qsl(body or query, keep_blank_values=True))
        self.requests.append(RecordedRequest(method.upper(), url, dict(headers or {}), form))
        if self.down:
            raise stripe.APIConnectionError("Connection refused (fake)", should_retry=True)
        if self.fail_with is not None and (self.fail_times is None or self.fail_times > 0):
            if self.fail_times is not None:
                self.fail_times -= 1
            return self._error(self.fail_with, "api_error", "An unknown error occurred (fake).")
        key = (headers or {}).get("Idempotency-Key")
        if method == "post" and key and key in self.idempotent:
            body_json, status = self.idempotent[key]
            return self._answer(body_json, status, {"idempotent-replayed": "true", "request-id": self._id("req")})
        answer, status = self._route(method, urlsplit(url).path, form)
        text = json.dumps(answer)
        if method == "post" and key:
            self.idempotent[key] = (text, status)
        return self._answer(text, status, {"request-id": self._id("req")})

    def _answer(self, text: str, status: int, headers: dict[str, str]) -> tuple[str, int, dict[str, str]]:
        if self.lose_answers > 0:
            self.lose_answers -= 1
            raise stripe.APIConnectionError("Connection reset by peer (fake, after Stripe acted)", should_retry=True)
        return text, status, headers

    def close(self) -> None:
        pass

    def _error(self, status: int, kind: str, message: str, code: str | None = None) -> tuple[str, int, dict[str, str]]:
        error: dict[str, Any] = {"type": kind, "message": message}
        if code:
            error["code"] = code
        return json.dumps({"error": error}), status, {"request-id": self._id("req")}

    def _id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):04d}{secrets.token_hex(8)}"

    def _route(self, method: str, path: str, form: dict[str, str]) -> tuple[dict[str, Any], int]:
        parts = path.strip("/").split("/")
        if method == "post" and parts == ["v1", "checkout", "sessions"]:
            return self._create_session(form), 200
        if parts[:3] == ["v1", "checkout", "sessions"] and len(parts) >= 4:
            session = self.sessions.get(parts[3])
            if session is None:
                return self._missing("checkout.session", parts[3]), 404
            if method == "get" and len(parts) == 4:
                return session, 200
            if method == "post" and parts[4:] == ["expire"]:
                if session["status"] != "open":
                    return {
                        "error": {
                            "type": "invalid_request_error",
                            "message": (
                                'Only Checkout Sessions with a status in ["open"] can be expired. '
                                f'This Checkout Session has a status of "{session["status"]}".'
                            ),
                        }
                    }, 400
                session.update(status="expired", url=None)
                return session, 200
        if method == "post" and parts == ["v1", "refunds"]:
            return self._create_refund(form)
        return {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({path})."}}, 404

    def _missing(self, kind: str, object_id: str) -> dict[str, Any]:
        return {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "param": "id",
                "message": f"No such {kind}: '{object_id}'",
            }
        }

    def _create_session(self, form: dict[str, str]) -> dict[str, Any]:
        session_id = self._id("cs")
        total = 0
        index = 0
        while f"line_items[{index}][quantity]" in form:
            amount = int(form[f"line_items[{index}][price_data][unit_amount]"])
            total += amount * int(form[f"line_items[{index}][quantity]"])
            index += 1
        metadata = {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")}
        now = int(time.time())
        session = {
            "id": session_id,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": total,
            "amount_total": total,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": None,
            "cancel_url": form.get("cancel_url"),
            "client_reference_id": form.get("client_reference_id"),
            "created": now,
            "currency": form.get("line_items[0][price_data][currency]", "eur"),
            "customer": None,
            "customer_creation": "if_required",
            "customer_details": None,
            "customer_email": form.get("customer_email"),
            "expires_at": int(form["expires_at"]) if "expires_at" in form else now + 86400,
            "invoice": None,
            "livemode": False,
            "locale": form.get("locale"),
            "metadata": metadata,
            "mode": form.get("mode", "payment"),
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": "if_required",
            "payment_method_types": ["card", "sepa_debit"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form.get("success_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, form: dict[str, str]) -> tuple[dict[str, Any], int]:
        payment_intent = form.get("payment_intent", "")
        amount = int(form.get("amount", "0"))
        refunded = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == payment_intent)
        paid = sum(s["amount_total"] for s in self.sessions.values() if s["payment_intent"] == payment_intent)
        if not paid:
            return self._missing("payment_intent", payment_intent), 404
        if refunded + amount > paid:
            return {
                "error": {
                    "type": "invalid_request_error",
                    "code": "charge_already_refunded",
                    "message": f"Refund amount ({amount}) is greater than unrefunded amount on charge.",
                }
            }, 400
        refund = refund_object(
            refund_id=self._id("re"),
            amount=amount,
            payment_intent=payment_intent,
            status=self.refund_status,
            metadata={k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")},
        )
        self.refunds[refund["id"]] = refund
        return refund, 200

    # Helpers for tests --------------------------------------------------------------------

    @property
    def last_session_id(self) -> str:
        return list(self.sessions)[-1]

    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def complete_session(self, session_id: str, *, payment_status: str = "paid") -> dict[str, Any]:
        """What Stripe sends once the buyer finished the Checkout: status complete, with a PaymentIntent."""
        session = self.sessions[session_id]
        session.update(
            status="complete",
            payment_status=payment_status,
            payment_intent=session["payment_intent"] or self._id("pi"),
            url=None,
            customer_details={"email": session["customer_email"], "name": "Erika Mustermann"},
        )
        return dict(session)

    def expire_session(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        session.update(status="expired", url=None)
        return dict(session)


def refund_object(
    *,
    refund_id: str,
    amount: int,
    payment_intent: str,
    status: str = "succeeded",
    metadata: dict[str, str] | None = None,
    currency: str = "eur",
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": f"txn_{refund_id[3:]}",
        "charge": f"ch_{payment_intent[3:]}",
        "created": int(time.time()),
        "currency": currency,
        "destination_details": {"card": {"type": "refund"}, "type": "card"},
        "metadata": metadata or {},
        "payment_intent": payment_intent,
        "reason": None,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": status,
        "transfer_reversal": None,
    }


_event_ids = itertools.count(1)


def event(
    event_type: str, obj: dict[str, Any], *, event_id: str | None = None, created: int | None = None
) -> dict[str, Any]:
    """A Stripe event as the webhook receives it."""
    return {
        "id": event_id or f"evt_test_{next(_event_ids):05d}{secrets.token_hex(6)}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()) if created is None else created,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def post_event(
    client: Client,
    body: dict[str, Any] | str,
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    """POST an event to the webhook as Stripe does: the raw JSON with its `Stripe-Signature`."""
    payload = body if isinstance(body, str) else json.dumps(body)
    headers = (
        {} if signature == "" else {"Stripe-Signature": signature or sign(payload, secret=secret, timestamp=timestamp)}
    )
    return client.post(WEBHOOK_URL, data=payload, content_type="application/json", headers=headers)


def install(monkeypatch: Any) -> FakeStripe:
    """Route every Stripe call of the shop to a new fake."""
    fake = FakeStripe()
    monkeypatch.setattr(stripe_payments, "_http_client_override", fake)
    return fake
