"""Stripe's webhook endpoint: the raw body and its `Stripe-Signature` go to the service."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ticketing.audit import acting_as
from ticketing.services.stripe_payments import stripe_webhook_handle


class StripeWebhookView(APIView):
    """Stripe events, verified with `Stripe-Signature`. Every genuine event is answered 200, also a
    duplicate or one that is ignored; a missing, wrong or stale signature gets 400
    `invalid_signature`, and nothing is stored. When applying the event fails (a lock timeout, an
    error in its effect) nothing is stored either and the answer is 503 `service_unavailable` with
    `Retry-After`, so Stripe delivers the event again."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []

    @extend_schema(
        operation_id="stripe_webhook",
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            404: OpenApiTypes.OBJECT,
            503: OpenApiTypes.OBJECT,
        },
        parameters=[OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True)],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        with acting_as("Stripe webhook"):
            event = stripe_webhook_handle(
                payload=request.body,
                signature=request.headers.get("Stripe-Signature", ""),
            )
        return Response({"received": True, "id": event.event_id})
