"""Shared API plumbing: the one exception handler and the pagination every list uses."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.exceptions import ApplicationError, ServiceUnavailable

logger = logging.getLogger(__name__)

DRF_CODES = {
    drf_exceptions.ParseError: "malformed_request",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "throttled",
    drf_exceptions.ValidationError: "invalid",
}


def error_response(
    code: str,
    message: str,
    *,
    status_code: int,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response({"code": code, "message": message, "extra": extra or {}}, status=status_code, headers=headers)


def is_lock_timeout(exc: OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "lock timeout" in text or "could not obtain lock" in text or "deadlock" in text


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as `{"code", "message", "extra"}`."""
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = drf_exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, OperationalError) and is_lock_timeout(exc):
        exc = ServiceUnavailable()

    if isinstance(exc, ApplicationError):
        set_rollback()
        headers = {}
        if isinstance(exc, ServiceUnavailable):
            headers["Retry-After"] = str(exc.retry_after)
        return error_response(exc.code, exc.message, status_code=exc.http_status, extra=exc.extra, headers=headers)

    if isinstance(exc, drf_exceptions.APIException):
        set_rollback()
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        code = DRF_CODES.get(type(exc), exc.default_code if isinstance(exc.default_code, str) else "error")
        if isinstance(exc, drf_exceptions.ValidationError):
            detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
            return error_response(
                "invalid",
                "The request contains invalid data.",
                status_code=status.HTTP_400_BAD_REQUEST,
                extra={"fields": detail},
            )
        return error_response(code, str(exc.detail), status_code=exc.status_code, headers=headers)
    return None


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}` with `?page=` and `?page_size=` (at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
