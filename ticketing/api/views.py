from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ratelimit import OrderCreateThrottle, secret_lookup
from programme.cache import event_public
from ticketing.api.serializers import (
    OrderCreatedSerializer,
    OrderCreateSerializer,
    OrderSerializer,
    TicketTypeSerializer,
    order_create_validate,
    order_created_data,
    order_url,
)
from ticketing.enums import OrderStatus, PaymentMethod
from ticketing.exceptions import OrderNotFound, PaymentProviderUnavailable
from ticketing.models import Order, Ticket
from ticketing.selectors import Availability, order_get_by_secret, shop_ticket_types, ticket_type_availability
from ticketing.services.orders import Billing, TicketRequest, order_place, order_refresh


class TicketTypeListView(generics.ListAPIView[Any]):
    """The public ticket types of an edition with their price and what is left."""

    serializer_class = TicketTypeSerializer

    def get_queryset(self) -> list[Availability]:  # type: ignore[override]
        event = event_public(slug=self.kwargs["event"])
        return ticket_type_availability(event=event, ticket_types=shop_ticket_types(event=event))


MAX_IDEMPOTENCY_KEY = 100


class OrderCreateView(APIView):
    """Place an order. Send an `Idempotency-Key` header so a retried request cannot buy twice."""

    throttle_classes = [OrderCreateThrottle]

    @extend_schema(
        request=OrderCreateSerializer,
        responses={201: OrderCreatedSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
                OpenApiParameter.HEADER,
                required=False,
            )
        ],
    )
    def post(self, request: Request, event: str) -> Response:
        edition = event_public(slug=event)
        data = order_create_validate(request.data)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise ValidationError(
                {"Idempotency-Key": [_("At most %(count)d characters.") % {"count": MAX_IDEMPOTENCY_KEY}]}
            )
        placement = order_place(
            event=edition,
            email=data["email"],
            tickets=[
                TicketRequest(
                    ticket_type_id=t["ticket_type"],
                    attendee_name=t["attendee_name"],
                    attendee_email=t.get("attendee_email", ""),
                )
                for t in data["tickets"]
            ],
            payment_method=data["payment_method"],
            voucher_code=data.get("voucher", ""),
            billing=Billing(**data["billing"]) if data.get("billing") else None,
            language=str(data.get("language") or getattr(request, "LANGUAGE_CODE", "de")),
            idempotency_key=key,
        )
        order = placement.order
        url = order_url(order, request)
        body = order_created_data(order, url=url, payment_url=_payment_url(order, url))
        return Response(body, status=status.HTTP_201_CREATED)


def _payment_url(order: Order, url: str) -> str | None:
    """Where a card payment happens; None when none is due or Stripe cannot be reached (the order
    is kept and the payment can be retried from the order page at `url`)."""
    if order.status != OrderStatus.PENDING or order.payment_method != PaymentMethod.STRIPE:
        return None
    from ticketing.services.stripe_payments import checkout_session_url

    try:
        return checkout_session_url(order=order, return_url=url)
    except PaymentProviderUnavailable:
        return None


class OrderDetailView(APIView):
    """An order, for whoever holds its secret (header `X-Order-Secret`)."""

    @extend_schema(
        responses={200: OrderSerializer},
        parameters=[OpenApiParameter("X-Order-Secret", str, OpenApiParameter.HEADER, required=True)],
    )
    def get(self, request: Request, code: str) -> Response:
        secret = request.headers.get("X-Order-Secret", "")
        order = secret_lookup(request, lambda: order_get_by_secret(code=code, secret=secret))
        if order is None:
            raise OrderNotFound()
        order = order_refresh(order=order)
        order = (
            Order.objects.select_related("event")
            .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.select_related("ticket_type").order_by("pk")))
            .get(pk=order.pk)
        )
        return Response(OrderSerializer(order, context={"request": request}).data)
