"""Workshop seats and the agenda through the API, for whoever holds the order's secret (header
`X-Order-Secret`, as for the order itself). Refusals come in the usual error shape: 409
`session_full`, `seat_overlap`, `ticket_not_admitted`, `session_not_bookable`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ratelimit import secret_lookup
from programme.models import Event
from ticketing.exceptions import OrderNotFound
from ticketing.models import SeatBooking, Ticket, WaitingListEntry
from ticketing.selectors import order_get_by_secret
from ticketing.selectors_agenda import order_agenda_tickets, ticket_agenda, waiting_positions
from ticketing.services import agenda as agenda_service

# Needed to see or change anything; without it, or with a wrong one, the order is not found (404).
SECRET = OpenApiParameter(
    "X-Order-Secret",
    str,
    OpenApiParameter.HEADER,
    description="The order's secret (from its link). Without it, or a wrong one: 404 `order_not_found`.",
)


class TicketQuerySerializer(serializers.Serializer[Any]):
    order = serializers.RegexField(r"^[A-Za-z0-9]+$", max_length=20, help_text="The order's code.")
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A ticket of that order.")


class SeatRequestSerializer(TicketQuerySerializer):
    waitlist = serializers.BooleanField(default=False, help_text="When the session is full, join its waiting list.")


SEAT_RESPONSE = inline_serializer(
    "SeatState",
    {
        "status": serializers.ChoiceField(["booked", "waiting", "cancelled"]),
        "session": serializers.IntegerField(),
        "ticket": serializers.IntegerField(),
        "position": serializers.IntegerField(required=False, help_text="Place on the waiting list (1 = next)."),
    },
)


def _ticket(request: Request, event: str, code: str, ticket_id: int) -> Ticket:
    secret = request.headers.get("X-Order-Secret", "")
    order = secret_lookup(request, lambda: order_get_by_secret(code=code, secret=secret, event=event))
    if order is None:
        raise OrderNotFound()
    ticket = next((t for t in order_agenda_tickets(order=order) if t.pk == ticket_id), None)
    if ticket is None:
        raise OrderNotFound(extra={"ticket": ticket_id})
    return ticket


def _query_ticket(request: Request, event: str) -> Ticket:
    """The ticket named by `?order=<code>&ticket=<id>` (GET and DELETE have no body)."""
    params = TicketQuerySerializer(
        data={"order": request.query_params.get("order", ""), "ticket": request.query_params.get("ticket")}
    )
    params.is_valid(raise_exception=True)
    return _ticket(request, event, params.validated_data["order"], params.validated_data["ticket"])


class SeatView(APIView):
    """Book (POST) or give up (DELETE) a ticket's seat in a session with limited seats."""

    authentication_classes: list[Any] = []

    @extend_schema(
        request=SeatRequestSerializer, responses={201: SEAT_RESPONSE, 202: SEAT_RESPONSE}, parameters=[SECRET]
    )
    def post(self, request: Request, event: str, session_id: int) -> Response:
        body = SeatRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = _ticket(request, event, body.validated_data["order"], body.validated_data["ticket"])
        result = agenda_service.seat_book(
            ticket=ticket, session_id=session_id, waitlist=body.validated_data["waitlist"]
        )
        if isinstance(result, WaitingListEntry):
            position = waiting_positions(ticket=ticket).get(session_id)
            return Response(
                {"status": "waiting", "session": session_id, "ticket": ticket.pk, "position": position},
                status=status.HTTP_202_ACCEPTED,
            )
        assert isinstance(result, SeatBooking)
        return Response(
            {"status": "booked", "session": session_id, "ticket": ticket.pk}, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={200: SEAT_RESPONSE},
        parameters=[SECRET, TicketQuerySerializer],
    )
    def delete(self, request: Request, event: str, session_id: int) -> Response:
        ticket = _query_ticket(request, event)
        agenda_service.seat_cancel(ticket=ticket, session_id=session_id)
        return Response({"status": "cancelled", "session": session_id, "ticket": ticket.pk})


class AgendaView(APIView):
    """A ticket's agenda: its seats, waiting places and stars as published now, with changes."""

    authentication_classes: list[Any] = []

    @extend_schema(
        responses={
            200: inline_serializer(
                "Agenda",
                {
                    "ticket": serializers.IntegerField(),
                    "release": serializers.CharField(allow_null=True),
                    "items": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
        parameters=[SECRET, TicketQuerySerializer],
    )
    def get(self, request: Request, event: str) -> Response:
        ticket = _query_ticket(request, event)
        agenda = ticket_agenda(ticket=ticket, event=Event.objects.get(slug=event))
        items = [
            {
                "session": item.session.session_id,
                "title": item.session.title,
                "starts_at": item.session.starts_at,
                "ends_at": item.session.ends_at,
                "room": item.session.room.name,
                "cancelled": item.session.is_cancelled,
                "booked": item.booked,
                "starred": item.starred,
                "waiting_position": item.waiting_position,
                "moved_from": (
                    {"starts_at": item.moved_from.starts_at, "room": item.moved_from.room.name}
                    if item.moved_from
                    else None
                ),
                "clashes": [other.session_id for other in item.clashes],
            }
            for item in agenda.items
        ]
        return Response(
            {"ticket": ticket.pk, "release": agenda.release.version if agenda.release else None, "items": items}
        )
