"""The door's API: scan, offline bundle and sync (docs/checkin.md).

Callers are scanner devices (`Authorization: Device <token>`) or door-staff users logged in on
the scanner page (session + CSRF). A door device can do nothing else; an exhibitor's lead device
cannot scan at the door.
"""

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.ratelimit import ClientRateThrottle
from programme.models import Event
from ticketing import audit
from ticketing.enums import CheckInDirection, CheckInResult, DeviceKind
from ticketing.models import Device
from ticketing.selectors_checkin import offline_bundle, parse_cursor
from ticketing.services.checkin import (
    OfflineScan,
    ScanOutcome,
    checkin_sync,
    device_for_token,
    device_touch,
    ticket_scan,
)

MAX_ID = 2**63 - 1
MAX_SYNC_SCANS = 500
NONCE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class DeviceAuthentication(BaseAuthentication):
    """`Authorization: Device <token>`: the caller is a registered, unrevoked scanner device."""

    keyword = "Device"

    def authenticate(self, request: Request) -> tuple[Any, Device] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme != self.keyword:
            return None
        device = device_for_token(token.strip())
        if device is None:
            raise AuthenticationFailed("Unknown or revoked device token.")
        device_touch(device=device)
        audit.set_device(device)
        return AnonymousUser(), device

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class DeviceAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Device <token>` in the OpenAPI schema."""

    target_class = DeviceAuthentication
    name = "deviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Device <token>`: the token `manage.py create_device` printed (or admin showed once).",
        }


def _device(request: Request) -> Device | None:
    return request.auth if isinstance(request.auth, Device) else None


class CanScanAtTheDoor(BasePermission):
    """A door device of this edition, or a user with the permission to scan tickets."""

    def has_permission(self, request: Request, view: Any) -> bool:
        device = _device(request)
        if device is not None:
            if device.kind != DeviceKind.DOOR:
                raise PermissionDenied("This device scans leads, not tickets at the door.")
            if device.event.slug != view.kwargs.get("event"):
                raise PermissionDenied("This device belongs to another edition.")
            return True
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return bool(user.has_perm("ticketing.scan_ticket"))


class DeviceScanThrottle(ClientRateThrottle):
    """Per device (or user), so one stuck scanner cannot flood the server; legitimate scanning is
    never slowed (a door may scan 20 times a second). `RATE_LIMITS=0` switches it off."""

    scope = "checkin_scan"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not settings.RATE_LIMITS:
            return None
        device = _device(request)
        ident = f"device:{device.pk}" if device else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class DeviceSyncThrottle(DeviceScanThrottle):
    scope = "checkin_sync"


class CheckInAPIView(APIView):
    authentication_classes = [DeviceAuthentication, SessionAuthentication]
    permission_classes = [CanScanAtTheDoor]

    def event(self) -> Event:
        device = _device(self.request)
        if device is not None:
            return device.event
        return get_object_or_404(Event, slug=self.kwargs["event"])

    def language(self) -> str:
        device = _device(self.request)
        if device is not None:
            return device.language
        return translation.get_language() or settings.LANGUAGE_CODE


# The scan's body is parsed by hand (`parse_scan`): a DRF serializer cost about 0.3 ms per scan,
# a tenth of the request. The serializers below document the same body in the OpenAPI schema;
# tests/ticketing/test_checkin.py holds parse_scan to them.
NONCE = re.compile(NONCE_PATTERN)
RESULTS = frozenset(CheckInResult.values)
DIRECTIONS = frozenset(CheckInDirection.values)


