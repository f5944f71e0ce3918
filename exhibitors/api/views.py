"""The exhibitors API: the public directory and booths, and the exhibitors' lead scans.

Lead callers are an exhibitor's lead device (`Authorization: Device <token>`, a `ticketing.Device`
of kind leads linked by `ExhibitorDevice`) or a logged-in exhibitor staff member. Either way the
caller sees and changes only its own exhibitor's leads; a door device gets 403.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import NotFound
from exhibitors.api.serializers import (
    BoothFilterSerializer,
    BoothSerializer,
    ExhibitorFilterSerializer,
    ExhibitorSerializer,
    LeadInSerializer,
    LeadSerializer,
    LeadUpdateSerializer,
)
from exhibitors.exceptions import ExhibitorRequired
from exhibitors.models import Booth, Exhibitor, Lead
from exhibitors.selectors import (
    booth_list,
    exhibitor_for_device,
    exhibitor_list,
    exhibitors_for_user,
    lead_get,
    lead_list,
    leads_csv,
)
from exhibitors.services.booking import booth_rates
from exhibitors.services.leads import lead_scan, lead_update
from programme.cache import event_public
from programme.models import Event
from ticketing.api.checkin import DeviceAuthentication
from ticketing.enums import DeviceKind
from ticketing.models import Device


class PublicEventMixin(generics.GenericAPIView[Any]):
    def event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = event_public(slug=self.kwargs["event"])
        return self._event

    def filters(self, serializer_class: type) -> dict[str, Any]:
        self.event()  # an unknown edition is a 404 before any bad filter is a 400
        params = serializer_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return {k: v for k, v in params.validated_data.items() if v not in ("", None)}


class ExhibitorListView(PublicEventMixin, generics.ListAPIView[Exhibitor]):
    """Public exhibitors of an edition, by name; filters `q`, `category` (slug), `hall` (id)."""

    serializer_class = ExhibitorSerializer

    @extend_schema(parameters=[ExhibitorFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Exhibitor]:
        filters = self.filters(ExhibitorFilterSerializer)
        return exhibitor_list(event=self.event(), **filters)


class BoothListView(PublicEventMixin, generics.ListAPIView[Booth]):
    """An edition's booths with size, position on the hall plan (metres), net price and status."""

    serializer_class = BoothSerializer

    @extend_schema(parameters=[BoothFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Booth]:
        filters = self.filters(BoothFilterSerializer)
        return booth_list(event=self.event(), **filters)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "rates": booth_rates(event=self.event())}


# Leads -----------------------------------------------------------------------------------------


def _device(request: Request) -> Device | None:
    return request.auth if isinstance(request.auth, Device) else None


class IsExhibitorCaller(BasePermission):
    """A lead device of this edition linked to an exhibitor, or a logged-in exhibitor staff member.
    Resolves the caller's exhibitor onto the view (`view.exhibitor`)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        device = _device(request)
        if device is not None:
            if device.kind != DeviceKind.LEADS:
                raise PermissionDenied("This device scans tickets at the door, not leads.")
            if device.event.slug != view.kwargs.get("event"):
                raise PermissionDenied("This device belongs to another edition.")
            exhibitor = exhibitor_for_device(device=device)
            if exhibitor is None:
                raise PermissionDenied("This device belongs to no exhibitor.")
            view.exhibitor = exhibitor
            return True
        user = request.user
        if not user or not user.is_authenticated:
            return False
        event = Event.objects.filter(slug=view.kwargs.get("event")).first()
        exhibitors = exhibitors_for_user(user=user, event=event) if event else []
        wanted = request.query_params.get("exhibitor")
        if wanted:
            exhibitors = [e for e in exhibitors if e.slug == wanted]
        if not exhibitors:
            raise PermissionDenied("You are not staff of an exhibitor of this edition.")
        if len(exhibitors) > 1:
            raise ExhibitorRequired(extra={"exhibitors": [e.slug for e in exhibitors]})
        view.exhibitor = exhibitors[0]
        return True


EXHIBITOR_PARAMETER = OpenApiParameter(
    "exhibitor", str, description="For staff of several exhibitors: the exhibitor's slug.", required=False
)


class LeadAPIView(generics.GenericAPIView[Lead]):
    authentication_classes = [DeviceAuthentication, SessionAuthentication]
    permission_classes = [IsExhibitorCaller]
    serializer_class = LeadSerializer
    exhibitor: Exhibitor

    def get_queryset(self) -> QuerySet[Lead]:
        return lead_list(exhibitor=self.exhibitor)


class LeadListView(LeadAPIView, generics.ListAPIView[Lead]):
    @extend_schema(parameters=[EXHIBITOR_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        """The caller's exhibitor's leads, newest scan first."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[EXHIBITOR_PARAMETER],
        request=LeadInSerializer,
        responses={
            201: OpenApiResponse(LeadSerializer, description="A new lead."),
            200: OpenApiResponse(LeadSerializer, description="The badge was scanned before: its lead, updated."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a badge scan: the contact fields are stored only when the attendee opted in and
        `consent` is true; otherwise only that the scan happened."""
        body = LeadInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lead, created = lead_scan(
            exhibitor=self.exhibitor,
            code=data["code"],
            consent=data["consent"],
            notes=data.get("notes"),
            rating=data.get("rating"),
            tags=data.get("tags"),
            user=request.user,
            device=_device(request),
        )
        return Response(LeadSerializer(lead).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class LeadDetailView(LeadAPIView):
    def lead(self) -> Lead:
        lead = lead_get(exhibitor=self.exhibitor, lead_id=self.kwargs["pk"])
        if lead is None:
            raise NotFound(extra={"lead": self.kwargs["pk"]})
        return lead

    @extend_schema(parameters=[EXHIBITOR_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(LeadSerializer(self.lead()).data)

    @extend_schema(parameters=[EXHIBITOR_PARAMETER], request=LeadUpdateSerializer, responses=LeadSerializer)
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Notes, rating and tags of a lead."""
        body = LeadUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes = dict(body.validated_data)
        if "rating" in changes and changes["rating"] is None:  # an explicit null clears the rating
            del changes["rating"]
            changes["clear_rating"] = True
        lead = lead_update(lead=self.lead(), **changes)
        return Response(LeadSerializer(lead).data)


class LeadExportView(APIView):
    authentication_classes = [DeviceAuthentication, SessionAuthentication]
    permission_classes = [IsExhibitorCaller]
    exhibitor: Exhibitor

    @extend_schema(
        parameters=[EXHIBITOR_PARAMETER],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="UTF-8 with BOM, `;`")},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """The caller's exhibitor's leads as CSV that opens cleanly in Excel."""
        return lead_csv_response(exhibitor=self.exhibitor)


def lead_csv_response(*, exhibitor: Exhibitor) -> HttpResponse:
    response = HttpResponse(leads_csv(exhibitor=exhibitor), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leads-{exhibitor.event.slug}-{exhibitor.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