def parse_scan(data: Any, *, offline: bool = False) -> dict[str, Any]:
    """A scan body's fields, validated like `ScanInSerializer` (or `OfflineScanInSerializer`);
    `ValidationError` with the failing fields otherwise."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["Expected an object."]})
    errors: dict[str, list[str]] = {}
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        errors["code"] = ["A non-empty string is required."]
    elif len(code) > 4096:
        errors["code"] = ["Ensure this field has no more than 4096 characters."]
    direction = data.get("direction", CheckInDirection.IN)
    if direction not in DIRECTIONS:
        errors["direction"] = [f"{direction!r} is not a valid choice."]
    list_id = data.get("list")
    if isinstance(list_id, str) and list_id.isdigit() and len(list_id) < 20:
        list_id = int(list_id)
    if list_id is not None and (
        isinstance(list_id, bool) or not isinstance(list_id, int) or not 1 <= list_id <= MAX_ID
    ):
        errors["list"] = ["A valid list id is required."]
    nonce = data.get("nonce") or ""
    if not isinstance(nonce, str) or (nonce and not NONCE.match(nonce)) or (offline and not nonce):
        errors["nonce"] = ["Up to 64 characters of A–Z, a–z, 0–9, - and _" + (" are required." if offline else ".")]
    scanned_at = data.get("scanned_at")
    if scanned_at is not None or offline:
        parsed = parse_datetime(scanned_at) if isinstance(scanned_at, str) and len(scanned_at) < 40 else None
        if parsed is None:
            errors["scanned_at"] = ["An ISO 8601 date and time is required."]
        elif timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        scanned_at = parsed
    offline_result = data.get("offline_result") or "" if offline else ""
    if offline_result not in RESULTS and offline_result != "":
        errors["offline_result"] = [f"{offline_result!r} is not a valid choice."]
    if errors:
        raise ValidationError(errors)
    return {
        "code": code.strip(),  # type: ignore[union-attr]
        "direction": direction,
        "list": list_id,
        "nonce": nonce,
        "scanned_at": scanned_at,
        "offline_result": offline_result,
    }


class ScanInSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=4096, trim_whitespace=True)
    direction = serializers.ChoiceField(choices=CheckInDirection.choices, default=CheckInDirection.IN)
    list = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    nonce = serializers.RegexField(NONCE_PATTERN, required=False, allow_blank=True)
    scanned_at = serializers.DateTimeField(required=False, allow_null=True)


class OfflineScanInSerializer(ScanInSerializer):
    nonce = serializers.RegexField(NONCE_PATTERN)
    scanned_at = serializers.DateTimeField()
    offline_result = serializers.ChoiceField(choices=CheckInResult.choices, required=False, allow_blank=True)


class SyncInSerializer(serializers.Serializer[Any]):
    scans = OfflineScanInSerializer(many=True, max_length=MAX_SYNC_SCANS, allow_empty=False)  # type: ignore[call-arg]


TicketOut = inline_serializer(
    "CheckInTicket",
    {
        "id": serializers.IntegerField(),
        "attendee_name": serializers.CharField(),
        "ticket_type": serializers.CharField(),
        "ticket_type_id": serializers.IntegerField(),
        "valid_on": serializers.DateField(allow_null=True),
        "order": serializers.CharField(),
    },
    allow_null=True,
)
ScanOut = inline_serializer(
    "ScanResult",
    {
        "result": serializers.ChoiceField(choices=CheckInResult.choices),
        "message": serializers.CharField(),
        "ticket": TicketOut,
        "direction": serializers.ChoiceField(choices=CheckInDirection.choices),
        "list": inline_serializer("ScanList", {"id": serializers.IntegerField(), "name": serializers.CharField()}),
        "scanned_at": serializers.DateTimeField(),
        "nonce": serializers.CharField(),
    },
)


def outcome_data(outcome: ScanOutcome, *, language: str) -> dict[str, Any]:
    ticket = outcome.ticket
    with translation.override(language):
        ticket_data = (
            {
                "id": ticket.id,
                "attendee_name": ticket.attendee_name,
                "ticket_type": ticket.ticket_type_name,
                "ticket_type_id": ticket.ticket_type_id,
                "valid_on": ticket.valid_on.isoformat() if ticket.valid_on else None,
                "order": ticket.order_code,
            }
            if ticket is not None
            else None
        )
        return {
            "result": outcome.result,
            "message": outcome.message(language),
            "ticket": ticket_data,
            "direction": outcome.direction,
            "list": {"id": outcome.checkin_list.pk, "name": outcome.checkin_list.name},
            "scanned_at": outcome.scanned_at.isoformat(),
            "nonce": outcome.nonce,
        }


class ScanView(CheckInAPIView):
    """Decide and record one scan. Every processed scan answers 200 with its `result`."""

    throttle_classes = [DeviceScanThrottle]

    @extend_schema(request=ScanInSerializer, responses={200: ScanOut})
    def post(self, request: Request, event: str) -> Response:
        data = parse_scan(request.data)
        edition = self.event()
        device = _device(request)
        outcome = ticket_scan(
            event=edition,
            code=data["code"],
            checkin_list_id=data.get("list"),
            direction=data["direction"],
            device=device,
            user=request.user,
            nonce=data["nonce"],
            scanned_at=data["scanned_at"],
        )
        return Response(outcome_data(outcome, language=self.language()))


class OfflineBundleView(CheckInAPIView):
    """What a scanner needs to decide scans offline; `?since=<cursor>` answers only the changes."""

    @extend_schema(
        parameters=[OpenApiParameter("since", str, required=False, description="The `cursor` of the last bundle.")],
        responses={200: inline_serializer("OfflineBundle", {"cursor": serializers.CharField()})},
    )
    def get(self, request: Request, event: str) -> Response:
        edition = self.event()
        since = parse_cursor(request.query_params.get("since"), now=timezone.now())
        with translation.override(self.language()):
            data = offline_bundle(event=edition, since=since)
        return Response(data, headers={"Cache-Control": "private, no-store"})


class SyncView(CheckInAPIView):
    """Upload scans made offline: each recorded once (by nonce) and judged at its own time."""

    throttle_classes = [DeviceSyncThrottle]

    @extend_schema(
        request=SyncInSerializer,
        responses={
            200: inline_serializer(
                "SyncResult",
                {
                    "results": inline_serializer(
                        "SyncedScan",
                        {
                            "nonce": serializers.CharField(),
                            "result": serializers.ChoiceField(choices=CheckInResult.choices),
                            "message": serializers.CharField(),
                            "ticket": TicketOut,
                            "duplicate": serializers.BooleanField(),
                            "conflict": serializers.BooleanField(),
                        },
                        many=True,
                    )
                },
            )
        },
    )
    def post(self, request: Request, event: str) -> Response:
        body = request.data
        items = body.get("scans") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_SYNC_SCANS:
            raise ValidationError({"scans": [f"A list of 1 to {MAX_SYNC_SCANS} scans is required."]})
        parsed: list[dict[str, Any]] = []
        failures: dict[str, Any] = {}
        for index, item in enumerate(items):
            try:
                parsed.append(parse_scan(item, offline=True))
            except ValidationError as exc:
                failures[str(index)] = exc.detail
        if failures:
            raise ValidationError({"scans": failures})
        edition = self.event()
        scans = [
            OfflineScan(
                code=item["code"],
                nonce=item["nonce"],
                scanned_at=item["scanned_at"],
                direction=item["direction"],
                checkin_list_id=item["list"],
                offline_result=item["offline_result"],
            )
            for item in parsed
        ]
        outcomes = checkin_sync(event=edition, scans=scans, device=_device(request), user=request.user)
        language = self.language()
        results = []
        for outcome in outcomes:
            data = outcome_data(outcome, language=language)
            results.append(
                {
                    "nonce": outcome.nonce,
                    "result": data["result"],
                    "message": data["message"],
                    "ticket": data["ticket"],
                    "duplicate": outcome.duplicate,
                    "conflict": outcome.conflict,
                }
            )
        return Response({"results": results})
